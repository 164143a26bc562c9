import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../auth/session';
import { totpRequiredKey } from '../auth/session';
import { json, mockApi, renderAt } from '../test/render';
import BasicLayout from './BasicLayout';

afterEach(() => vi.unstubAllGlobals());

const me: Me = {
  id: 'u1',
  username: 'admin',
  display_name: '管理员',
  locale: 'zh-CN',
  must_change_password: false,
  totp_enabled: false,
  department_id: 'd1',
  roles: ['sysadmin'],
  permissions: ['tenant.settings'],
  is_department_head: false,
  supervises_templates: false,
  tenant: { id: 't1', name: '示例科技有限公司', time_zone: 'Asia/Shanghai' },
};

// jsdom has no ResizeObserver; antd's menu overflow reads it.
class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}

describe('BasicLayout', () => {
  it('keeps a user the tenant requires to enrol on the two-factor page', async () => {
    mockApi({ 'GET /api/v1/me': () => json(200, me) });
    const { queryClient } = renderAt(<BasicLayout />, '/workbench');
    queryClient.setQueryData(totpRequiredKey, true);
    expect(await screen.findByTestId('elsewhere')).toBeTruthy();
  });

  it('shows the frame with the tenant name otherwise', async () => {
    vi.stubGlobal('ResizeObserver', NoResize);
    mockApi({ 'GET /api/v1/me': () => json(200, me) });
    renderAt(<BasicLayout />, '/workbench');
    expect((await screen.findByTestId('tenant-name')).textContent).toBe('示例科技有限公司');
    expect(screen.queryByTestId('elsewhere')).toBeNull();
  });
});
