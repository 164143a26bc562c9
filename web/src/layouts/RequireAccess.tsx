import { Button, Result } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { type AccessFlag, access } from '../access';
import { useMe } from '../auth/session';
import { useT } from '../i18n';

/** Renders `children` only when the signed-in user has `flag`. */
export default function RequireAccess({
  flag,
  children,
}: {
  flag: AccessFlag;
  children: ReactNode;
}) {
  const { data } = useMe();
  const t = useT();
  if (!access(data)[flag]) {
    return (
      <Result
        status="403"
        title="403"
        subTitle={t('error.forbiddenPage')}
        extra={
          <Link to="/workbench">
            <Button type="primary">{t('common.backHome')}</Button>
          </Link>
        }
      />
    );
  }
  return <>{children}</>;
}
