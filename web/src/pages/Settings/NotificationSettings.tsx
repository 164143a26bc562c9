import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Checkbox,
  Divider,
  Flex,
  Skeleton,
  Switch,
  Table,
  Tag,
  TimePicker,
  Tooltip,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { QueryError } from '../../components/QueryError';
import { useApiError } from '../../hooks/useApiError';
import { useI18n } from '../../i18n';
import { isSecurityKind, kindName } from '../Notifications/kinds';
import {
  type Channel,
  columnState,
  type NotifyDraft,
  setColumn,
  toDraft,
  toggle,
  toUpdate,
} from './notify';
import { PushDevices } from './PushDevices';
import {
  getNotifySettings,
  type NotifyEventPref,
  type NotifySettings,
  notifyKeys,
  putNotifySettings,
} from './services';

const TIME = 'HH:mm';
const toDayjs = (hhmm: string): Dayjs => {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return dayjs().startOf('day').hour(h).minute(m);
};

/** 通知设置: which channels carry which events to me, quiet hours, the digest, push here. */
export function NotificationSettings() {
  const query = useQuery({ queryKey: notifyKeys.settings, queryFn: getNotifySettings });
  if (query.error) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  return (
    <>
      {query.data ? <Editor settings={query.data} /> : <Skeleton active />}
      <Divider />
      <PushDevices />
    </>
  );
}

function Editor({ settings }: { settings: NotifySettings }) {
  const { t, te } = useI18n();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();
  const [draft, setDraft] = useState<NotifyDraft>(() => toDraft(settings));
  const update = (patch: Partial<NotifyDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = useMutation({
    mutationFn: () => putNotifySettings(toUpdate(draft)),
    onSuccess: (saved) => {
      queryClient.setQueryData(notifyKeys.settings, saved);
      setDraft(toDraft(saved));
      message.success(t('notify.saved'));
    },
    onError: (e) => showError(e),
  });

  const channelName = (c: Channel) => t(c === 'email' ? 'notify.email' : 'notify.push');
  const header = (c: Channel) => {
    const state = columnState(draft.events, c);
    return (
      <Checkbox
        aria-label={t('notify.allOf', { channel: channelName(c) })}
        checked={state === 'all'}
        indeterminate={state === 'some'}
        onChange={(e) => update({ events: setColumn(draft.events, c, e.target.checked) })}
      >
        {channelName(c)}
      </Checkbox>
    );
  };
  const cell = (c: Channel) => (_: unknown, r: NotifyEventPref) => (
    <Checkbox
      aria-label={`${kindName(r.kind, te)} ${channelName(c)}`}
      checked={r[c]}
      onChange={(e) => update({ events: toggle(draft.events, r.kind, c, e.target.checked) })}
    />
  );

  return (
    <Flex vertical gap={16} style={{ maxWidth: 720 }} data-testid="notify-settings">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {t('notify.intro')}
      </Typography.Paragraph>
      {settings.email_address ? (
        <Typography.Text data-testid="notify-email">
          {t('notify.emailTo')} <Typography.Text code>{settings.email_address}</Typography.Text>
        </Typography.Text>
      ) : (
        <Alert
          type="warning"
          showIcon
          data-testid="notify-email"
          title={
            <>
              {t('notify.noEmail')} <Link to="/settings/profile">{t('notify.addEmail')}</Link>
            </>
          }
        />
      )}
      <Table<NotifyEventPref>
        rowKey="kind"
        size="small"
        pagination={false}
        dataSource={draft.events}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            title: t('notify.event'),
            dataIndex: 'kind',
            render: (k: string) => (
              <Flex gap={6} align="center" wrap>
                <span>{kindName(k, te)}</span>
                {isSecurityKind(k) ? (
                  <Tooltip title={t('notify.securityHint')}>
                    <Tag color="red">{t('notify.security')}</Tag>
                  </Tooltip>
                ) : null}
              </Flex>
            ),
          },
          {
            title: t('notify.inApp'),
            key: 'in_app',
            align: 'center',
            render: (_, r) => (
              <Checkbox
                aria-label={`${kindName(r.kind, te)} ${t('notify.inApp')}`}
                checked
                disabled
              />
            ),
          },
          { title: header('email'), key: 'email', align: 'center', render: cell('email') },
          { title: header('push'), key: 'push', align: 'center', render: cell('push') },
        ]}
      />

      <div>
        <Typography.Title level={5}>{t('notify.quietHours')}</Typography.Title>
        <Flex gap={12} align="center" wrap>
          <Switch
            aria-label={t('notify.quietHours')}
            checked={draft.quietOn}
            onChange={(on) => update({ quietOn: on })}
          />
          {draft.quietOn ? (
            <>
              <TimePicker
                aria-label={t('notify.quietStart')}
                format={TIME}
                needConfirm={false}
                allowClear={false}
                value={toDayjs(draft.quietStart)}
                onChange={(v) => v && update({ quietStart: v.format(TIME) })}
              />
              <span>–</span>
              <TimePicker
                aria-label={t('notify.quietEnd')}
                format={TIME}
                needConfirm={false}
                allowClear={false}
                value={toDayjs(draft.quietEnd)}
                onChange={(v) => v && update({ quietEnd: v.format(TIME) })}
              />
            </>
          ) : (
            <Typography.Text type="secondary">{t('notify.quietOff')}</Typography.Text>
          )}
        </Flex>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t('notify.quietHint')}
        </Typography.Paragraph>
      </div>

      <div>
        <Typography.Title level={5}>{t('notify.digest')}</Typography.Title>
        <Flex gap={12} align="center">
          <Switch
            aria-label={t('notify.digest')}
            checked={draft.digest}
            onChange={(on) => update({ digest: on })}
          />
          <Typography.Text type="secondary">{t('notify.digestHint')}</Typography.Text>
        </Flex>
      </div>

      <div>
        <Button type="primary" loading={save.isPending} onClick={() => save.mutate()}>
          {t('common.save')}
        </Button>
      </div>
    </Flex>
  );
}
