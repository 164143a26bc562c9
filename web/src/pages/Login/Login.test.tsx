import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockApi, renderAt } from '../../test/render';
import LoginPage, { safeRedirect } from '.';

afterEach(() => vi.unstubAllGlobals());

const me = {
  id: 'u1',
  username: 'zhangsan',
  display_name: '张三',
  locale: 'zh-CN',
  must_change_password: false,
  totp_enabled: true,
  roles: ['member'],
  permissions: [],
  is_department_head: false,
  supervises_templates: false,
  tenant: { id: 't', name: '示例科技有限公司', time_zone: 'Asia/Shanghai' },
};

function signIn() {
  fireEvent.change(screen.getByLabelText('用户名'), { target: { value: 'zhangsan' } });
  fireEvent.change(screen.getByLabelText('密码'), { target: { value: 'Lan-Xi#72qv' } });
  fireEvent.click(screen.getByRole('button', { name: '登录' }));
}

describe('LoginPage', () => {
  it('asks for the second factor when the server requires it, then resends with it', async () => {
    let attempts = 0;
    const calls = mockApi({
      'GET /api/v1/me': () => json(401, { code: 'auth.unauthenticated', message: '请先登录' }),
      'POST /api/v1/auth/login': () =>
        ++attempts === 1
          ? json(401, { code: 'auth.totp_required', message: '需要两步验证' })
          : json(200, { must_change_password: false, user: me }),
    });
    renderAt(<LoginPage />, '/login');
    signIn();
    const code = await screen.findByLabelText('验证码或恢复码');
    fireEvent.change(code, { target: { value: '123456' } });
    fireEvent.click(screen.getByRole('button', { name: '验证并登录' }));
    await screen.findByTestId('elsewhere');
    const logins = calls.filter((c) => c.key === 'POST /api/v1/auth/login');
    expect(logins[1]?.body).toEqual({
      username: 'zhangsan',
      password: 'Lan-Xi#72qv',
      totp: '123456',
    });
  });

  it('shows the lockout message with the unlock time', async () => {
    mockApi({
      'GET /api/v1/me': () => json(401, { code: 'auth.unauthenticated', message: '请先登录' }),
      'POST /api/v1/auth/login': () =>
        json(423, {
          code: 'auth.locked',
          message: '账号已锁定',
          details: { locked_until: '2026-11-02T08:15:00Z' },
        }),
    });
    renderAt(<LoginPage />, '/login');
    signIn();
    expect(await screen.findByText('账号已锁定')).toBeTruthy();
    expect(screen.getByText(/账号将于 .*2026.* 自动解锁/)).toBeTruthy();
  });

  it('offers a retry when the server cannot be reached', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    renderAt(<LoginPage />, '/login');
    await waitFor(() => expect(screen.getByLabelText('用户名')).toBeTruthy());
    signIn();
    expect(await screen.findByText('无法连接服务器，请检查网络后重试。')).toBeTruthy();
    expect(screen.getByRole('button', { name: '重试' })).toBeTruthy();
  });
});

describe('safeRedirect', () => {
  it('follows only same-site app paths', () => {
    expect(safeRedirect('/org/users?page=2')).toBe('/org/users?page=2');
    expect(safeRedirect('//evil.example')).toBe('/workbench');
    expect(safeRedirect('https://evil.example')).toBe('/workbench');
    expect(safeRedirect('/login')).toBe('/workbench');
    expect(safeRedirect(null)).toBe('/workbench');
  });
});
