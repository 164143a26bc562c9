import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
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
  Switch,
  Typography,
} from 'antd';
import { useEffect, useMemo } from 'react';
import { meKey } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryError';
import { useApiError } from '../../hooks/useApiError';
import { useI18n } from '../../i18n';
import { timeZoneOptions } from '../../utils/timezones';
import { passwordPolicyKey } from '../ChangePassword/services';
import { FIELD_MAP, LIMITS, ROLE_KEYS, type TenantFormValues, toFormValues, toPatch } from './form';
import { patchTenant, tenantKey, useTenant } from './services';

/** 租户设置: name, time zone, password rules and who must use two-factor sign-in. */
export default function TenantSettingsPage() {
  const { t, te } = useI18n();
  const tenant = useTenant();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();
  const [form] = Form.useForm<TenantFormValues>();
  const totpMode = Form.useWatch('totp_mode', form);

  useEffect(() => {
    document.title = `${t('menu.tenant')} - ${t('app.name')}`;
  }, [t]);

  const current = tenant.data;
  useEffect(() => {
    if (current) form.setFieldsValue(toFormValues(current));
  }, [current, form]);

  const zones = useMemo(() => timeZoneOptions(current ? [current.time_zone] : []), [current]);

  const save = useMutation({
    mutationFn: (v: TenantFormValues) => patchTenant(toPatch(v)),
    onSuccess: (detail) => {
      queryClient.setQueryData(tenantKey, detail);
      // The layout shows the tenant name; times follow its zone; password hints its rules.
      void queryClient.invalidateQueries({ queryKey: meKey });
      void queryClient.invalidateQueries({ queryKey: passwordPolicyKey });
      message.success(t('tenant.saved'));
    },
    onError: (e) => showError(e, form, FIELD_MAP),
  });

  if (tenant.error)
    return <QueryError error={tenant.error} onRetry={() => void tenant.refetch()} />;

  return (
    <>
      <PageHeader title={t('tenant.title')} />
      {!current ? (
        <Skeleton active />
      ) : (
        <Form<TenantFormValues>
          name="tenant-settings"
          form={form}
          layout="vertical"
          initialValues={toFormValues(current)}
          onFinish={(v) => save.mutate(v)}
          style={{ maxWidth: 720 }}
        >
          <Flex vertical gap={16}>
            <Card size="small" title={t('tenant.basic')}>
              <Form.Item
                name="name"
                label={t('tenant.name')}
                extra={t('tenant.nameHint')}
                rules={[{ required: true, whitespace: true, message: t('tenant.nameRequired') }]}
              >
                <Input maxLength={64} />
              </Form.Item>
              <Form.Item label={t('tenant.slug')}>
                <Typography.Text code>{current.slug}</Typography.Text>
              </Form.Item>
              <Form.Item
                name="time_zone"
                label={t('tenant.timeZone')}
                extra={t('tenant.timeZoneHint')}
                rules={[{ required: true, message: t('tenant.timeZoneRequired') }]}
              >
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  options={zones}
                  placeholder={t('tenant.timeZoneSearch')}
                  style={{ maxWidth: 400 }}
                />
              </Form.Item>
            </Card>

            <Card size="small" title={t('tenant.passwordPolicy')}>
              <Typography.Paragraph type="secondary">
                {t('tenant.passwordPolicyHint')}
              </Typography.Paragraph>
              <Flex gap={16} wrap>
                <Form.Item
                  name="min_length"
                  label={t('tenant.minLength')}
                  extra={t('tenant.minLengthHint')}
                  rules={[
                    {
                      required: true,
                      type: 'integer',
                      min: LIMITS.minLength[0],
                      max: LIMITS.minLength[1],
                      message: t('tenant.minLengthRange'),
                    },
                  ]}
                  style={{ minWidth: 200 }}
                >
                  <InputNumber
                    min={LIMITS.minLength[0]}
                    max={LIMITS.minLength[1]}
                    precision={0}
                    style={{ width: 160 }}
                  />
                </Form.Item>
                <Form.Item
                  name="min_classes"
                  label={t('tenant.minClasses')}
                  extra={t('tenant.minClassesHint')}
                  rules={[
                    {
                      required: true,
                      type: 'integer',
                      min: LIMITS.minClasses[0],
                      max: LIMITS.minClasses[1],
                      message: t('tenant.minClassesRange'),
                    },
                  ]}
                  style={{ minWidth: 200, maxWidth: 320 }}
                >
                  <InputNumber
                    min={LIMITS.minClasses[0]}
                    max={LIMITS.minClasses[1]}
                    precision={0}
                    style={{ width: 160 }}
                  />
                </Form.Item>
              </Flex>
              <Form.Item
                name="forbid_sequences"
                label={t('tenant.forbidSequences')}
                extra={t('tenant.forbidSequencesHint')}
                valuePropName="checked"
              >
                <Switch />
              </Form.Item>
              <Form.Item
                name="forbid_username"
                label={t('tenant.forbidUsername')}
                valuePropName="checked"
              >
                <Switch />
              </Form.Item>
              <Form.Item
                name="forbid_common"
                label={t('tenant.forbidCommon')}
                valuePropName="checked"
                style={{ marginBottom: 0 }}
              >
                <Switch />
              </Form.Item>
            </Card>

            <Card size="small" title={t('tenant.twoFactor')}>
              <Form.Item
                name="totp_mode"
                label={t('tenant.totpRequirement')}
                extra={t('tenant.twoFactorHint')}
              >
                <Radio.Group
                  aria-label={t('tenant.totpRequirement')}
                  options={(['none', 'all', 'roles'] as const).map((m) => ({
                    value: m,
                    label: t(`tenant.totp.${m}`),
                  }))}
                />
              </Form.Item>
              {totpMode === 'roles' ? (
                <Form.Item
                  name="totp_roles"
                  label={t('tenant.totpRoles')}
                  rules={[
                    {
                      required: true,
                      type: 'array',
                      min: 1,
                      message: t('tenant.totpRolesRequired'),
                    },
                  ]}
                  style={{ marginBottom: 0 }}
                >
                  <Checkbox.Group
                    aria-label={t('tenant.totpRoles')}
                    options={ROLE_KEYS.map((r) => ({ value: r, label: te('role', r) }))}
                  />
                </Form.Item>
              ) : null}
            </Card>

            <Flex gap={8}>
              <Button type="primary" htmlType="submit" loading={save.isPending}>
                {t('common.save')}
              </Button>
              <Button onClick={() => form.setFieldsValue(toFormValues(current))}>
                {t('common.reset')}
              </Button>
            </Flex>
          </Flex>
        </Form>
      )}
    </>
  );
}
