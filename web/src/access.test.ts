import { describe, expect, it } from 'vitest';
import { access } from './access';
import type { Me } from './auth/session';

function me(permissions: Me['permissions'], extra: Partial<Me> = {}): Me {
  return {
    id: 'u1',
    username: 'zhangsan',
    display_name: '张三',
    locale: 'zh-CN',
    must_change_password: false,
    totp_enabled: false,
    department_id: 'd1',
    roles: ['member'],
    permissions,
    is_department_head: false,
    supervises_templates: false,
    tenant: { id: 't1', name: '示例科技有限公司', time_zone: 'Asia/Shanghai' },
    ...extra,
  };
}

describe('access', () => {
  it('grants nothing when nobody is signed in', () => {
    const a = access(null);
    expect(a.signedIn).toBe(false);
    expect(Object.entries(a).filter(([, v]) => v)).toEqual([]);
  });

  it('a member sees no administration', () => {
    const a = access(me([]));
    expect(a).toMatchObject({
      signedIn: true,
      canSeeOrgAdmin: false,
      canReadAudit: false,
      canReadReports: false,
      canImportOrg: false,
    });
  });

  it('a member may read the directory but gets no administration menu', () => {
    const a = access(me(['org.read', 'user.read']));
    expect(a.canReadOrg).toBe(true);
    expect(a.canReadUsers).toBe(true);
    expect(a.canSeeOrgAdmin).toBe(false);
  });

  it('user writes without org read show users but not departments', () => {
    const a = access(me(['user.read', 'user.write']));
    expect(a.canReadUsers).toBe(true);
    expect(a.canWriteUsers).toBe(true);
    expect(a.canReadOrg).toBe(false);
    expect(a.canSeeOrgAdmin).toBe(true);
    expect(a.canImportOrg).toBe(false);
  });

  it('an OA administrator who may only reset passwords still gets the menu', () => {
    const a = access(
      me(['org.read', 'user.read', 'user.reset_password', 'audit.read', 'report.read']),
    );
    expect(a.canSeeOrgAdmin).toBe(true);
    expect(a.canResetPasswords).toBe(true);
    expect(a.canWriteUsers).toBe(false);
    expect(a.canAssignRoles).toBe(false);
  });

  it('write without read grants no write', () => {
    const a = access(me(['org.write', 'user.write']));
    expect(a.canWriteOrg).toBe(false);
    expect(a.canWriteUsers).toBe(false);
  });

  it('import needs org and user writes', () => {
    const a = access(
      me(['org.read', 'org.write', 'user.read', 'user.write', 'audit.read', 'report.read']),
    );
    expect(a).toMatchObject({
      canImportOrg: true,
      canReadAudit: true,
      canReadReports: true,
      canSeeOrgAdmin: true,
    });
  });

  it('a department head sees the login report but not the raw login records', () => {
    const a = access(me([], { is_department_head: true }));
    expect(a.canReadReports).toBe(true);
    expect(a.canReadLoginRecords).toBe(false);
    expect(a.canSeeOrgAdmin).toBe(false);
    expect(a.canReadAudit).toBe(false);
  });

  it('report.read grants the report and its records without being a head', () => {
    const a = access(me(['report.read']));
    expect(a.canReadReports).toBe(true);
    expect(a.canReadLoginRecords).toBe(true);
  });

  it('a member who heads nothing gets no login report', () => {
    const a = access(me(['org.read', 'user.read'], { is_department_head: false }));
    expect(a.canReadReports).toBe(false);
  });

  it('tenant settings need tenant.settings', () => {
    expect(access(me(['tenant.settings'])).canManageTenant).toBe(true);
    expect(
      access(me(['org.read', 'org.write', 'user.read', 'user.write', 'report.read']))
        .canManageTenant,
    ).toBe(false);
  });

  it('the supervision console is for template supervisors and flow administrators', () => {
    expect(access(me([])).canSupervise).toBe(false);
    expect(access(me([], { supervises_templates: true })).canSupervise).toBe(true);
    expect(access(me(['flow.admin'])).canSupervise).toBe(true);
    expect(access(null).canSupervise).toBe(false);
  });

  it('flow statistics need report.read or flow.admin', () => {
    expect(access(me(['report.read'])).canReadFlowStats).toBe(true);
    expect(access(me(['flow.admin'])).canReadFlowStats).toBe(true);
    expect(access(me(['org.read', 'user.read'])).canReadFlowStats).toBe(false);
    expect(access(me([], { is_department_head: true })).canReadFlowStats).toBe(false);
    expect(access(me(['report.read'])).canAdministerFlows).toBe(false);
    expect(access(me(['flow.admin'])).canAdministerFlows).toBe(true);
  });
});
