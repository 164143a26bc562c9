import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Input, Modal, Typography, Upload } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../../api/client';
import { useApiError } from '../../../hooks/useApiError';
import { useT } from '../../../i18n';
import { type LineError, lineErrors } from './calendar';
import { calendarKeys, importCalendar } from './services';

const EXAMPLE = ['date,kind,name', '2027-01-01,holiday,元旦', '2027-02-06,workday,春节调休'].join(
  '\n',
);

/** A picked file's text (FileReader: `Blob.text()` is missing in older browsers and jsdom). */
export function readFileText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(reader.error);
    reader.readAsText(file, 'utf-8');
  });
}

interface Rejected {
  message: string;
  lines: LineError[];
}

/** Pasted or picked CSV / iCalendar text, imported all or nothing; rejected lines listed. */
export function ImportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const [rejected, setRejected] = useState<Rejected | null>(null);

  const close = () => {
    setText('');
    setFileName(null);
    setMissing(false);
    setRejected(null);
    onClose();
  };

  const run = useMutation({
    mutationFn: importCalendar,
    onSuccess: (r) => {
      message.success(t('calendar.imported', { n: r.imported }));
      void queryClient.invalidateQueries({ queryKey: calendarKeys.all });
      close();
    },
    onError: (e) => {
      if (e instanceof ApiError && e.status === 422 && e.fields.length > 0)
        setRejected({ message: e.message, lines: lineErrors(e.fields) });
      else showError(e);
    },
  });

  const submit = () => {
    setRejected(null);
    if (!text.trim()) {
      setMissing(true);
      return;
    }
    run.mutate(text);
  };

  const read = async (file: File) => {
    try {
      setText(await readFileText(file));
      setFileName(file.name);
      setMissing(false);
      setRejected(null);
    } catch {
      message.error(t('error.unexpected'));
    }
  };

  return (
    <Modal
      open={open}
      title={t('calendar.importTitle')}
      onCancel={close}
      okText={t('calendar.importSubmit')}
      onOk={submit}
      confirmLoading={run.isPending}
      destroyOnHidden
      width={640}
    >
      <Flex vertical gap={12}>
        <Typography.Text type="secondary">{t('calendar.importHint')}</Typography.Text>
        <Flex align="center" gap={8} wrap>
          <Upload
            accept=".csv,.ics,.txt,text/csv,text/calendar,text/plain"
            showUploadList={false}
            maxCount={1}
            beforeUpload={(file) => {
              void read(file);
              return Upload.LIST_IGNORE;
            }}
          >
            <Button icon={<UploadOutlined />}>{t('calendar.pickFile')}</Button>
          </Upload>
          {fileName ? (
            <Typography.Text type="secondary" data-testid="calendar-import-file">
              {t('calendar.fileLoaded', { name: fileName })}
            </Typography.Text>
          ) : null}
        </Flex>
        <div>
          <Input.TextArea
            aria-label={t('calendar.importText')}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setMissing(false);
            }}
            placeholder={EXAMPLE}
            autoSize={{ minRows: 6, maxRows: 16 }}
            status={missing ? 'error' : undefined}
            style={{ fontFamily: 'monospace' }}
          />
          {missing ? (
            <Typography.Text type="danger">{t('calendar.importTextRequired')}</Typography.Text>
          ) : null}
        </div>
        {rejected ? (
          <Alert
            type="error"
            showIcon
            data-testid="calendar-import-errors"
            title={rejected.message}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {rejected.lines.map((l, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a line may have several problems
                  <li key={i}>
                    {l.line === null
                      ? l.message
                      : t('calendar.lineMessage', { line: l.line, message: l.message })}
                  </li>
                ))}
              </ul>
            }
          />
        ) : null}
      </Flex>
    </Modal>
  );
}
