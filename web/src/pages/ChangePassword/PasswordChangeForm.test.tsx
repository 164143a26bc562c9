import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockApi, renderAt } from '../../test/render';
import { PasswordChangeForm } from './PasswordChangeForm';

const policy = {
  min_length: 8,
  min_classes: 3,
  forbid_sequences: true,
  forbid_username: true,
  forbid_common: true,
};

afterEach(() => vi.unstubAllGlobals());

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe('PasswordChangeForm', () => {
  it('ticks the rules off live as the user types', async () => {
    mockApi({ 'GET /api/v1/auth/password-policy': () => json(200, policy) });
    const { container } = renderAt(<PasswordChangeForm username="zhangsan" onDone={() => {}} />);
    const rule = (r: string) =>
      container.querySelector(`li[data-rule="${r}"]`)?.getAttribute('data-ok');
    fill('新密码', 'zhangsan1234');
    await waitFor(() => expect(rule('length')).toBe('true'));
    expect(rule('username')).toBe('false');
    expect(rule('classes')).toBe('false');
    expect(rule('sequence')).toBe('false');
    fill('新密码', 'Lan-Xi#72qv');
    await waitFor(() => expect(rule('classes')).toBe('true'));
    expect(rule('sequence')).toBe('true');
    expect(rule('username')).toBe('true');
  });

  it('does not send a password that breaks a visible rule', async () => {
    const calls = mockApi({ 'GET /api/v1/auth/password-policy': () => json(200, policy) });
    renderAt(<PasswordChangeForm username="zhangsan" onDone={() => {}} />);
    fill('当前密码', 'Old#Pass-91');
    fill('新密码', 'abcdefgh');
    fill('确认新密码', 'abcdefgh');
    fireEvent.click(screen.getByRole('button', { name: '修改密码' }));
    expect(
      await screen.findByText('包含小写字母、大写字母、数字、符号中的至少 3 类', {
        selector: '.ant-form-item-explain-error',
      }),
    ).toBeTruthy();
    expect(calls.some((c) => c.key === 'POST /api/v1/auth/password')).toBe(false);
  });

  it('shows the server message next to the field it names', async () => {
    const calls = mockApi({
      'GET /api/v1/auth/password-policy': () => json(200, policy),
      'POST /api/v1/auth/password': () =>
        json(422, {
          code: 'validation_failed',
          message: '新密码不符合要求',
          fields: [{ field: 'new_password', code: 'password.common', message: '这是常见密码' }],
        }),
    });
    const onDone = vi.fn();
    // biome-ignore lint/suspicious/noDocumentCookie: the server sets this cookie; jsdom needs it set by hand
    document.cookie = 'xt_csrf=tok123';
    renderAt(<PasswordChangeForm username="zhangsan" onDone={onDone} />);
    fill('当前密码', 'Old#Pass-91');
    fill('新密码', 'Lan-Xi#72qv');
    fill('确认新密码', 'Lan-Xi#72qv');
    fireEvent.click(screen.getByRole('button', { name: '修改密码' }));
    expect(await screen.findByText('这是常见密码')).toBeTruthy();
    const post = calls.find((c) => c.key === 'POST /api/v1/auth/password');
    expect(post?.body).toEqual({ old_password: 'Old#Pass-91', new_password: 'Lan-Xi#72qv' });
    expect(post?.headers.get('X-CSRF-Token')).toBe('tok123');
    expect(post?.headers.get('Accept-Language')).toBe('zh-CN');
    expect(onDone).not.toHaveBeenCalled();
  });

  it('puts a wrong current password on the current-password field', async () => {
    mockApi({
      'GET /api/v1/auth/password-policy': () => json(200, policy),
      'POST /api/v1/auth/password': () =>
        json(401, { code: 'auth.wrong_password', message: '当前密码不正确' }),
    });
    renderAt(<PasswordChangeForm username="zhangsan" onDone={() => {}} />);
    fill('当前密码', 'nope');
    fill('新密码', 'Lan-Xi#72qv');
    fill('确认新密码', 'Lan-Xi#72qv');
    fireEvent.click(screen.getByRole('button', { name: '修改密码' }));
    expect(
      await screen.findByText('当前密码不正确', { selector: '.ant-form-item-explain-error' }),
    ).toBeTruthy();
  });
});
