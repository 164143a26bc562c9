import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Table, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { PageHeader } from '../../components/PageHeader';
import { useT } from '../../i18n';
import { exportOrgUrl, type ImportRejectedRow, type ImportResult, importOrg } from './services';

type Outcome =
  | { kind: 'ok'; result: ImportResult }
  | { kind: 'rejected'; message: string; rows: ImportRejectedRow[] }
  | { kind: 'error'; error: ApiError | null };

type InitialPassword = ImportResult['initial_passwords'][number];

/** The counts, and the initial passwords of new accounts: shown once, like on creation. */
function ImportDone({ result }: { result: ImportResult }) {
  const t = useT();
  const csv = [
    'username,initial_password',
    ...result.initial_passwords.map((p) => `${p.username},${p.password}`),
  ].join('\n');
  return (
    <Flex vertical gap={12}>
      <Alert
        type="success"
        showIcon
        title={t('import.done', { created: result.created, updated: result.updated })}
        description={t('import.doneMore', {
          departments: result.departments_created,
          posts: result.posts_created,
        })}
      />
      {result.initial_passwords.length > 0 ? (
        <>
          <Alert type="warning" showIcon title={t('import.passwordsOnce')} />
          <Button
            href={`data:text/csv;charset=utf-8,${encodeURIComponent(`${csv}\n`)}`}
            download="xietong-initial-passwords.csv"
            icon={<DownloadOutlined />}
            style={{ alignSelf: 'flex-start' }}
          >
            {t('import.downloadPasswords')}
          </Button>
          <Table<InitialPassword>
            rowKey="username"
            size="small"
            dataSource={result.initial_passwords}
            pagination={result.initial_passwords.length > 50 ? { pageSize: 50 } : false}
            scroll={{ x: 'max-content' }}
            columns={[
              { title: t('user.username'), dataIndex: 'username' },
              {
                title: t('import.initialPassword'),
                dataIndex: 'password',
                render: (v: string) => (
                  <Typography.Text code copyable>
                    {v}
                  </Typography.Text>
                ),
              },
            ]}
          />
        </>
      ) : null}
    </Flex>
  );
}

function rejectedRows(e: ApiError): ImportRejectedRow[] {
  const rows = e.details.rows;
  if (!Array.isArray(rows)) return [];
  return rows.filter(
    (r): r is ImportRejectedRow =>
      typeof r === 'object' && r !== null && 'row' in r && 'message' in r,
  );
}

/** Org chart import (all or nothing: every rejected row listed) and export. */
export default function OrgImportPage() {
  const t = useT();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [lastFile, setLastFile] = useState<File | null>(null);

  useEffect(() => {
    document.title = `${t('menu.import')} - ${t('app.name')}`;
  }, [t]);

  const run = async (file: File) => {
    setLastFile(file);
    setBusy(true);
    setOutcome(null);
    try {
      const result = await importOrg(file);
      setOutcome({ kind: 'ok', result });
      void queryClient.invalidateQueries({ queryKey: ['org'] });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'org.import_rejected')
        setOutcome({ kind: 'rejected', message: e.message, rows: rejectedRows(e) });
      else setOutcome({ kind: 'error', error: e instanceof ApiError ? e : null });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        title={t('menu.import')}
        extra={
          <>
            <Button icon={<DownloadOutlined />} href={exportOrgUrl('xlsx')} download>
              {t('import.exportXlsx')}
            </Button>
            <Button icon={<DownloadOutlined />} href={exportOrgUrl('csv')} download>
              {t('import.exportCsv')}
            </Button>
          </>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Typography.Paragraph>{t('import.intro')}</Typography.Paragraph>
        <Typography.Paragraph>
          <Typography.Text code>{t('import.columns')}</Typography.Text>
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary">{t('import.allOrNothing')}</Typography.Paragraph>
        <Upload.Dragger
          accept=".xlsx,.csv"
          multiple={false}
          showUploadList={false}
          disabled={busy}
          beforeUpload={(file) => {
            void run(file);
            return false;
          }}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{busy ? t('import.uploading') : t('import.drop')}</p>
          <p className="ant-upload-hint">{t('import.formats')}</p>
        </Upload.Dragger>
      </Card>
      {outcome?.kind === 'ok' ? <ImportDone result={outcome.result} /> : null}
      {outcome?.kind === 'error' ? (
        <Alert
          type="error"
          showIcon
          title={
            outcome.error?.isNetwork
              ? t('error.network')
              : (outcome.error?.message ?? t('error.unexpected'))
          }
          action={
            lastFile ? (
              <Button size="small" onClick={() => void run(lastFile)}>
                {t('common.retry')}
              </Button>
            ) : null
          }
        />
      ) : null}
      {outcome?.kind === 'rejected' ? (
        <Flex vertical gap={12}>
          <Alert
            type="error"
            showIcon
            title={outcome.message}
            description={t('import.rejected', { n: outcome.rows.length })}
          />
          <Table<ImportRejectedRow>
            rowKey={(r, i) => `${r.row}-${r.column}-${i}`}
            dataSource={outcome.rows}
            size="small"
            scroll={{ x: 'max-content' }}
            pagination={outcome.rows.length > 50 ? { pageSize: 50 } : false}
            columns={[
              { title: t('import.row'), dataIndex: 'row', width: 80 },
              { title: t('import.column'), dataIndex: 'column', width: 140 },
              { title: t('import.problem'), dataIndex: 'message' },
            ]}
          />
        </Flex>
      ) : null}
    </>
  );
}
