import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Spin, Typography } from 'antd';
import { useEffect } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { logout, meKey, mustChangePassword, useMe } from '../../auth/session';
import { useT } from '../../i18n';
import { LanguageSwitch } from '../../layouts/LanguageSwitch';
import { PasswordChangeForm } from './PasswordChangeForm';

/** R5: an initial or reset password must be changed before anything else. */
export default function ChangePasswordPage() {
  const t = useT();
  const { data: me, error, isPending } = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();

  useEffect(() => {
    document.title = `${t('password.forcedTitle')} - ${t('app.name')}`;
  }, [t]);

  const required = mustChangePassword(me, error);
  if (isPending) return <Spin style={{ display: 'block', marginTop: '20vh' }} />;
  if (!required && me === null) return <Navigate to="/login" replace />;
  if (!required && me) return <Navigate to="/workbench" replace />;

  const done = async () => {
    message.success(t('password.changed'));
    await queryClient.invalidateQueries({ queryKey: meKey });
    navigate('/workbench', { replace: true });
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
      <Card style={{ width: '100%', maxWidth: 480, marginTop: '4vh' }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('password.forcedTitle')}
        </Typography.Title>
        <Alert type="info" showIcon title={t('password.forcedHint')} style={{ marginBottom: 16 }} />
        <PasswordChangeForm username={me?.username} onDone={() => void done()} />
        <Button
          type="link"
          style={{ paddingInline: 0, marginTop: 8 }}
          onClick={() =>
            void logout(queryClient).finally(() => navigate('/login', { replace: true }))
          }
        >
          {t('layout.signOut')}
        </Button>
      </Card>
    </Flex>
  );
}
