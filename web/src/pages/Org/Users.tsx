import { DownOutlined, PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Badge,
  Button,
  Card,
  Checkbox,
  Dropdown,
  Form,
  Input,
  Select,
  Space,
  Table,
  Tag,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { access } from '../../access';
import { useMe } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryError';
import { SecretOnce } from '../../components/SecretOnce';
import { useApiError } from '../../hooks/useApiError';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useI18n } from '../../i18n';
import { DepartmentPicker } from './pickers';
import {
  disableUser,
  listUsers,
  orgKeys,
  reactivateUser,
  resetUserPassword,
  type User,
  type UserQuery,
  type UserStatus,
  useRoles,
} from './services';
import { UserFormModal } from './UserFormModal';

function readQuery(params: URLSearchParams): UserQuery {
  const status = params.get('status');
  return {
    q: params.get('q') || undefined,
    department_id: params.get('department_id') || undefined,
    include_sub: params.get('include_sub') !== 'false',
    status: status === 'active' || status === 'disabled' ? status : undefined,
    page: Math.max(1, Number(params.get('page')) || 1),
    page_size: Math.min(200, Math.max(1, Number(params.get('page_size')) || 20)),
  };
}

function writeQuery(q: UserQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.q) p.set('q', q.q);
  if (q.department_id) p.set('department_id', q.department_id);
  if (q.include_sub === false) p.set('include_sub', 'false');
  if (q.status) p.set('status', q.status);
  if (q.page > 1) p.set('page', String(q.page));
  if (q.page_size !== 20) p.set('page_size', String(q.page_size));
  return p;
}

interface Secret {
  title: string;
  value: string;
  testId: string;
}

/** User list with search, department filter and paging; the account lifecycle. */
export default function UsersPage() {
  const { t, te } = useI18n();
  const fmt = useFormatTime();
  const { data: me } = useMe();
  const flags = access(me);
  const canWrite = flags.canWriteUsers;
  const canReset = flags.canResetPasswords;
  const [params, setParams] = useSearchParams();
  const query = useMemo(() => readQuery(params), [params]);
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message, modal } = App.useApp();
  const roles = useRoles();
  const [form] = Form.useForm<{
    q?: string;
    department_id?: string;
    include_sub: boolean;
    status?: UserStatus;
  }>();
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [secret, setSecret] = useState<Secret | null>(null);

  useEffect(() => {
    document.title = `${t('menu.users')} - ${t('app.name')}`;
  }, [t]);
  useEffect(() => {
    form.setFieldsValue({
      q: query.q,
      department_id: query.department_id,
      include_sub: query.include_sub !== false,
      status: query.status,
    });
  }, [query, form]);

  const list = useQuery({
    queryKey: orgKeys.userList(query),
    queryFn: () => listUsers(query),
    placeholderData: keepPreviousData,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['org'] });
  const update = (patch: Partial<UserQuery>) => setParams(writeQuery({ ...query, ...patch }));

  const lifecycle = useMutation({
    mutationFn: ({ user, action }: { user: User; action: 'disable' | 'reactivate' }) =>
      action === 'disable' ? disableUser(user.id) : reactivateUser(user.id),
    onSuccess: (u) => {
      message.success(u.status === 'active' ? t('user.reactivated') : t('user.disabled'));
      void refresh();
    },
    onError: (e) => showError(e),
  });
  const reset = useMutation({
    mutationFn: (user: User) => resetUserPassword(user.id),
    onSuccess: (pw, user) =>
      setSecret({
        title: t('user.oneTimePassword', { name: user.display_name }),
        value: pw,
        testId: 'one-time-password',
      }),
    onError: (e) => showError(e),
  });

  const roleName = (key: string) => roles.data?.find((r) => r.key === key)?.name ?? key;

  return (
    <>
      <PageHeader
        title={t('menu.users')}
        extra={
          canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t('user.create')}
            </Button>
          ) : null
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Form
          name="user-search"
          form={form}
          layout="inline"
          style={{ rowGap: 8 }}
          onFinish={(v) =>
            update({
              q: v.q?.trim() || undefined,
              department_id: v.department_id,
              include_sub: v.include_sub,
              status: v.status,
              page: 1,
            })
          }
        >
          <Form.Item name="q" label={t('user.search')}>
            <Input allowClear placeholder={t('user.searchPlaceholder')} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="department_id" label={t('user.department')}>
            <DepartmentPicker allowClear style={{ width: 220 }} />
          </Form.Item>
          <Form.Item name="include_sub" valuePropName="checked">
            <Checkbox>{t('user.includeSub')}</Checkbox>
          </Form.Item>
          <Form.Item name="status" label={t('user.status')}>
            <Select
              allowClear
              style={{ width: 120 }}
              placeholder={t('common.all')}
              options={[
                { value: 'active', label: t('user.status.active') },
                { value: 'disabled', label: t('user.status.disabled') },
              ]}
            />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('common.search')}
            </Button>
          </Form.Item>
          <Form.Item>
            <Button onClick={() => setParams(new URLSearchParams())}>{t('common.reset')}</Button>
          </Form.Item>
        </Form>
      </Card>
      {list.error ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<User>
          rowKey="id"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 'max-content' }}
          pagination={{
            current: query.page,
            pageSize: query.page_size,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100, 200],
            showTotal: (n) => t('common.total', { n }),
            onChange: (page, page_size) => update({ page, page_size }),
          }}
          columns={[
            { title: t('user.displayName'), dataIndex: 'display_name', fixed: 'left' },
            { title: t('user.username'), dataIndex: 'username' },
            { title: t('user.department'), dataIndex: 'department_name' },
            { title: t('user.post'), dataIndex: 'post_name', render: (v) => v || '-' },
            { title: t('user.supervisor'), dataIndex: 'supervisor_name', render: (v) => v || '-' },
            {
              title: t('user.roles'),
              dataIndex: 'roles',
              render: (rs: string[]) => rs.map((r) => <Tag key={r}>{roleName(r)}</Tag>),
            },
            {
              title: t('user.status'),
              dataIndex: 'status',
              render: (s: UserStatus) => (
                <Badge
                  status={s === 'active' ? 'success' : 'default'}
                  text={te('user.status', s)}
                />
              ),
            },
            {
              title: t('user.lastLogin'),
              dataIndex: 'last_login_at',
              render: (v) => (v ? fmt(v) : '-'),
            },
            ...(canWrite || canReset
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, u: User) => {
                      const more = [
                        ...(canReset ? [{ key: 'reset', label: t('user.resetPassword') }] : []),
                        ...(!canWrite
                          ? []
                          : u.status === 'active'
                            ? [{ key: 'disable', label: t('user.disable'), danger: true }]
                            : [{ key: 'reactivate', label: t('user.reactivate') }]),
                      ];
                      return (
                        <Space.Compact size="small">
                          {canWrite ? (
                            <Button onClick={() => setEditing(u)}>{t('common.edit')}</Button>
                          ) : null}
                          <Dropdown
                            trigger={['click']}
                            menu={{ items: more, onClick: ({ key }) => confirmAction(key, u) }}
                          >
                            <Button icon={<DownOutlined />} aria-label={t('common.more')} />
                          </Dropdown>
                        </Space.Compact>
                      );
                    },
                  },
                ]
              : []),
          ]}
        />
      )}
      <UserFormModal
        open={editing !== null}
        user={editing === 'new' ? null : editing}
        defaultDepartmentId={query.department_id}
        onClose={() => setEditing(null)}
        onCreated={(res) => {
          setEditing(null);
          setSecret({
            title: t('user.createdTitle', { name: res.user.display_name }),
            value: res.initial_password,
            testId: 'initial-password',
          });
          void refresh();
        }}
        onSaved={() => {
          setEditing(null);
          message.success(t('common.saved'));
          void refresh();
        }}
      />
      <SecretOnce
        open={secret !== null}
        title={secret?.title}
        secret={secret?.value ?? ''}
        hint={t('user.passwordOnceHint')}
        testId={secret?.testId}
        onClose={() => setSecret(null)}
      />
    </>
  );

  function confirmAction(key: string, u: User) {
    const texts = {
      reset: t('user.resetConfirm', { name: u.display_name }),
      disable: t('user.disableConfirm', { name: u.display_name }),
      reactivate: t('user.reactivateConfirm', { name: u.display_name }),
    } as const;
    if (!(key in texts)) return;
    modal.confirm({
      title: texts[key as keyof typeof texts],
      okButtonProps: { danger: key === 'disable' },
      onOk: () =>
        key === 'reset'
          ? reset.mutateAsync(u).then(
              () => undefined,
              () => undefined,
            )
          : lifecycle.mutateAsync({ user: u, action: key as 'disable' | 'reactivate' }).then(
              () => undefined,
              () => undefined,
            ),
    });
  }
}
