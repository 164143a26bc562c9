import { App } from 'antd';
import { useMe } from '../../auth/session';
import { useT } from '../../i18n';
import { PasswordChangeForm } from '../ChangePassword/PasswordChangeForm';

export function PasswordTab() {
  const t = useT();
  const { data: me } = useMe();
  const { message } = App.useApp();
  return (
    <PasswordChangeForm
      username={me?.username}
      onDone={() => message.success(t('password.changed'))}
    />
  );
}
