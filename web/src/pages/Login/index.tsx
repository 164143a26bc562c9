import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { meKey, TOTP_ENROL_PATH, totpRequiredKey, useMe } from '../../auth/session';
import { useI18n } from '../../i18n';
import { isLocale, storedLocale } from '../../i18n/locale';
import { LanguageSwitch } from '../../layouts/LanguageSwitch';
import { formatDateTime } from '../../utils/time';
import { login } from './services';

interface Values {
  username: string;
  password: string;
  totp?: string;
}

/** Only same-site paths are followed after sign-in. */
export function safeRedirect(target: string | null): string {
  if (!target?.startsWith('/') || target.startsWith('//')) return '/workbench';
  if (target.startsWith('/login') || target.startsWith('/change-password')) return '/workbench';
  return target;
}

export default function LoginPage() {
  const { t, locale, setLocale } = useI18n();
  const [form] = Form.useForm<Values>();
  const [step, setStep] = useState<'password' | 'totp'>('password');
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const { data: me } = useMe();

  useEffect(() => {
    document.title = `${t('login.title')} - ${t('app.name')}`;
  }, [t]);

  if (me && !me.must_change_password)
    return <Navigate to={safeRedirect(params.get('redirect'))} replace />;

  const submit = async (values: Values) => {
    setSubmitting(true);
    setFailure(null);
    try {
      const res = await login({
        username: values.username.trim(),
        password: values.password,
        ...(step === 'totp' && values.totp ? { totp: values.totp.trim() } : {}),
      });
      const userLocale = res.user.locale;
      if (!storedLocale() && isLocale(userLocale) && userLocale !== locale)
        setLocale(userLocale, false);
      queryClient.setQueryData(meKey, res.user);
      if (res.must_change_password || res.user.must_change_password) {
        navigate('/change-password', { replace: true });
      } else if (res.must_enroll_totp) {
        // The tenant requires two-factor sign-in: enrol before anything else.
        queryClient.setQueryData(totpRequiredKey, true);
        navigate(TOTP_ENROL_PATH, { replace: true });
      } else {
        navigate(safeRedirect(params.get('redirect')), { replace: true });
      }
    } catch (e) {
      const err = e instanceof ApiError ? e : null;
      if (err?.code === 'auth.totp_required') {
        setStep('totp');
        form.setFieldValue('totp', '');
      } else if (err?.code === 'auth.totp_invalid') {
        form.setFields([{ name: 'totp', errors: [err.message] }]);
      } else {
        setFailure(err ?? null);
        if (!err)
          setFailure(
            new ApiError({ status: 0, code: 'unexpected', message: t('error.unexpected') }),
          );
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Flex
      vertical
      align="center"
      style={{ minHeight: '100vh', padding: 16, background: '#f5f7fa' }}
    >
      <Flex justify="flex-end" style={{ width: '100%', maxWidth: 960 }}>
        <LanguageSwitch signedIn={false} />
      </Flex>
      <Card style={{ width: '100%', maxWidth: 400, marginTop: '8vh' }}>
        <Typography.Title level={2} style={{ textAlign: 'center', marginTop: 0 }}>
          {t('app.name')}
        </Typography.Title>
        <Typography.Title level={4} style={{ textAlign: 'center', marginTop: 0 }}>
          {step === 'password' ? t('login.title') : t('login.totpTitle')}
        </Typography.Title>
        {failure ? <LoginFailure error={failure} onRetry={() => form.submit()} /> : null}
        <Form<Values>
          form={form}
          layout="vertical"
          requiredMark={false}
          onFinish={submit}
          disabled={submitting}
          aria-label={t('login.title')}
        >
          <div style={{ display: step === 'password' ? undefined : 'none' }}>
            <Form.Item
              name="username"
              label={t('login.username')}
              rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
            >
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('login.password')}
              rules={[{ required: true, message: t('login.passwordRequired') }]}
            >
              <Input.Password
                prefix={<LockOutlined />}
                autoComplete="current-password"
                size="large"
              />
            </Form.Item>
          </div>
          {step === 'totp' ? (
            <>
              <Typography.Paragraph type="secondary">{t('login.totpHint')}</Typography.Paragraph>
              <Form.Item
                name="totp"
                label={t('login.totpCode')}
                rules={[{ required: true, whitespace: true, message: t('login.totpRequired') }]}
              >
                <Input
                  prefix={<SafetyOutlined />}
                  autoComplete="one-time-code"
                  inputMode="text"
                  autoFocus
                  size="large"
                  maxLength={32}
                />
              </Form.Item>
            </>
          ) : null}
          <Button type="primary" htmlType="submit" block size="large" loading={submitting}>
            {step === 'password' ? t('login.submit') : t('login.verify')}
          </Button>
          {step === 'totp' ? (
            <Button
              type="link"
              block
              onClick={() => {
                setStep('password');
                setFailure(null);
              }}
            >
              {t('login.back')}
            </Button>
          ) : null}
        </Form>
      </Card>
    </Flex>
  );
}

function LoginFailure({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  const { t, locale } = useI18n();
  if (error.isNetwork) {
    return (
      <Alert
        type="error"
        showIcon
        title={t('error.network')}
        action={
          <Button size="small" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        }
        style={{ marginBottom: 16 }}
      />
    );
  }
  let description: string | undefined;
  if (error.code === 'auth.locked' && typeof error.details.locked_until === 'string') {
    // Before sign-in the tenant is unknown: show the time on the user's own clock.
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    description = t('login.lockedUntil', {
      time: formatDateTime(error.details.locked_until, tz, locale),
    });
  }
  return (
    <Alert
      type={error.code === 'auth.locked' ? 'warning' : 'error'}
      showIcon
      title={error.message}
      description={description}
      role="alert"
      data-testid="login-error"
      style={{ marginBottom: 16 }}
    />
  );
}
