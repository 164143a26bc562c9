import { Table, Typography } from 'antd';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { type Role, useRoles } from './services';

/** Built-in roles; who holds them is set on each user. */
export default function RolesPage() {
  const { t, te } = useI18n();
  const roles = useRoles();
  useEffect(() => {
    document.title = `${t('menu.roles')} - ${t('app.name')}`;
  }, [t]);
  return (
    <>
      <PageHeader title={t('menu.roles')} />
      <Typography.Paragraph type="secondary">
        {t('role.hint')} <Link to="/org/users">{t('menu.users')}</Link>
      </Typography.Paragraph>
      {roles.error ? (
        <QueryError error={roles.error} onRetry={() => void roles.refetch()} />
      ) : (
        <Table<Role>
          rowKey="key"
          loading={roles.isPending}
          dataSource={roles.data ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('role.name'), dataIndex: 'name' },
            {
              title: t('role.key'),
              dataIndex: 'key',
              render: (k) => <Typography.Text code>{k}</Typography.Text>,
            },
            {
              title: t('role.description'),
              dataIndex: 'key',
              key: 'desc',
              render: (k: string) => te('role.desc', k),
            },
          ]}
        />
      )}
    </>
  );
}
