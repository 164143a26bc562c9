import {
  ApartmentOutlined,
  AuditOutlined,
  BarChartOutlined,
  CalendarOutlined,
  CheckSquareOutlined,
  ControlOutlined,
  EyeOutlined,
  HomeOutlined,
  NotificationOutlined,
  PlusCircleOutlined,
  ScheduleOutlined,
  SettingOutlined,
  SwapOutlined,
} from '@ant-design/icons';
import type { MenuProps } from 'antd';
import type { Access } from '../access';
import type { TFunction } from '../i18n';
import { ApprovalMenuLabel } from '../pages/Approvals/MenuLabel';

type Item = Required<MenuProps>['items'][number];

/** The navigation menu, holding only what `flags` allow. */
export function menuItems(flags: Access, t: TFunction): Item[] {
  const org: Item[] = [];
  if (flags.canReadOrg) {
    org.push({ key: '/org/companies', label: t('menu.companies') });
    org.push({ key: '/org/departments', label: t('menu.departments') });
  }
  if (flags.canReadUsers) org.push({ key: '/org/users', label: t('menu.users') });
  if (flags.canReadOrg) {
    org.push({ key: '/org/posts', label: t('menu.posts') });
    org.push({ key: '/org/roles', label: t('menu.roles') });
  }
  if (flags.canImportOrg) org.push({ key: '/org/import', label: t('menu.import') });

  const flow: Item[] = [];
  if (flags.canSupervise) {
    flow.push({ key: '/flow/supervision', label: t('menu.supervisionConsole') });
    flow.push({ key: '/flow/violations', label: t('menu.violations') });
  }
  if (flags.canReadFlowStats) {
    flow.push({ key: '/flow/stats', label: t('menu.flowStats') });
    flow.push({ key: '/flow/volumes', label: t('menu.flowVolumes') });
    flow.push({ key: '/flow/reports', label: t('menu.overdueReports') });
  }
  // Tenant administrators hold flow.admin too.
  if (flags.canAdministerFlows)
    flow.push({ key: '/flow/templates', label: t('menu.flowTemplates') });

  const items: Item[] = [{ key: '/workbench', icon: <HomeOutlined />, label: t('menu.workbench') }];
  // 发起审批: the catalogue of templates to start, at the top of the approvals area
  items.push({ key: '/start', icon: <PlusCircleOutlined />, label: t('menu.start') });
  // 审批: everyone's lists, with the counts of waiting work as badges
  items.push({
    key: '/approvals',
    icon: <CheckSquareOutlined />,
    label: <ApprovalMenuLabel label={t('menu.approvals')} count="todo" />,
    children: [
      {
        key: '/approvals/todo',
        label: <ApprovalMenuLabel label={t('approval.tab.todo')} count="todo" />,
      },
      { key: '/approvals/done', label: t('approval.tab.done') },
      { key: '/approvals/started', label: t('approval.tab.started') },
      { key: '/approvals/cc', label: t('approval.tab.cc') },
      {
        key: '/approvals/to-read',
        label: <ApprovalMenuLabel label={t('approval.tab.to-read')} count="to_read" />,
      },
    ],
  });
  items.push({ key: '/delegations', icon: <SwapOutlined />, label: t('menu.delegations') });
  if (flow.length > 0)
    items.push({
      key: '/flow',
      icon: <EyeOutlined />,
      label: t('menu.supervision'),
      children: flow,
    });
  if (flags.canSeeOrgAdmin && org.length > 0)
    items.push({ key: '/org', icon: <ApartmentOutlined />, label: t('menu.org'), children: org });
  if (flags.canReadAudit)
    items.push({ key: '/audit', icon: <AuditOutlined />, label: t('menu.audit') });
  if (flags.canReadReports)
    items.push({
      key: '/reports/logins',
      icon: <BarChartOutlined />,
      label: t('menu.loginReport'),
    });
  if (flags.canManageTenant) {
    items.push({ key: '/tenant', icon: <ControlOutlined />, label: t('menu.tenant') });
    items.push({ key: '/admin/calendar', icon: <CalendarOutlined />, label: t('menu.calendar') });
    items.push({ key: '/admin/jobs', icon: <ScheduleOutlined />, label: t('menu.jobs') });
    items.push({
      key: '/admin/notifications',
      icon: <NotificationOutlined />,
      label: t('menu.notifyChannels'),
    });
  }
  items.push({ key: '/settings', icon: <SettingOutlined />, label: t('menu.settings') });
  return items;
}

/** The menu key to highlight for a path. */
export function selectedKey(pathname: string): string {
  if (pathname.startsWith('/settings')) return '/settings';
  if (pathname.startsWith('/workbench')) return '/workbench';
  // A template's start page (/start/<id>) belongs to the catalogue.
  if (pathname.startsWith('/start/')) return '/start';
  // A report's own page (/flow/reports/2026-W48) belongs to the reports entry.
  if (pathname.startsWith('/flow/reports/')) return '/flow/reports';
  // A template's editor belongs to the templates entry.
  if (pathname.startsWith('/flow/templates/')) return '/flow/templates';
  return pathname;
}

/** The menu group to open for a selected key. */
export function openGroup(selected: string): string[] {
  for (const group of ['/approvals', '/org', '/flow'])
    if (selected.startsWith(`${group}/`)) return [group];
  return [];
}
