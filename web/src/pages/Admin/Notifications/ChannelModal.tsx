import { useMutation } from '@tanstack/react-query';
import { App, Checkbox, Form, Input, Modal, Radio, Select, Switch, Typography } from 'antd';
import { useEffect } from 'react';
import { useApiError } from '../../../hooks/useApiError';
import { useI18n } from '../../../i18n';
import type { MessageKey } from '../../../i18n/locale';
import { EVENT_KINDS, kindName } from '../../Notifications/kinds';
import {
  type ChannelFormValues,
  hasSecret,
  NEW_CHANNEL,
  toChannelBody,
  toChannelForm,
  validDingTalkSecret,
} from './notify';
import {
  CHANNEL_KINDS,
  type ChannelKind,
  createChannel,
  type NotifyChannel,
  updateChannel,
} from './services';

/** Where each kind's address comes from, as a placeholder. */
const URL_PLACEHOLDER: Record<ChannelKind, string> = {
  wecom: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…',
  dingtalk: 'https://oapi.dingtalk.com/robot/send?access_token=…',
  feishu: 'https://open.feishu.cn/open-apis/bot/v2/hook/…',
  webhook: 'https://example.com/xietong/events',
};

const SECRET_LABEL: Record<ChannelKind, MessageKey> = {
  wecom: 'channel.secret',
  dingtalk: 'channel.secret.dingtalk',
  feishu: 'channel.secret.feishu',
  webhook: 'channel.secret.webhook',
};

/** The signature a generic webhook receiver checks, shown as is. */
export const WEBHOOK_SIGNATURE =
  'X-Xietong-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Xietong-Timestamp>.<body>")>';

/** Create or edit a group robot or webhook; `channel` given: edit it. */
export function ChannelModal({
  open,
  channel,
  onClose,
  onSaved,
}: {
  open: boolean;
  channel?: NotifyChannel;
  onClose: () => void;
  onSaved: (saved: NotifyChannel) => void;
}) {
  const { t, te } = useI18n();
  const { message } = App.useApp();
  const showError = useApiError();
  const [form] = Form.useForm<ChannelFormValues>();
  const watched: ChannelKind | undefined = Form.useWatch('kind', form);
  const kind = watched ?? (channel ? toChannelForm(channel).kind : NEW_CHANNEL.kind);
  const clearing = Form.useWatch('clear_secret', form);
  const keepsSecret = Boolean(channel?.has_secret) && channel?.kind !== 'wecom';

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(channel ? toChannelForm(channel) : NEW_CHANNEL);
  }, [open, channel, form]);

  const save = useMutation({
    mutationFn: (v: ChannelFormValues) => {
      const body = toChannelBody(v, channel);
      return channel ? updateChannel(channel.id, body) : createChannel(body);
    },
    onSuccess: (saved) => {
      message.success(t(channel ? 'channel.updated' : 'channel.created'));
      onSaved(saved);
    },
    onError: (e) => showError(e, form),
  });

  const kindLabel = (k: ChannelKind) => t(`channel.kind.${k}`);

  return (
    <Modal
      open={open}
      title={channel ? t('channel.edit', { name: channel.name }) : t('channel.new')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      forceRender
      width={600}
    >
      <Form<ChannelFormValues>
        form={form}
        name="notify-channel"
        layout="vertical"
        initialValues={channel ? toChannelForm(channel) : NEW_CHANNEL}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item name="kind" label={t('channel.kind')}>
          <Radio.Group
            aria-label={t('channel.kind')}
            optionType="button"
            options={CHANNEL_KINDS.map((k) => ({ value: k, label: kindLabel(k) }))}
          />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('channel.name')}
          rules={[{ required: true, whitespace: true, message: t('channel.nameRequired') }]}
        >
          <Input maxLength={64} placeholder={t('channel.namePlaceholder')} />
        </Form.Item>
        <Form.Item
          name="url"
          label={t('channel.url')}
          extra={t(`channel.urlHint.${kind}`)}
          rules={[
            { required: true, whitespace: true, message: t('channel.urlRequired') },
            { type: 'url', message: t('channel.urlInvalid') },
          ]}
        >
          <Input placeholder={URL_PLACEHOLDER[kind]} autoComplete="off" />
        </Form.Item>
        {hasSecret(kind) ? (
          <>
            <Form.Item
              name="secret"
              label={t(SECRET_LABEL[kind])}
              extra={
                kind === 'webhook' ? (
                  <>
                    {t('channel.secretHint.webhook')}
                    <Typography.Paragraph
                      code
                      copyable
                      style={{ marginTop: 4, marginBottom: 0 }}
                      data-testid="webhook-signature"
                    >
                      {WEBHOOK_SIGNATURE}
                    </Typography.Paragraph>
                  </>
                ) : (
                  t(`channel.secretHint.${kind}`)
                )
              }
              rules={
                kind === 'dingtalk'
                  ? [
                      {
                        validator: async (_, v: string | undefined) => {
                          if (!validDingTalkSecret(v ?? ''))
                            throw new Error(t('channel.secretDingTalkInvalid'));
                        },
                      },
                    ]
                  : []
              }
            >
              <Input.Password
                autoComplete="new-password"
                disabled={Boolean(clearing)}
                placeholder={
                  keepsSecret ? t('channel.secretSet') : kind === 'dingtalk' ? 'SEC…' : undefined
                }
              />
            </Form.Item>
            {keepsSecret ? (
              <Form.Item name="clear_secret" valuePropName="checked" style={{ marginTop: -12 }}>
                <Checkbox>{t('channel.clearSecret')}</Checkbox>
              </Form.Item>
            ) : null}
          </>
        ) : null}
        <Form.Item name="events" label={t('channel.events')} extra={t('channel.eventsHint')}>
          <Select
            mode="multiple"
            aria-label={t('channel.events')}
            allowClear
            placeholder={t('channel.allEvents')}
            showSearch={{ optionFilterProp: 'label' }}
            options={EVENT_KINDS.map((k) => ({ value: k, label: kindName(k, te) }))}
          />
        </Form.Item>
        <Form.Item
          name="enabled"
          label={t('channel.enabled')}
          valuePropName="checked"
          style={{ marginBottom: 0 }}
        >
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}
