import { describe, expect, it } from 'vitest';
import { toFormValues, toPatch } from './form';
import type { TenantDetail } from './services';

const detail: TenantDetail = {
  id: 't1',
  slug: 'default',
  name: '示例科技有限公司',
  time_zone: 'Asia/Shanghai',
  settings: {
    password: {
      min_length: 8,
      min_classes: 3,
      forbid_sequences: true,
      forbid_username: true,
      forbid_common: true,
    },
    require_totp_all: false,
    require_totp_roles: ['sysadmin', 'hr'],
  },
};

describe('tenant form', () => {
  it('reads the two-factor requirement as a mode', () => {
    expect(toFormValues(detail).totp_mode).toBe('roles');
    expect(
      toFormValues({ ...detail, settings: { ...detail.settings, require_totp_all: true } }),
    ).toMatchObject({ totp_mode: 'all' });
    expect(
      toFormValues({ ...detail, settings: { ...detail.settings, require_totp_roles: [] } })
        .totp_mode,
    ).toBe('none');
  });

  it('sends the whole settings object, roles only when by role', () => {
    const v = { ...toFormValues(detail), name: '  新名称 ', min_length: 10 };
    expect(toPatch(v)).toEqual({
      name: '新名称',
      time_zone: 'Asia/Shanghai',
      settings: {
        password: {
          min_length: 10,
          min_classes: 3,
          forbid_sequences: true,
          forbid_username: true,
          forbid_common: true,
        },
        require_totp_all: false,
        require_totp_roles: ['sysadmin', 'hr'],
      },
    });
    expect(toPatch({ ...v, totp_mode: 'all' }).settings).toMatchObject({
      require_totp_all: true,
      require_totp_roles: [],
    });
  });
});
