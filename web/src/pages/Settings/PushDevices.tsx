import { BellOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Popconfirm, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { QueryError } from '../../components/QueryError';
import { useApiError } from '../../hooks/useApiError';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useT } from '../../i18n';
import {
  currentSubscription,
  PushPermissionError,
  pushSupport,
  subscribeThisBrowser,
} from './push';
import {
  addPushDevice,
  getPushPublicKey,
  listPushDevices,
  notifyKeys,
  type PushDevice,
  removePushDevice,
  sendTestPush,
} from './services';

/** 本浏览器推送: subscribe this browser, the list of my push devices, a test message. */
export function PushDevices() {
  const t = useT();
  const fmt = useFormatTime();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();
  const support = pushSupport();
  const [subscribedHere, setSubscribedHere] = useState(false);
  const [denied, setDenied] = useState(false);

  const devices = useQuery({ queryKey: notifyKeys.devices, queryFn: listPushDevices });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: notifyKeys.devices });
    void queryClient.invalidateQueries({ queryKey: notifyKeys.settings });
  };

  useEffect(() => {
    let live = true;
    currentSubscription()
      .then((s) => live && setSubscribedHere(Boolean(s)))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);

  const subscribe = useMutation({
    mutationFn: async () => addPushDevice(await subscribeThisBrowser(await getPushPublicKey())),
    onSuccess: () => {
      setDenied(false);
      setSubscribedHere(true);
      message.success(t('push.subscribed'));
      refresh();
    },
    onError: (e) => {
      if (e instanceof PushPermissionError) setDenied(true);
      else if (e instanceof ApiError) showError(e);
      // The browser refused (no push service reachable, storage blocked, …): say why.
      else message.error(t('push.subscribeFailed', { reason: e.message }));
    },
  });
  const remove = useMutation({
    mutationFn: removePushDevice,
    onSuccess: () => {
      message.success(t('push.removed'));
      refresh();
    },
    onError: (e) => showError(e),
  });
  const test = useMutation({
    mutationFn: sendTestPush,
    onSuccess: (sent) =>
      sent > 0
        ? message.success(t('push.testSent', { n: sent }))
        : message.warning(t('push.noDevices')),
    onError: (e) => showError(e),
  });

  const list = devices.data ?? [];
  return (
    <Flex vertical gap={12} style={{ maxWidth: 720 }} data-testid="push-devices">
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('push.title')}
      </Typography.Title>
      {support === 'ok' ? (
        <>
          <Typography.Text type="secondary">{t('push.hint')}</Typography.Text>
          <Flex gap={8} wrap align="center">
            <Button
              type="primary"
              icon={<BellOutlined />}
              loading={subscribe.isPending}
              onClick={() => subscribe.mutate()}
            >
              {t('push.subscribe')}
            </Button>
            {subscribedHere ? <Tag color="green">{t('push.subscribed')}</Tag> : null}
          </Flex>
          {denied ? <Alert type="warning" showIcon title={t('push.denied')} /> : null}
        </>
      ) : (
        <Alert
          type="info"
          showIcon
          data-testid="push-unsupported"
          title={t(support === 'insecure' ? 'push.insecure' : 'push.unsupported')}
          description={t('push.needsHttps')}
        />
      )}
      {devices.error ? (
        <QueryError error={devices.error} onRetry={() => void devices.refetch()} />
      ) : (
        <Table<PushDevice>
          rowKey="id"
          size="small"
          loading={devices.isPending}
          dataSource={list}
          pagination={false}
          locale={{ emptyText: t('push.empty') }}
          scroll={{ x: 'max-content' }}
          columns={[
            {
              title: t('push.device'),
              dataIndex: 'user_agent',
              render: (ua: string | null) => (
                <span style={{ display: 'inline-block', maxWidth: 360, wordBreak: 'break-word' }}>
                  {ua || '-'}
                </span>
              ),
            },
            { title: t('push.service'), dataIndex: 'endpoint_host' },
            { title: t('push.since'), dataIndex: 'created_at', render: fmt },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, r) => (
                <Popconfirm
                  title={t('push.removeConfirm')}
                  okText={t('common.remove')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => remove.mutateAsync(r.id).catch(() => {})}
                >
                  <Button type="link" danger size="small">
                    {t('common.remove')}
                  </Button>
                </Popconfirm>
              ),
            },
          ]}
        />
      )}
      <div>
        <Button
          icon={<SendOutlined />}
          disabled={list.length === 0}
          loading={test.isPending}
          onClick={() => test.mutate()}
        >
          {t('push.test')}
        </Button>
      </div>
    </Flex>
  );
}
