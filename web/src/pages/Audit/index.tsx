import { DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Form, Input, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryError';
import { useFormatTime, useTimeZone } from '../../hooks/useTenantTime';
import { useT } from '../../i18n';
import { addDays, startOfDayInZone } from '../../utils/time';
import { UserPicker } from '../Org/pickers';
import {
  type AuditEntry,
  type AuditFilters,
  auditExportUrl,
  auditKey,
  listAudit,
} from './services';

interface FormValues {
  actor_id?: string | null;
  action?: string;
  target_type?: string;
  target_id?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
  q?: string;
}

/** Turns the form into API filters; dates are whole days in the tenant's zone. */
export function toFilters(v: FormValues, timeZone: string): AuditFilters {
  const text = (s?: string) => s?.trim() || undefined;
  const [start, end] = v.range ?? [];
  return {
    actor_id: v.actor_id ?? undefined,
    action: text(v.action),
    target_type: text(v.target_type),
    target_id: text(v.target_id),
    q: text(v.q),
    from: start ? startOfDayInZone(start.format('YYYY-MM-DD'), timeZone).toISOString() : undefined,
    to: end
      ? startOfDayInZone(addDays(end.format('YYYY-MM-DD'), 1), timeZone).toISOString()
      : undefined,
  };
}

function Json({ value }: { value: unknown }) {
  if (value === undefined || value === null)
    return <Typography.Text type="secondary">-</Typography.Text>;
  return (
    <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12 }}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

export default function AuditPage() {
  const t = useT();
  const fmt = useFormatTime();
  const tz = useTimeZone();
  const [form] = Form.useForm<FormValues>();
  const [filters, setFilters] = useState<AuditFilters>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);

  useEffect(() => {
    document.title = `${t('menu.audit')} - ${t('app.name')}`;
  }, [t]);

  const list = useQuery({
    queryKey: auditKey(filters, page, pageSize),
    queryFn: () => listAudit(filters, page, pageSize),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageHeader
        title={t('menu.audit')}
        extra={
          <Button icon={<DownloadOutlined />} href={auditExportUrl(filters)} download>
            {t('audit.exportCsv')}
          </Button>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Form<FormValues>
          name="audit-search"
          form={form}
          layout="inline"
          style={{ rowGap: 8 }}
          onFinish={(v) => {
            setFilters(toFilters(v, tz));
            setPage(1);
          }}
        >
          <Form.Item name="q" label={t('audit.search')}>
            <Input allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="actor_id" label={t('audit.actor')}>
            <div style={{ width: 200 }}>
              <UserPicker />
            </div>
          </Form.Item>
          <Form.Item name="action" label={t('audit.action')}>
            <Input allowClear placeholder="user.create" style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="target_type" label={t('audit.targetType')}>
            <Input allowClear placeholder="user" style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="target_id" label={t('audit.targetId')}>
            <Input allowClear style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="range" label={t('audit.range')}>
            <DatePicker.RangePicker allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('common.search')}
            </Button>
          </Form.Item>
          <Form.Item>
            <Button
              onClick={() => {
                form.resetFields();
                setFilters({});
                setPage(1);
              }}
            >
              {t('common.reset')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      {list.error ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<AuditEntry>
          rowKey="id"
          size="small"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          expandable={{
            rowExpandable: (r) => r.before != null || r.after != null || Boolean(r.request_id),
            expandedRowRender: (r) => (
              <div
                style={{
                  display: 'grid',
                  gridTemplateColumns: 'repeat(auto-fit, minmax(240px, 1fr))',
                  gap: 16,
                }}
              >
                <div>
                  <Typography.Text strong>{t('audit.before')}</Typography.Text>
                  <Json value={r.before} />
                </div>
                <div>
                  <Typography.Text strong>{t('audit.after')}</Typography.Text>
                  <Json value={r.after} />
                </div>
                <div>
                  <Typography.Text strong>{t('audit.requestId')}</Typography.Text>
                  <div>
                    <Typography.Text code copyable={Boolean(r.request_id)}>
                      {r.request_id ?? '-'}
                    </Typography.Text>
                  </div>
                </div>
              </div>
            ),
          }}
          pagination={{
            current: page,
            pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100, 200],
            showTotal: (n) => t('common.total', { n }),
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
          columns={[
            { title: t('audit.at'), dataIndex: 'at', render: fmt },
            {
              title: t('audit.actor'),
              dataIndex: 'actor_name',
              render: (v: string | null | undefined, r) =>
                r.acting_for_id
                  ? t('audit.actingFor', { actor: v ?? '-', id: r.acting_for_id })
                  : (v ?? t('audit.system')),
            },
            {
              title: t('audit.action'),
              dataIndex: 'action',
              render: (v) => <Typography.Text code>{v}</Typography.Text>,
            },
            {
              title: t('audit.target'),
              dataIndex: 'target_type',
              render: (v: string, r) => (r.target_id ? `${v} · ${r.target_id}` : v),
            },
            { title: t('audit.summary'), dataIndex: 'summary' },
            { title: t('audit.ip'), dataIndex: 'ip', render: (v) => v || '-' },
          ]}
        />
      )}
    </>
  );
}
