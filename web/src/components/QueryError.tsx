import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button } from 'antd';
import { ApiError } from '../api/client';
import { useT } from '../i18n';

/** A failed load, with a retry button (network failures are often passing). */
export function QueryError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const t = useT();
  const msg =
    error instanceof ApiError
      ? error.isNetwork
        ? t('error.network')
        : error.message
      : t('error.unexpected');
  return (
    <Alert
      type="error"
      showIcon
      title={t('error.loadFailed')}
      description={msg}
      action={
        <Button icon={<ReloadOutlined />} onClick={onRetry}>
          {t('common.retry')}
        </Button>
      }
    />
  );
}
