import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Form, Input, Select, Tag } from 'antd';
import { useEffect } from 'react';
import { meKey, useMe } from '../../auth/session';
import { useApiError } from '../../hooks/useApiError';
import { useI18n } from '../../i18n';
import { isLocale, type Locale } from '../../i18n/locale';
import { LOCALE_NAMES } from '../../layouts/LanguageSwitch';
import { type MePatch, patchMe } from './services';

interface Values {
  display_name: string;
  email?: string;
  phone?: string;
  locale: Locale;
}

export function Profile() {
  const { t, te, setLocale } = useI18n();
  const { data: me } = useMe();
  const [form] = Form.useForm<Values>();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();

  useEffect(() => {
    if (me)
      form.setFieldsValue({
        display_name: me.display_name,
        email: me.email ?? '',
        phone: me.phone ?? '',
        locale: isLocale(me.locale) ? me.locale : 'zh-CN',
      });
  }, [me, form]);

  if (!me) return null;

  const submit = async (v: Values) => {
    const body: MePatch = {
      display_name: v.display_name.trim(),
      email: v.email?.trim() || null,
      phone: v.phone?.trim() || null,
      locale: v.locale,
    };
    try {
      const updated = await patchMe(body);
      queryClient.setQueryData(meKey, updated);
      if (isLocale(updated.locale) && updated.locale !== me.locale) setLocale(updated.locale, true);
      message.success(t('common.saved'));
    } catch (e) {
      showError(e, form);
    }
  };

  return (
    <>
      <Descriptions column={1} size="small" style={{ marginBottom: 24, maxWidth: 560 }}>
        <Descriptions.Item label={t('user.username')}>{me.username}</Descriptions.Item>
        <Descriptions.Item label={t('user.department')}>
          {me.department_name ?? '-'}
        </Descriptions.Item>
        <Descriptions.Item label={t('user.roles')}>
          {me.roles.map((r) => (
            <Tag key={r}>{te('role', r)}</Tag>
          ))}
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.tenant')}>{me.tenant.name}</Descriptions.Item>
      </Descriptions>
      <Form<Values> form={form} layout="vertical" onFinish={submit} style={{ maxWidth: 420 }}>
        <Form.Item
          name="display_name"
          label={t('user.displayName')}
          rules={[{ required: true, whitespace: true, message: t('user.displayNameRequired') }]}
        >
          <Input autoComplete="name" maxLength={64} />
        </Form.Item>
        <Form.Item
          name="email"
          label={t('user.email')}
          rules={[{ type: 'email', message: t('user.emailInvalid') }]}
        >
          <Input autoComplete="email" type="email" />
        </Form.Item>
        <Form.Item name="phone" label={t('user.phone')}>
          <Input autoComplete="tel" type="tel" />
        </Form.Item>
        <Form.Item name="locale" label={t('settings.language')}>
          <Select
            options={(Object.keys(LOCALE_NAMES) as Locale[]).map((l) => ({
              value: l,
              label: LOCALE_NAMES[l],
            }))}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('common.save')}
        </Button>
      </Form>
    </>
  );
}
