import { LogoutOutlined, MenuOutlined, SettingOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  Avatar,
  Button,
  Drawer,
  Dropdown,
  Flex,
  Layout,
  Menu,
  Spin,
  Typography,
  theme,
} from 'antd';
import { Suspense, useEffect, useMemo, useState } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { access } from '../access';
import {
  logout,
  type Me,
  mustChangePassword,
  TOTP_ENROL_PATH,
  useMe,
  useTotpEnrolmentRequired,
} from '../auth/session';
import { NotificationBell } from '../components/NotificationBell';
import { QueryError } from '../components/QueryError';
import { useIsMobile } from '../hooks/useIsMobile';
import { useI18n } from '../i18n';
import { isLocale, storedLocale } from '../i18n/locale';
import { useLiveApprovals } from '../pages/Approvals/live';
import { LanguageSwitch } from './LanguageSwitch';
import { menuItems, openGroup, selectedKey } from './menu';

function Centered({ children }: { children: React.ReactNode }) {
  return (
    <div style={{ display: 'grid', placeItems: 'center', minHeight: '60vh', padding: 16 }}>
      {children}
    </div>
  );
}

/** The signed-in frame: menu, header with tenant, language and user menu. */
export default function BasicLayout() {
  const { data: me, error, isPending, refetch } = useMe();
  const location = useLocation();
  const { locale, setLocale } = useI18n();
  const totpRequired = useTotpEnrolmentRequired();

  // Adopt the profile's language unless this device has its own choice.
  useEffect(() => {
    if (me && !storedLocale() && isLocale(me.locale) && me.locale !== locale)
      setLocale(me.locale, false);
  }, [me, locale, setLocale]);

  if (mustChangePassword(me, error)) return <Navigate to="/change-password" replace />;
  if (isPending) {
    return (
      <Centered>
        <Spin size="large" />
      </Centered>
    );
  }
  if (error) {
    return (
      <Centered>
        <QueryError error={error} onRetry={() => void refetch()} />
      </Centered>
    );
  }
  if (!me) {
    const redirect = location.pathname + location.search;
    return <Navigate to={`/login?redirect=${encodeURIComponent(redirect)}`} replace />;
  }
  // The tenant requires two-factor sign-in: nothing else works until this user has enrolled.
  if (totpRequired && !me.totp_enabled && location.pathname !== TOTP_ENROL_PATH)
    return <Navigate to={TOTP_ENROL_PATH} replace />;
  return <Frame me={me} />;
}

function Frame({ me }: { me: Me }) {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const isMobile = useIsMobile();
  const [collapsed, setCollapsed] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const flags = useMemo(() => access(me), [me]);
  const items = useMemo(() => menuItems(flags, t), [flags, t]);
  const selected = selectedKey(location.pathname);
  // approval lists, counts and open approval pages follow the per-user event stream
  useLiveApprovals();

  const menu = (
    <Menu
      mode="inline"
      items={items}
      selectedKeys={[selected]}
      defaultOpenKeys={openGroup(selected)}
      onClick={({ key }) => {
        navigate(key);
        setDrawerOpen(false);
      }}
      style={{ borderInlineEnd: 'none' }}
    />
  );
  const brand = (
    <Typography.Text strong style={{ fontSize: 18, color: token.colorPrimary }}>
      {t('app.name')}
    </Typography.Text>
  );

  const signOut = async () => {
    try {
      await logout(queryClient);
    } finally {
      navigate('/login', { replace: true });
    }
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {isMobile ? (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          title={brand}
          size={260}
          styles={{ body: { padding: 0 } }}
        >
          <nav aria-label={t('layout.navigation')}>{menu}</nav>
        </Drawer>
      ) : (
        <Layout.Sider
          theme="light"
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          width={220}
          style={{ borderInlineEnd: `1px solid ${token.colorBorderSecondary}` }}
        >
          <div style={{ height: 64, display: 'flex', alignItems: 'center', paddingInline: 24 }}>
            {collapsed ? null : brand}
          </div>
          <nav aria-label={t('layout.navigation')}>{menu}</nav>
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header
          style={{
            background: token.colorBgContainer,
            paddingInline: isMobile ? 8 : 24,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
          }}
        >
          <Flex align="center" gap={8} style={{ height: '100%' }}>
            {isMobile ? (
              <Button
                type="text"
                icon={<MenuOutlined />}
                aria-label={t('layout.openMenu')}
                onClick={() => setDrawerOpen(true)}
              />
            ) : null}
            <Typography.Text ellipsis style={{ flex: 1, minWidth: 0 }} data-testid="tenant-name">
              {me.tenant.name}
            </Typography.Text>
            <LanguageSwitch signedIn />
            <NotificationBell />
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  { key: 'settings', icon: <SettingOutlined />, label: t('menu.settings') },
                  { type: 'divider' },
                  { key: 'logout', icon: <LogoutOutlined />, label: t('layout.signOut') },
                ],
                onClick: ({ key }) => {
                  if (key === 'settings') navigate('/settings/profile');
                  if (key === 'logout') void signOut();
                },
              }}
            >
              <Button type="text" aria-label={t('layout.userMenu')} style={{ paddingInline: 4 }}>
                <Avatar size="small" icon={<UserOutlined />} />
                {isMobile ? null : <span>{me.display_name}</span>}
              </Button>
            </Dropdown>
          </Flex>
        </Layout.Header>
        <Layout.Content style={{ padding: isMobile ? 12 : 24 }}>
          <main>
            <Suspense
              fallback={
                <Centered>
                  <Spin />
                </Centered>
              }
            >
              <Outlet />
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
