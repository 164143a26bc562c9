import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Form, Input, Result, Steps, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { meKey, totpRequiredKey, useMe, useTotpEnrolmentRequired } from '../../auth/session';
import { useApiError } from '../../hooks/useApiError';
import { useT } from '../../i18n';
import { type TotpSetup, totpDisable, totpEnable, totpSetup } from './services';

/** 2FA enrolment: QR code, confirm with a code, keep the recovery codes. */
export function TwoFactor() {
  const t = useT();
  const { data: me } = useMe();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [enableForm] = Form.useForm<{ code: string }>();
  const [disableForm] = Form.useForm<{ password: string }>();
  const required = useTotpEnrolmentRequired();

  if (!me) return null;
  const requiredBanner =
    required && !me.totp_enabled ? (
      <Alert
        type="warning"
        showIcon
        title={t('totp.requiredByTenant')}
        data-testid="totp-required"
        style={{ marginBottom: 16, maxWidth: 560 }}
      />
    ) : null;

  const begin = async () => {
    setBusy(true);
    try {
      setSetup(await totpSetup());
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  };

  const enable = async ({ code }: { code: string }) => {
    try {
      setCodes(await totpEnable(code.trim()));
      setSetup(null);
    } catch (e) {
      if (e instanceof ApiError && !e.isNetwork && e.fields.length === 0)
        enableForm.setFields([{ name: 'code', errors: [e.message] }]);
      else showError(e, enableForm);
    }
  };

  const finish = () => {
    setCodes(null);
    queryClient.setQueryData(totpRequiredKey, false);
    void queryClient.invalidateQueries({ queryKey: meKey });
  };

  const disable = async ({ password }: { password: string }) => {
    try {
      await totpDisable(password);
      disableForm.resetFields();
      message.success(t('totp.disabled'));
      await queryClient.invalidateQueries({ queryKey: meKey });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'auth.wrong_password')
        disableForm.setFields([{ name: 'password', errors: [e.message] }]);
      else showError(e, disableForm);
    }
  };

  if (codes) {
    const text = codes.join('\n');
    return (
      <Result
        status="success"
        title={t('totp.enabled')}
        subTitle={t('totp.recoveryHint')}
        extra={
          <Flex vertical align="center" gap={12}>
            <Typography.Paragraph copyable={{ text }} style={{ margin: 0 }}>
              <pre data-testid="recovery-codes" style={{ margin: 0, fontSize: 16 }}>
                {text}
              </pre>
            </Typography.Paragraph>
            <Flex gap={8} wrap justify="center">
              <Button
                href={`data:text/plain;charset=utf-8,${encodeURIComponent(`${text}\n`)}`}
                download="xietong-recovery-codes.txt"
              >
                {t('totp.downloadCodes')}
              </Button>
              <Button type="primary" onClick={finish}>
                {t('totp.savedCodes')}
              </Button>
            </Flex>
          </Flex>
        }
      />
    );
  }

  if (me.totp_enabled) {
    return (
      <>
        <Alert
          type="success"
          showIcon
          icon={<SafetyCertificateOutlined />}
          title={t('totp.statusOn')}
          style={{ marginBottom: 24, maxWidth: 560 }}
        />
        <Typography.Title level={5}>{t('totp.disableTitle')}</Typography.Title>
        <Form form={disableForm} layout="vertical" onFinish={disable} style={{ maxWidth: 420 }}>
          <Form.Item
            name="password"
            label={t('password.old')}
            rules={[{ required: true, message: t('password.oldRequired') }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button danger htmlType="submit">
            {t('totp.disable')}
          </Button>
        </Form>
      </>
    );
  }

  if (!setup) {
    return (
      <>
        {requiredBanner}
        <Alert
          type="info"
          showIcon
          title={t('totp.statusOff')}
          style={{ marginBottom: 24, maxWidth: 560 }}
        />
        <Button type="primary" onClick={() => void begin()} loading={busy}>
          {t('totp.begin')}
        </Button>
      </>
    );
  }

  return (
    <div style={{ maxWidth: 560 }}>
      {requiredBanner}
      <Steps
        orientation="vertical"
        size="small"
        current={1}
        items={[
          {
            title: t('totp.step1'),
            description: (
              <>
                <img
                  src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qr_svg)}`}
                  alt={t('totp.qrAlt')}
                  width={200}
                  height={200}
                  style={{ display: 'block', margin: '8px 0', background: '#fff' }}
                />
                <Typography.Text type="secondary">{t('totp.manual')}</Typography.Text>{' '}
                <Typography.Text code copyable>
                  {setup.secret}
                </Typography.Text>
              </>
            ),
          },
          {
            title: t('totp.step2'),
            description: (
              <Form form={enableForm} layout="vertical" onFinish={enable} style={{ marginTop: 8 }}>
                <Form.Item
                  name="code"
                  label={t('totp.code')}
                  rules={[
                    { required: true, pattern: /^\s*\d{6}\s*$/, message: t('totp.codeInvalid') },
                  ]}
                >
                  <Input
                    inputMode="numeric"
                    autoComplete="one-time-code"
                    maxLength={8}
                    style={{ maxWidth: 200 }}
                  />
                </Form.Item>
                <Flex gap={8}>
                  <Button type="primary" htmlType="submit">
                    {t('totp.confirm')}
                  </Button>
                  <Button onClick={() => setSetup(null)}>{t('common.cancel')}</Button>
                </Flex>
              </Form>
            ),
          },
        ]}
      />
    </div>
  );
}
