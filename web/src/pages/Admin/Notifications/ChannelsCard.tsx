import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../../api/client';
import { QueryError } from '../../../components/QueryError';
import { useApiError } from '../../../hooks/useApiError';
import { useI18n } from '../../../i18n';
import { kindName } from '../../Notifications/kinds';
import { ChannelModal } from './ChannelModal';
import {
  deleteChannel,
  listChannels,
  type NotifyChannel,
  notifyAdminKeys,
  testChannel,
} from './services';

/** At most this many event tags in a row; the rest as "+n". */
const SHOWN_EVENTS = 3;

/** 群机器人与 Webhook: the tenant's outgoing channels, with create, edit, test and delete. */
export function ChannelsCard() {
  const { t, te } = useI18n();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message, modal } = App.useApp();
  const [editing, setEditing] = useState<NotifyChannel | 'new' | null>(null);
  const list = useQuery({ queryKey: notifyAdminKeys.channels, queryFn: listChannels });
  const refresh = () => queryClient.invalidateQueries({ queryKey: notifyAdminKeys.channels });

  const test = useMutation({
    mutationFn: (c: NotifyChannel) => testChannel(c.id),
    onSuccess: (_, c) => message.success(t('channel.testSent', { name: c.name })),
    onError: (e, c) => {
      // The receiver's answer says what is wrong (bad key, signature, IP allow-list…).
      if (e instanceof ApiError && !e.isNetwork)
        modal.error({ title: t('channel.testFailed', { name: c.name }), content: e.message });
      else showError(e);
    },
  });
  const remove = useMutation({
    mutationFn: (c: NotifyChannel) => deleteChannel(c.id),
    onSuccess: () => {
      message.success(t('common.deleted'));
      void refresh();
    },
    onError: (e) => showError(e),
  });

  return (
    <Card
      size="small"
      title={t('channel.title')}
      data-testid="channels-card"
      extra={
        <Button size="small" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('channel.new')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('channel.hint')}</Typography.Paragraph>
      {list.error ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<NotifyChannel>
          rowKey="id"
          size="small"
          loading={list.isPending}
          dataSource={list.data ?? []}
          pagination={false}
          locale={{ emptyText: t('channel.empty') }}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('channel.name'), dataIndex: 'name' },
            {
              title: t('channel.kind'),
              dataIndex: 'kind',
              render: (k: string) => te('channel.kind', k),
            },
            {
              title: t('channel.events'),
              dataIndex: 'events',
              render: (events: string[]) =>
                events.length === 0 ? (
                  <Typography.Text type="secondary">{t('channel.allEvents')}</Typography.Text>
                ) : (
                  <Flex gap={4} wrap style={{ maxWidth: 320 }}>
                    {events.slice(0, SHOWN_EVENTS).map((k) => (
                      <Tag key={k}>{kindName(k, te)}</Tag>
                    ))}
                    {events.length > SHOWN_EVENTS ? (
                      <Tag
                        title={events
                          .slice(SHOWN_EVENTS)
                          .map((k) => kindName(k, te))
                          .join('、')}
                      >
                        +{events.length - SHOWN_EVENTS}
                      </Tag>
                    ) : null}
                  </Flex>
                ),
            },
            {
              title: t('channel.state'),
              dataIndex: 'enabled',
              render: (on: boolean) =>
                on ? <Tag color="success">{t('channel.on')}</Tag> : <Tag>{t('channel.off')}</Tag>,
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, r) => (
                <Space size={0}>
                  <Button
                    type="link"
                    size="small"
                    loading={test.isPending && test.variables?.id === r.id}
                    onClick={() => test.mutate(r)}
                  >
                    {t('channel.test')}
                  </Button>
                  <Button type="link" size="small" onClick={() => setEditing(r)}>
                    {t('common.edit')}
                  </Button>
                  <Popconfirm
                    title={t('channel.deleteConfirm', { name: r.name })}
                    okText={t('common.delete')}
                    okButtonProps={{ danger: true }}
                    onConfirm={() => remove.mutateAsync(r).catch(() => {})}
                  >
                    <Button type="link" danger size="small">
                      {t('common.delete')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      )}
      <ChannelModal
        open={editing !== null}
        channel={editing === 'new' || editing === null ? undefined : editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void refresh();
        }}
      />
    </Card>
  );
}
