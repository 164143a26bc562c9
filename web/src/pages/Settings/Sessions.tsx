import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Popconfirm, Table, Tag } from 'antd';
import { QueryError } from '../../components/QueryError';
import { useApiError } from '../../hooks/useApiError';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useT } from '../../i18n';
import {
  listSessions,
  revokeOtherSessions,
  revokeSession,
  type Session,
  settingsKeys,
} from './services';

/** Where I am signed in, with sign-out per session and everywhere else. */
export function Sessions() {
  const t = useT();
  const fmt = useFormatTime();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const query = useQuery({ queryKey: settingsKeys.sessions, queryFn: listSessions });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: settingsKeys.sessions });
  const revoke = useMutation({
    mutationFn: revokeSession,
    onSuccess: invalidate,
    onError: (e) => showError(e),
  });
  const revokeOthers = useMutation({
    mutationFn: revokeOtherSessions,
    onSuccess: invalidate,
    onError: (e) => showError(e),
  });

  if (query.error) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  const others = (query.data ?? []).filter((s) => !s.current).length;

  return (
    <>
      <Popconfirm title={t('sessions.revokeOthersConfirm')} onConfirm={() => revokeOthers.mutate()}>
        <Button
          danger
          disabled={others === 0}
          loading={revokeOthers.isPending}
          style={{ marginBottom: 16 }}
        >
          {t('sessions.revokeOthers')}
        </Button>
      </Popconfirm>
      <Table<Session>
        rowKey="id"
        loading={query.isPending}
        dataSource={query.data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            title: t('sessions.device'),
            dataIndex: 'user_agent',
            render: (ua: string | null | undefined, row) => (
              <>
                <span style={{ display: 'inline-block', maxWidth: 360, wordBreak: 'break-word' }}>
                  {ua || '-'}
                </span>{' '}
                {row.current ? <Tag color="green">{t('sessions.current')}</Tag> : null}
              </>
            ),
          },
          { title: t('sessions.ip'), dataIndex: 'ip', render: (v) => v || '-' },
          { title: t('sessions.createdAt'), dataIndex: 'created_at', render: fmt },
          { title: t('sessions.lastSeen'), dataIndex: 'last_seen_at', render: fmt },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, row) =>
              row.current ? null : (
                <Popconfirm
                  title={t('sessions.revokeConfirm')}
                  onConfirm={() => revoke.mutate(row.id)}
                >
                  <Button type="link" danger size="small">
                    {t('sessions.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </>
  );
}
