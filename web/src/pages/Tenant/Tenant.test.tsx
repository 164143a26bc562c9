import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { meKey } from '../../auth/session';
import { json, mockApi, renderAt } from '../../test/render';
import TenantSettingsPage from '.';

afterEach(() => vi.unstubAllGlobals());

const detail = {
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
    require_totp_roles: [],
  },
};

describe('tenant settings', () => {
  it('saves the policy and marks the current user stale', async () => {
    const calls = mockApi({
      'GET /api/v1/tenant': () => json(200, detail),
      'PATCH /api/v1/tenant': async (req) => {
        const body = await req.json();
        return json(200, { ...detail, ...body });
      },
    });
    const { queryClient } = renderAt(<TenantSettingsPage />, '/tenant');
    queryClient.setQueryData(meKey, null);
    const minLength = await screen.findByLabelText('最短长度');
    expect((minLength as HTMLInputElement).value).toBe('8');
    fireEvent.change(minLength, { target: { value: '10' } });
    fireEvent.click(screen.getByRole('switch', { name: '禁止常见密码' }));
    fireEvent.click(screen.getByRole('radio', { name: '指定角色' }));
    fireEvent.click(await screen.findByRole('checkbox', { name: '系统管理员' }));
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    await screen.findByText('租户设置已保存');
    const patch = calls.find((c) => c.key === 'PATCH /api/v1/tenant');
    expect(patch?.body).toEqual({
      name: '示例科技有限公司',
      time_zone: 'Asia/Shanghai',
      settings: {
        password: {
          min_length: 10,
          min_classes: 3,
          forbid_sequences: true,
          forbid_username: true,
          forbid_common: false,
        },
        require_totp_all: false,
        require_totp_roles: ['sysadmin'],
      },
    });
    expect(queryClient.getQueryState(meKey)?.isInvalidated).toBe(true);
  });

  it('puts server field errors next to their inputs', async () => {
    mockApi({
      'GET /api/v1/tenant': () => json(200, detail),
      'PATCH /api/v1/tenant': () =>
        json(422, {
          code: 'validation_failed',
          message: '输入有误',
          fields: [
            { field: 'time_zone', code: 'tenant.time_zone', message: '未知的时区' },
            {
              field: 'settings.password',
              code: 'tenant.password_policy',
              message: '密码最短长度须为 8–64，字符类别须为 1–4',
            },
          ],
        }),
    });
    renderAt(<TenantSettingsPage />, '/tenant');
    await screen.findByLabelText('最短长度');
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    const tz = await screen.findByText('未知的时区', { selector: '.ant-form-item-explain-error' });
    expect(tz.closest('.ant-form-item')?.querySelector('label')?.textContent).toBe('时区');
    const policy = screen.getByText('密码最短长度须为 8–64，字符类别须为 1–4', {
      selector: '.ant-form-item-explain-error',
    });
    expect(policy.closest('.ant-form-item')?.querySelector('label')?.textContent).toBe('最短长度');
  });

  it('refuses policy limits out of range before asking the server', async () => {
    const calls = mockApi({ 'GET /api/v1/tenant': () => json(200, detail) });
    renderAt(<TenantSettingsPage />, '/tenant');
    const minClasses = await screen.findByLabelText('至少包含的字符类别');
    fireEvent.change(minClasses, { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    await waitFor(() =>
      expect(
        screen.getByText('字符类别须在 1 到 4 之间', { selector: '.ant-form-item-explain-error' }),
      ).toBeTruthy(),
    );
    expect(calls.some((c) => c.key === 'PATCH /api/v1/tenant')).toBe(false);
  });
});
