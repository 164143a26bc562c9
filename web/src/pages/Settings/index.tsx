import { Card, Tabs } from 'antd';
import { useEffect } from 'react';
import { Navigate, useNavigate, useParams } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { useIsMobile } from '../../hooks/useIsMobile';
import { useT } from '../../i18n';
import type { MessageKey } from '../../i18n/locale';
import { AccountEvents } from './AccountEvents';
import { NotificationSettings } from './NotificationSettings';
import { PasswordTab } from './PasswordTab';
import { Profile } from './Profile';
import { Sessions } from './Sessions';
import { Tokens } from './Tokens';
import { TwoFactor } from './TwoFactor';

const TABS: { key: string; label: MessageKey; render: () => React.ReactNode }[] = [
  { key: 'profile', label: 'settings.profile', render: () => <Profile /> },
  { key: 'password', label: 'settings.password', render: () => <PasswordTab /> },
  { key: 'security', label: 'settings.twoFactor', render: () => <TwoFactor /> },
  {
    key: 'notifications',
    label: 'settings.notifications',
    render: () => <NotificationSettings />,
  },
  { key: 'tokens', label: 'settings.tokens', render: () => <Tokens /> },
  { key: 'sessions', label: 'settings.sessions', render: () => <Sessions /> },
  { key: 'events', label: 'settings.accountEvents', render: () => <AccountEvents /> },
];

export default function SettingsPage() {
  const t = useT();
  const { tab = 'profile' } = useParams();
  const navigate = useNavigate();
  const isMobile = useIsMobile();

  useEffect(() => {
    document.title = `${t('menu.settings')} - ${t('app.name')}`;
  }, [t]);

  if (!TABS.some((x) => x.key === tab)) return <Navigate to="/settings/profile" replace />;
  return (
    <>
      <PageHeader title={t('menu.settings')} />
      <Card>
        <Tabs
          activeKey={tab}
          tabPlacement={isMobile ? 'top' : 'start'}
          onChange={(key) => navigate(`/settings/${key}`)}
          destroyOnHidden
          items={TABS.map((x) => ({ key: x.key, label: t(x.label), children: x.render() }))}
        />
      </Card>
    </>
  );
}
