import { describe, expect, it } from 'vitest';
import { access } from '../access';
import type { Me } from '../auth/session';
import { translate } from '../i18n/locale';
import { menuItems, openGroup, selectedKey } from './menu';

const t = (k: Parameters<typeof translate>[0]) => translate(k, undefined, 'zh-CN');

function keys(items: ReturnType<typeof menuItems>): string[] {
  return items.flatMap((i) => {
    if (!i || !('key' in i)) return [];
    const children = 'children' in i && Array.isArray(i.children) ? keys(i.children) : [];
    return [String(i.key), ...children];
  });
}

const base: Omit<Me, 'permissions'> = {
  id: 'u',
  username: 'u',
  display_name: 'U',
  locale: 'zh-CN' as const,
  must_change_password: false,
  totp_enabled: false,
  department_id: 'd1',
  roles: [],
  is_department_head: false,
  supervises_templates: false,
  tenant: { id: 't', name: 'T', time_zone: 'Asia/Shanghai' },
};

const supervision = ['/flow', '/flow/supervision', '/flow/violations'];

/** 发起审批, then 审批 with its five lists: everyone has them, right under the workbench. */
const approvals = [
  '/start',
  '/approvals',
  '/approvals/todo',
  '/approvals/done',
  '/approvals/started',
  '/approvals/cc',
  '/approvals/to-read',
];

describe('menuItems', () => {
  it('shows a member the workbench, delegations and settings', () => {
    expect(keys(menuItems(access({ ...base, permissions: [] }), t))).toEqual([
      '/workbench',
      ...approvals,
      '/delegations',
      '/settings',
    ]);
  });

  it('shows a template supervisor the supervision console and violation records', () => {
    expect(
      keys(menuItems(access({ ...base, supervises_templates: true, permissions: [] }), t)),
    ).toEqual(['/workbench', ...approvals, '/delegations', ...supervision, '/settings']);
  });

  it('shows an administrator every page', () => {
    const all: Me['permissions'] = [
      'org.read',
      'org.write',
      'user.read',
      'user.write',
      'audit.read',
      'report.read',
      'tenant.settings',
      'flow.admin',
    ];
    expect(keys(menuItems(access({ ...base, permissions: all }), t))).toEqual([
      '/workbench',
      ...approvals,
      '/delegations',
      ...supervision,
      '/flow/stats',
      '/flow/volumes',
      '/flow/reports',
      '/flow/templates',
      '/org',
      '/org/companies',
      '/org/departments',
      '/org/users',
      '/org/posts',
      '/org/roles',
      '/org/import',
      '/audit',
      '/reports/logins',
      '/tenant',
      '/admin/calendar',
      '/admin/jobs',
      '/admin/notifications',
      '/settings',
    ]);
  });

  it('shows a tenant administrator the tenant settings, the working calendar, the background jobs and the notification channels', () => {
    expect(keys(menuItems(access({ ...base, permissions: ['tenant.settings'] }), t))).toEqual([
      '/workbench',
      ...approvals,
      '/delegations',
      '/tenant',
      '/admin/calendar',
      '/admin/jobs',
      '/admin/notifications',
      '/settings',
    ]);
  });

  it('shows a department head the login report and nothing else of administration', () => {
    expect(
      keys(menuItems(access({ ...base, is_department_head: true, permissions: [] }), t)),
    ).toEqual(['/workbench', ...approvals, '/delegations', '/reports/logins', '/settings']);
  });

  it('shows a flow administrator the statistics, the weekly reports and the templates', () => {
    expect(keys(menuItems(access({ ...base, permissions: ['flow.admin'] }), t))).toEqual([
      '/workbench',
      ...approvals,
      '/delegations',
      ...supervision,
      '/flow/stats',
      '/flow/volumes',
      '/flow/reports',
      '/flow/templates',
      '/settings',
    ]);
  });

  it('highlights the settings entry on any settings tab', () => {
    expect(selectedKey('/settings/tokens')).toBe('/settings');
    expect(selectedKey('/workbench/todo')).toBe('/workbench');
  });

  it('keeps a weekly report under the reports entry and opens its group', () => {
    expect(selectedKey('/flow/reports/2026-W48')).toBe('/flow/reports');
    expect(openGroup('/flow/reports')).toEqual(['/flow']);
    expect(selectedKey('/flow/templates/t1')).toBe('/flow/templates');
    expect(openGroup('/org/users')).toEqual(['/org']);
    expect(openGroup('/workbench')).toEqual([]);
  });

  it('keeps a start page under the 发起审批 entry', () => {
    expect(selectedKey('/start/t1')).toBe('/start');
    expect(selectedKey('/start')).toBe('/start');
    expect(openGroup('/start')).toEqual([]);
  });

  it('opens the approvals group on any of its lists', () => {
    expect(openGroup('/approvals/to-read')).toEqual(['/approvals']);
  });
});
