import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import type { AccessFlag } from './access';
import { ApiError } from './api/client';
import { onAuthEvent } from './api/errors';
import { meKey, totpRequiredKey } from './auth/session';
import { I18nProvider } from './i18n';

const Login = lazy(() => import('./pages/Login'));
const ChangePassword = lazy(() => import('./pages/ChangePassword'));
const BasicLayout = lazy(() => import('./layouts/BasicLayout'));
const Workbench = lazy(() => import('./pages/Workbench'));
const Settings = lazy(() => import('./pages/Settings'));
const Companies = lazy(() => import('./pages/Org/Companies'));
const Departments = lazy(() => import('./pages/Org/Departments'));
const Users = lazy(() => import('./pages/Org/Users'));
const Posts = lazy(() => import('./pages/Org/Posts'));
const Roles = lazy(() => import('./pages/Org/Roles'));
const OrgImport = lazy(() => import('./pages/Org/Import'));
const Audit = lazy(() => import('./pages/Audit'));
const LoginReport = lazy(() => import('./pages/Reports/Logins'));
const TenantSettings = lazy(() => import('./pages/Tenant'));
const Jobs = lazy(() => import('./pages/Admin/Jobs'));
const NotifyChannels = lazy(() => import('./pages/Admin/Notifications'));
const WorkCalendar = lazy(() => import('./pages/Admin/Calendar'));
const Supervision = lazy(() => import('./pages/Flow/Supervision'));
const Violations = lazy(() => import('./pages/Flow/Violations'));
const FlowStats = lazy(() => import('./pages/Flow/Stats'));
const FlowVolumes = lazy(() => import('./pages/Flow/Volumes'));
const StartCatalog = lazy(() => import('./pages/Start'));
const StartPage = lazy(() => import('./pages/Start/StartPage'));
const OverdueReports = lazy(() => import('./pages/Flow/Reports'));
const FlowTemplates = lazy(() => import('./pages/Flow/Templates'));
const FlowDesigner = lazy(() => import('./pages/Flow/Designer'));
const Notifications = lazy(() => import('./pages/Notifications'));
const Delegations = lazy(() => import('./pages/Delegations'));
const Approvals = lazy(() => import('./pages/Approvals'));
const ApprovalDetail = lazy(() => import('./pages/Approvals/Detail'));
const ApprovalPrint = lazy(() => import('./pages/Approvals/Print'));
const NotFound = lazy(() => import('./pages/NotFound'));
const RequireAccess = lazy(() => import('./layouts/RequireAccess'));

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        refetchOnWindowFocus: true,
        staleTime: 10_000,
        retry: (count, error) => error instanceof ApiError && error.isNetwork && count < 2,
      },
      mutations: { retry: false },
    },
  });
}

/** Routes session-level failures seen by any request. */
function AuthEvents() {
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      onAuthEvent((event) => {
        if (event === 'unauthenticated') {
          queryClient.setQueryData(meKey, null);
        } else if (event === 'totp_enrollment_required') {
          // The layout sends the user to enrolment and keeps them there until done.
          queryClient.setQueryData(totpRequiredKey, true);
        } else if (location.pathname !== '/change-password') {
          navigate('/change-password');
        }
      }),
    [navigate, location.pathname, queryClient],
  );
  return null;
}

function PageSpin() {
  return (
    <div style={{ display: 'grid', placeItems: 'center', minHeight: '60vh' }}>
      <Spin size="large" />
    </div>
  );
}

function guarded(flag: AccessFlag, page: ReactNode) {
  return <RequireAccess flag={flag}>{page}</RequireAccess>;
}

export function AppRoutes() {
  return (
    <Suspense fallback={<PageSpin />}>
      <AuthEvents />
      <Routes>
        <Route path="/login" element={<Login />} />
        <Route path="/approvals/instances/:id/print" element={<ApprovalPrint />} />
        <Route path="/change-password" element={<ChangePassword />} />
        <Route element={<BasicLayout />}>
          <Route index element={<Navigate to="/workbench" replace />} />
          <Route path="/workbench/*" element={<Workbench />} />
          <Route path="/settings" element={<Navigate to="/settings/profile" replace />} />
          <Route path="/settings/:tab" element={<Settings />} />
          <Route path="/notifications" element={<Notifications />} />
          <Route path="/delegations" element={<Delegations />} />
          <Route path="/approvals" element={<Navigate to="/approvals/todo" replace />} />
          <Route path="/approvals/instances/:id" element={<ApprovalDetail />} />
          <Route path="/start" element={<StartCatalog />} />
          <Route path="/start/:templateId" element={<StartPage />} />
          <Route path="/approvals/:tab" element={<Approvals />} />
          <Route path="/org" element={<Navigate to="/org/departments" replace />} />
          <Route path="/org/companies" element={guarded('canReadOrg', <Companies />)} />
          <Route path="/org/departments" element={guarded('canReadOrg', <Departments />)} />
          <Route path="/org/users" element={guarded('canReadUsers', <Users />)} />
          <Route path="/org/posts" element={guarded('canReadOrg', <Posts />)} />
          <Route path="/org/roles" element={guarded('canReadOrg', <Roles />)} />
          <Route path="/org/import" element={guarded('canImportOrg', <OrgImport />)} />
          <Route path="/audit" element={guarded('canReadAudit', <Audit />)} />
          <Route path="/reports/logins" element={guarded('canReadReports', <LoginReport />)} />
          <Route path="/flow" element={<Navigate to="/flow/supervision" replace />} />
          <Route path="/flow/supervision" element={guarded('canSupervise', <Supervision />)} />
          <Route path="/flow/violations" element={guarded('canSupervise', <Violations />)} />
          <Route path="/flow/stats" element={guarded('canReadFlowStats', <FlowStats />)} />
          <Route path="/flow/volumes" element={guarded('canReadFlowStats', <FlowVolumes />)} />
          <Route path="/flow/reports" element={guarded('canReadFlowStats', <OverdueReports />)} />
          <Route
            path="/flow/reports/:period"
            element={guarded('canReadFlowStats', <OverdueReports />)}
          />
          <Route
            path="/flow/templates"
            element={guarded('canAdministerFlows', <FlowTemplates />)}
          />
          <Route
            path="/flow/templates/:id"
            element={guarded('canAdministerFlows', <FlowDesigner />)}
          />
          <Route path="/tenant" element={guarded('canManageTenant', <TenantSettings />)} />
          <Route path="/admin/calendar" element={guarded('canManageTenant', <WorkCalendar />)} />
          <Route path="/admin/jobs" element={guarded('canManageTenant', <Jobs />)} />
          <Route
            path="/admin/notifications"
            element={guarded('canManageTenant', <NotifyChannels />)}
          />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

const queryClient = createQueryClient();

export function AppRoot() {
  return (
    <QueryClientProvider client={queryClient}>
      <ConfigProvider
        theme={{ token: { colorPrimary: '#1677ff' } }}
        button={{ autoInsertSpace: false }}
      >
        <I18nProvider>
          <AntApp>
            <BrowserRouter>
              <AppRoutes />
            </BrowserRouter>
          </AntApp>
        </I18nProvider>
      </ConfigProvider>
    </QueryClientProvider>
  );
}
