import { Alert, Modal, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useT } from '../i18n';

/** Shows a secret the server returns only once (initial password, token). */
export function SecretOnce({
  open,
  title,
  secret,
  hint,
  onClose,
  testId,
}: {
  open: boolean;
  title: ReactNode;
  secret: string;
  hint?: ReactNode;
  onClose: () => void;
  testId?: string;
}) {
  const t = useT();
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      onOk={onClose}
      okText={t('common.done')}
      cancelButtonProps={{ style: { display: 'none' } }}
      maskClosable={false}
      destroyOnHidden
    >
      <Alert
        type="warning"
        showIcon
        title={hint ?? t('common.shownOnce')}
        style={{ marginBottom: 16 }}
      />
      <Typography.Paragraph
        copyable={{ text: secret }}
        code
        style={{ fontSize: 18, wordBreak: 'break-all' }}
        data-testid={testId}
      >
        {secret}
      </Typography.Paragraph>
    </Modal>
  );
}
