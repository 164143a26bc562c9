import { useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input } from 'antd';
import { useMemo } from 'react';
import { ApiError } from '../../api/client';
import { useApiError } from '../../hooks/useApiError';
import { useT } from '../../i18n';
import { checkPassword, DEFAULT_POLICY } from '../../utils/password';
import { PasswordRules, ruleText } from './PasswordRules';
import { changePassword, passwordPolicyKey, usePasswordPolicy } from './services';

interface Values {
  old_password: string;
  new_password: string;
  confirm: string;
}

/** Current password, new password with live rules, confirmation. */
export function PasswordChangeForm({
  username,
  onDone,
  submitText,
}: {
  username?: string;
  onDone: () => void;
  submitText?: string;
}) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const showError = useApiError();
  const queryClient = useQueryClient();
  const { data: policy = DEFAULT_POLICY } = usePasswordPolicy();
  const candidate = Form.useWatch('new_password', form) ?? '';
  const checks = useMemo(
    () => checkPassword(candidate, policy, username),
    [candidate, policy, username],
  );

  const submit = async (values: Values) => {
    try {
      await changePassword({
        old_password: values.old_password,
        new_password: values.new_password,
      });
      form.resetFields();
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'auth.wrong_password') {
        form.setFields([{ name: 'old_password', errors: [e.message] }]);
        return;
      }
      // The rules may have changed since they were loaded: show the ones in force now.
      if (
        e instanceof ApiError &&
        e.fields.some((f) => typeof f.code === 'string' && f.code.startsWith('password.'))
      )
        void queryClient.invalidateQueries({ queryKey: passwordPolicyKey });
      showError(e, form);
    }
  };

  return (
    <Form<Values> form={form} layout="vertical" onFinish={submit} style={{ maxWidth: 420 }}>
      <Form.Item
        name="old_password"
        label={t('password.old')}
        rules={[{ required: true, message: t('password.oldRequired') }]}
      >
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item
        name="new_password"
        label={t('password.new')}
        rules={[
          { required: true, message: t('password.newRequired') },
          {
            validator: async (_, value: string | undefined) => {
              const failed = checkPassword(value ?? '', policy, username).find((c) => !c.ok);
              if (failed) throw new Error(ruleText(failed.rule, policy, t));
            },
          },
        ]}
        extra={<PasswordRules checks={checks} policy={policy} />}
      >
        <Input.Password autoComplete="new-password" aria-describedby="password-rules" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('password.confirm')}
        dependencies={['new_password']}
        rules={[
          { required: true, message: t('password.confirmRequired') },
          ({ getFieldValue }) => ({
            validator: async (_, value) => {
              if (value && value !== getFieldValue('new_password'))
                throw new Error(t('password.mismatch'));
            },
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit">
        {submitText ?? t('password.submit')}
      </Button>
    </Form>
  );
}
