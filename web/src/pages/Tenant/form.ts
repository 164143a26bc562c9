import { DEFAULT_POLICY } from '../../utils/password';
import type { RoleKey, TenantDetail, TenantPatch } from './services';

export type TotpMode = 'none' | 'all' | 'roles';

/** The tenant form's values: flat, so server field errors land next to their inputs. */
export interface TenantFormValues {
  name: string;
  time_zone: string;
  min_length: number;
  min_classes: number;
  forbid_sequences: boolean;
  forbid_username: boolean;
  forbid_common: boolean;
  totp_mode: TotpMode;
  totp_roles: RoleKey[];
}

export const ROLE_KEYS: RoleKey[] = ['sysadmin', 'oa_admin', 'hr', 'member'];

/** Limits the server accepts (it checks again). */
export const LIMITS = { minLength: [8, 64], minClasses: [1, 4] } as const;

/** Where the server's field errors go in the form. */
export const FIELD_MAP: Record<string, string> = {
  name: 'name',
  time_zone: 'time_zone',
  'settings.password': 'min_length',
  'settings.password.min_length': 'min_length',
  'settings.password.min_classes': 'min_classes',
  settings: 'min_length',
  'settings.require_totp_roles': 'totp_roles',
};

export function toFormValues(t: TenantDetail): TenantFormValues {
  const p = { ...DEFAULT_POLICY, ...(t.settings?.password ?? {}) };
  const roles = t.settings?.require_totp_roles ?? [];
  return {
    name: t.name,
    time_zone: t.time_zone || 'Asia/Shanghai',
    min_length: p.min_length,
    min_classes: p.min_classes,
    forbid_sequences: p.forbid_sequences,
    forbid_username: p.forbid_username,
    forbid_common: p.forbid_common,
    totp_mode: t.settings?.require_totp_all ? 'all' : roles.length > 0 ? 'roles' : 'none',
    totp_roles: roles,
  };
}

/** The PATCH body: everything the form holds (settings are replaced as a whole). */
export function toPatch(v: TenantFormValues): TenantPatch {
  return {
    name: v.name.trim(),
    time_zone: v.time_zone,
    settings: {
      password: {
        min_length: v.min_length,
        min_classes: v.min_classes,
        forbid_sequences: v.forbid_sequences,
        forbid_username: v.forbid_username,
        forbid_common: v.forbid_common,
      },
      require_totp_all: v.totp_mode === 'all',
      require_totp_roles: v.totp_mode === 'roles' ? v.totp_roles : [],
    },
  };
}
