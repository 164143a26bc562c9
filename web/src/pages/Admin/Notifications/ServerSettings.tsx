import { MailOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Skeleton,
  Space,
  Switch,
  Typography,
} from 'antd';
import { useState } from 'react';
import { ApiError } from '../../../api/client';
import { QueryError } from '../../../components/QueryError';
import { useApiError } from '../../../hooks/useApiError';
import { useT } from '../../../i18n';
import {
  type AdminFormValues,
  DEFAULT_PORT,
  normaliseTime,
  SUGGESTED_TIMES,
  toAdminForm,
  toAdminUpdate,
} from './notify';
import {
  getAdminSettings,
  MAIL_SECURITY,
  type MailSecurity,
  type NotifyAdminSettings,
  notifyAdminKeys,
  putAdminSettings,
  sendTestMail,
} from './services';

/** The mail server and digest cards: one form, saved together. */
export function ServerSettings() {
  const query = useQuery({ queryKey: notifyAdminKeys.settings, queryFn: getAdminSettings });
  if (query.error) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data) return <Skeleton active />;
  return <SettingsForm settings={query.data} />;
}

function SettingsForm({ settings }: { settings: NotifyAdminSettings }) {
  const t = useT();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();
  const [form] = Form.useForm<AdminFormValues>();
  const [hasPassword, setHasPassword] = useState(settings.mail.has_password);
  const mailOn = Form.useWatch(['mail', 'enabled'], form) ?? settings.mail.enabled;
  const digestOn = Form.useWatch(['digest', 'enabled'], form) ?? settings.digest.enabled;
  const clearing = Form.useWatch(['mail', 'clear_password'], form);

  const save = useMutation({
    mutationFn: (v: AdminFormValues) => putAdminSettings(toAdminUpdate(v)),
    onSuccess: (saved) => {
      queryClient.setQueryData(notifyAdminKeys.settings, saved);
      setHasPassword(saved.mail.has_password);
      form.setFieldsValue(toAdminForm(saved));
      message.success(t('notifyAdmin.saved'));
    },
    onError: (e) => showError(e),
  });

  // Switching security moves the port along while it still is the previous usual one.
  const onValuesChange = (changed: Partial<AdminFormValues>, all: AdminFormValues) => {
    const security = changed.mail?.security;
    if (!security) return;
    const wasDefault = all.mail.port == null || Object.values(DEFAULT_PORT).includes(all.mail.port);
    if (wasDefault) form.setFieldValue(['mail', 'port'], DEFAULT_PORT[security]);
  };

  const securityLabel: Record<MailSecurity, string> = {
    none: t('notifyAdmin.security.none'),
    starttls: t('notifyAdmin.security.starttls'),
    tls: t('notifyAdmin.security.tls'),
  };

  return (
    <Form<AdminFormValues>
      form={form}
      name="notify-settings"
      layout="vertical"
      initialValues={toAdminForm(settings)}
      onValuesChange={onValuesChange}
      onFinish={(v) => save.mutate(v)}
    >
      <Flex vertical gap={16}>
        <Card size="small" title={t('notifyAdmin.mail')} data-testid="mail-card">
          <Form.Item
            name={['mail', 'enabled']}
            label={t('notifyAdmin.mailEnabled')}
            valuePropName="checked"
            extra={t('notifyAdmin.mailEnabledHint')}
          >
            <Switch />
          </Form.Item>
          <Flex gap={16} wrap>
            <Form.Item
              name={['mail', 'host']}
              label={t('notifyAdmin.host')}
              rules={[
                { required: mailOn, whitespace: true, message: t('notifyAdmin.hostRequired') },
              ]}
              style={{ flex: '1 1 260px' }}
            >
              <Input placeholder="smtp.example.com" autoComplete="off" />
            </Form.Item>
            <Form.Item
              name={['mail', 'port']}
              label={t('notifyAdmin.port')}
              rules={[
                {
                  required: mailOn,
                  type: 'integer',
                  min: 1,
                  max: 65535,
                  message: t('notifyAdmin.portInvalid'),
                },
              ]}
              style={{ width: 140 }}
            >
              <InputNumber min={1} max={65535} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Flex>
          <Form.Item
            name={['mail', 'security']}
            label={t('notifyAdmin.security')}
            extra={t('notifyAdmin.securityHint')}
          >
            <Radio.Group
              aria-label={t('notifyAdmin.security')}
              options={MAIL_SECURITY.map((s) => ({ value: s, label: securityLabel[s] }))}
            />
          </Form.Item>
          <Flex gap={16} wrap>
            <Form.Item
              name={['mail', 'username']}
              label={t('notifyAdmin.username')}
              style={{ flex: '1 1 240px' }}
            >
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item
              label={t('notifyAdmin.password')}
              style={{ flex: '1 1 240px', marginBottom: 0 }}
            >
              <Form.Item name={['mail', 'password']} noStyle>
                <Input.Password
                  aria-label={t('notifyAdmin.password')}
                  autoComplete="new-password"
                  disabled={Boolean(clearing)}
                  placeholder={hasPassword ? t('notifyAdmin.passwordSet') : undefined}
                />
              </Form.Item>
              {hasPassword ? (
                <Form.Item
                  name={['mail', 'clear_password']}
                  valuePropName="checked"
                  style={{ marginTop: 4 }}
                >
                  <Checkbox>{t('notifyAdmin.clearPassword')}</Checkbox>
                </Form.Item>
              ) : (
                <div style={{ height: 24 }} />
              )}
            </Form.Item>
          </Flex>
          <Flex gap={16} wrap>
            <Form.Item
              name={['mail', 'from_address']}
              label={t('notifyAdmin.fromAddress')}
              rules={[
                { required: mailOn, whitespace: true, message: t('notifyAdmin.fromRequired') },
                { type: 'email', message: t('user.emailInvalid') },
              ]}
              style={{ flex: '1 1 260px' }}
            >
              <Input placeholder="oa@example.com" autoComplete="off" />
            </Form.Item>
            <Form.Item
              name={['mail', 'from_name']}
              label={t('notifyAdmin.fromName')}
              style={{ flex: '1 1 200px' }}
            >
              <Input placeholder={t('app.name')} />
            </Form.Item>
          </Flex>
          <TestMail />
        </Card>

        <Card size="small" title={t('notifyAdmin.digest')} data-testid="digest-card">
          <Form.Item
            name={['digest', 'enabled']}
            label={t('notifyAdmin.digestEnabled')}
            valuePropName="checked"
          >
            <Switch />
          </Form.Item>
          <Form.Item
            name={['digest', 'times']}
            label={t('notifyAdmin.digestTimes')}
            extra={t('notifyAdmin.digestHint')}
            rules={[
              {
                validator: async (_, value: string[] | undefined) => {
                  const times = value ?? [];
                  if (digestOn && times.length === 0)
                    throw new Error(t('notifyAdmin.digestTimesRequired'));
                  const bad = times.find((v) => normaliseTime(v) === null);
                  if (bad !== undefined)
                    throw new Error(t('notifyAdmin.timeInvalid', { value: bad }));
                },
              },
            ]}
            style={{ marginBottom: 0 }}
          >
            <Select
              mode="tags"
              aria-label={t('notifyAdmin.digestTimes')}
              tokenSeparators={[',', '，', '、', ' ']}
              options={SUGGESTED_TIMES.map((v) => ({ value: v, label: v }))}
              style={{ maxWidth: 400 }}
            />
          </Form.Item>
        </Card>

        <div>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
        </div>
      </Flex>
    </Form>
  );
}

/** Sends a test message with the saved settings and shows what the mail server answered. */
function TestMail() {
  const t = useT();
  const [to, setTo] = useState('');
  const [result, setResult] = useState<{ ok: true } | { ok: false; answer: string } | null>(null);
  const send = useMutation({
    mutationFn: () => sendTestMail(to.trim()),
    onMutate: () => setResult(null),
    onSuccess: () => setResult({ ok: true }),
    onError: (e) =>
      setResult({
        ok: false,
        answer:
          e instanceof ApiError
            ? e.isNetwork
              ? t('error.networkRetry')
              : e.message
            : t('error.unexpected'),
      }),
  });
  return (
    <Flex vertical gap={8} style={{ marginTop: 8 }}>
      <Typography.Text strong>{t('notifyAdmin.testMail')}</Typography.Text>
      <Typography.Text type="secondary">{t('notifyAdmin.testMailHint')}</Typography.Text>
      <Space.Compact style={{ maxWidth: 480 }}>
        <Input
          aria-label={t('notifyAdmin.testMailTo')}
          placeholder={t('notifyAdmin.testMailTo')}
          type="email"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          onPressEnter={() => to.trim() && send.mutate()}
        />
        <Button
          icon={<MailOutlined />}
          disabled={!to.trim()}
          loading={send.isPending}
          onClick={() => send.mutate()}
        >
          {t('notifyAdmin.sendTestMail')}
        </Button>
      </Space.Compact>
      {result ? (
        <Alert
          data-testid="test-mail-result"
          type={result.ok ? 'success' : 'error'}
          showIcon
          title={
            result.ok
              ? t('notifyAdmin.testMailSent', { to: to.trim() })
              : t('notifyAdmin.testMailFailed')
          }
          description={
            result.ok ? undefined : (
              <Typography.Text style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                {result.answer}
              </Typography.Text>
            )
          }
        />
      ) : null}
    </Flex>
  );
}
