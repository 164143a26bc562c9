import type { Schemas } from './api/client';

type Me = Schemas['MeView'];

/** What the signed-in user may see and do in the UI (the server checks again). */
export interface Access {
  signedIn: boolean;
  canReadOrg: boolean;
  canWriteOrg: boolean;
  canReadUsers: boolean;
  canWriteUsers: boolean;
  canResetPasswords: boolean;
  canAssignRoles: boolean;
  /** Import needs both org and user writes: it creates departments and accounts. */
  canImportOrg: boolean;
  canReadAudit: boolean;
  /** The login report: holders of report.read, and department heads (scoped to their departments). */
  canReadReports: boolean;
  /** The raw login records tab of that report: report.read only. */
  canReadLoginRecords: boolean;
  /**
   * Tenant settings: name, time zone, password rules, two-factor requirement (sysadmin);
   * also the working calendar, the background jobs and the notification channels pages (same
   * permission on the server).
   */
  canManageTenant: boolean;
  /**
   * The organisation administration menu is for people who can change something there;
   * every member may read the directory, which is no reason to show them an admin menu.
   */
  canSeeOrgAdmin: boolean;
  /**
   * The supervisor console and violation records: for template supervisors (`me` says whether
   * the user supervises any) and flow administrators (all templates); the server scopes them.
   */
  canSupervise: boolean;
  /** Efficiency statistics and the weekly overdue reports: report.read or flow.admin. */
  canReadFlowStats: boolean;
  /** Tenant flow administrator: every template, as if supervising each. */
  canAdministerFlows: boolean;
}

/** Pure: permission flags from the current user's permission list. */
export function access(me: Me | null | undefined): Access {
  const perms = new Set(me?.permissions ?? []);
  const canReadOrg = perms.has('org.read');
  const canWriteOrg = canReadOrg && perms.has('org.write');
  const canReadUsers = perms.has('user.read');
  const canWriteUsers = canReadUsers && perms.has('user.write');
  return {
    signedIn: Boolean(me),
    canReadOrg,
    canWriteOrg,
    canReadUsers,
    canWriteUsers,
    canResetPasswords: canReadUsers && perms.has('user.reset_password'),
    canAssignRoles: perms.has('role.assign'),
    canImportOrg: canWriteOrg && canWriteUsers,
    canReadAudit: perms.has('audit.read'),
    canReadReports: perms.has('report.read') || Boolean(me?.is_department_head),
    canReadLoginRecords: perms.has('report.read'),
    canManageTenant: perms.has('tenant.settings'),
    canSeeOrgAdmin:
      canWriteOrg || canWriteUsers || (canReadUsers && perms.has('user.reset_password')),
    canSupervise: perms.has('flow.admin') || Boolean(me?.supervises_templates),
    canReadFlowStats: perms.has('report.read') || perms.has('flow.admin'),
    canAdministerFlows: perms.has('flow.admin'),
  };
}

export type AccessFlag = Exclude<keyof Access, 'signedIn'>;
