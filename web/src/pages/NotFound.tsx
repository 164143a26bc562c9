import { Button, Result } from 'antd';
import { Link } from 'react-router';
import { useT } from '../i18n';

export default function NotFoundPage() {
  const t = useT();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('error.notFoundPage')}
      extra={
        <Link to="/workbench">
          <Button type="primary">{t('common.backHome')}</Button>
        </Link>
      }
    />
  );
}
