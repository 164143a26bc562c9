import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { meKey } from '../../../auth/session';
import { json, mockApi, renderAt } from '../../../test/render';
import NotificationChannelsPage, { FAILED_DELIVERIES } from '.';
import type { NotifyAdminSettings, NotifyChannel } from './services';

afterEach(() => vi.unstubAllGlobals());

const settings = (hasPassword: boolean): NotifyAdminSettings => ({
  mail: {
    enabled: true,
    host: 'smtp.example.com',
    port: 587,
    security: 'starttls',
    username: 'oa@example.com',
    has_password: hasPassword,
    from_address: 'oa@example.com',
    from_name: '协同',
  },
  digest: { enabled: true, times: ['08:30', '13:30'] },
});

const channel = (over: Partial<NotifyChannel> = {}): NotifyChannel => ({
  id: 'c1',
  kind: 'wecom',
  name: '行政群',
  url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k',
  has_secret: false,
  events: [],
  enabled: true,
  created_at: '2026-11-29T01:00:00Z',
  ...over,
});

function render(routes: Parameters<typeof mockApi>[0]) {
  const calls = mockApi({
    'GET /api/v1/admin/notification-settings': () => json(200, settings(true)),
    'GET /api/v1/admin/notify-channels': () => json(200, []),
    ...routes,
  });
  const { queryClient } = renderAt(<NotificationChannelsPage />, '/admin/notifications');
  queryClient.setQueryData(meKey, null);
  return calls;
}

const bodyOf = (calls: ReturnType<typeof mockApi>, key: string) =>
  calls.filter((c) => c.key === key).at(-1)?.body as Record<string, unknown> | undefined;

const mailOf = (calls: ReturnType<typeof mockApi>) =>
  (bodyOf(calls, 'PUT /api/v1/admin/notification-settings')?.mail ?? {}) as Record<string, unknown>;

describe('notification channels: mail server and digest', () => {
  it('keeps a stored password unless one is typed, and says so in the field', async () => {
    const calls = render({
      'PUT /api/v1/admin/notification-settings': () => json(200, settings(true)),
    });
    const password = (await screen.findByLabelText('密码')) as HTMLInputElement;
    expect(password.placeholder).toBe('已设置（留空不变）');
    expect(password.value).toBe('');
    expect((screen.getByLabelText('SMTP 服务器') as HTMLInputElement).value).toBe(
      'smtp.example.com',
    );
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    await screen.findByText('通知设置已保存');
    const body = bodyOf(calls, 'PUT /api/v1/admin/notification-settings');
    const mail = body?.mail as Record<string, unknown>;
    expect('password' in mail).toBe(false);
    expect('has_password' in mail).toBe(false);
    expect(mail.host).toBe('smtp.example.com');
    expect(mail.security).toBe('starttls');
    expect(body?.digest).toEqual({ enabled: true, times: ['08:30', '13:30'] });

    fireEvent.change(password, { target: { value: 's3cret' } });
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    await waitFor(() => expect(mailOf(calls).password).toBe('s3cret'));
  });

  it('clears the stored password on request', async () => {
    const calls = render({
      'PUT /api/v1/admin/notification-settings': () => json(200, settings(false)),
    });
    fireEvent.click(await screen.findByRole('checkbox', { name: '清除已保存的密码' }));
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    await screen.findByText('通知设置已保存');
    expect(mailOf(calls).password).toBe('');
    // Saved without one: no placeholder, no clear box.
    await waitFor(() =>
      expect((screen.getByLabelText('密码') as HTMLInputElement).placeholder).toBe(''),
    );
    expect(screen.queryByRole('checkbox', { name: '清除已保存的密码' })).toBeNull();
  });

  it('moves the port with the connection security', async () => {
    render({});
    const port = (await screen.findByLabelText('端口')) as HTMLInputElement;
    expect(port.value).toBe('587');
    fireEvent.click(screen.getByRole('radio', { name: 'SSL/TLS' }));
    await waitFor(() => expect(port.value).toBe('465'));
  });

  it('refuses a digest time that is not HH:MM', async () => {
    const calls = render({});
    const times = await screen.findByRole('combobox', { name: '汇总时间' });
    fireEvent.change(times, { target: { value: '25:00' } });
    fireEvent.keyDown(times, { key: 'Enter', code: 'Enter', keyCode: 13 });
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    expect(await screen.findByText('“25:00”不是有效时间，格式为 HH:MM，如 08:30')).toBeTruthy();
    expect(calls.some((c) => c.key === 'PUT /api/v1/admin/notification-settings')).toBe(false);
  });

  it('sends a test mail and shows what the mail server answered when it fails', async () => {
    let attempt = 0;
    const calls = render({
      'POST /api/v1/admin/notification-settings/test-mail': () =>
        ++attempt === 1
          ? json(422, {
              code: 'notify.delivery_failed',
              message: '邮件服务器拒绝：535 5.7.8 Authentication credentials invalid',
            })
          : json(200, { ok: true }),
    });
    const to = await screen.findByLabelText('测试收件地址');
    fireEvent.change(to, { target: { value: 'me@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: /发送测试邮件/ }));
    const result = await screen.findByTestId('test-mail-result');
    expect(result.textContent).toContain('535 5.7.8 Authentication credentials invalid');
    expect(bodyOf(calls, 'POST /api/v1/admin/notification-settings/test-mail')).toEqual({
      to: 'me@example.com',
    });
    fireEvent.click(screen.getByRole('button', { name: /发送测试邮件/ }));
    await waitFor(() =>
      expect(screen.getByTestId('test-mail-result').textContent).toContain(
        '测试邮件已发送到 me@example.com',
      ),
    );
  });

  it('links to the failed deliveries in the jobs page', async () => {
    render({});
    const link = await screen.findByRole('link', { name: /查看投递失败/ });
    expect(link.getAttribute('href')).toBe(FAILED_DELIVERIES);
    expect(FAILED_DELIVERIES).toBe('/admin/jobs?state=failed&kind=notify.email');
  });
});

describe('notification channels: robots and webhooks', () => {
  it('creates a DingTalk robot with its signing secret and chosen events', async () => {
    const calls = render({
      'POST /api/v1/admin/notify-channels': () =>
        json(201, channel({ id: 'c2', kind: 'dingtalk', name: '财务群', has_secret: true })),
    });
    await screen.findByText('还没有渠道');
    fireEvent.click(screen.getByRole('button', { name: /新建渠道/ }));
    const dialog = await screen.findByRole('dialog');
    // WeCom is the first choice, and has no secret.
    expect(within(dialog).queryByLabelText('加签密钥')).toBeNull();
    fireEvent.click(within(dialog).getByRole('radio', { name: '钉钉' }));
    fireEvent.change(within(dialog).getByLabelText('名称'), { target: { value: '财务群' } });
    fireEvent.change(within(dialog).getByLabelText('Webhook 地址'), {
      target: { value: 'https://oapi.dingtalk.com/robot/send?access_token=t' },
    });
    const secret = await within(dialog).findByLabelText('加签密钥');
    fireEvent.change(secret, { target: { value: 'abc' } });
    fireEvent.click(within(dialog).getByRole('button', { name: '保存' }));
    expect(await within(dialog).findByText('钉钉的加签密钥以 SEC 开头')).toBeTruthy();
    fireEvent.change(secret, { target: { value: 'SECabc' } });
    fireEvent.mouseDown(within(dialog).getByRole('combobox', { name: '发送的事件' }));
    fireEvent.click(await screen.findByTitle('催办'));
    fireEvent.click(within(dialog).getByRole('button', { name: '保存' }));
    await screen.findByText('渠道已创建');
    expect(bodyOf(calls, 'POST /api/v1/admin/notify-channels')).toEqual({
      kind: 'dingtalk',
      name: '财务群',
      url: 'https://oapi.dingtalk.com/robot/send?access_token=t',
      secret: 'SECabc',
      events: ['urged'],
      enabled: true,
    });
  });

  it('explains the webhook signature', async () => {
    render({});
    fireEvent.click(await screen.findByRole('button', { name: /新建渠道/ }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('radio', { name: 'Webhook' }));
    const help = await within(dialog).findByTestId('webhook-signature');
    expect(help.textContent).toContain('X-Xietong-Signature: sha256=');
    expect(help.textContent).toContain('<X-Xietong-Timestamp>.<body>');
  });

  it('edits keeping the stored secret, tests and deletes', async () => {
    const calls = render({
      'GET /api/v1/admin/notify-channels': () =>
        json(200, [channel({ kind: 'feishu', has_secret: true, events: ['urged', 'overdue'] })]),
      'PUT /api/v1/admin/notify-channels/c1': () => json(200, channel()),
      'POST /api/v1/admin/notify-channels/c1/test': () =>
        json(422, { code: 'notify.delivery_failed', message: '飞书回复：sign match fail' }),
      'DELETE /api/v1/admin/notify-channels/c1': () => new Response(null, { status: 204 }),
    });
    const row = (await screen.findByText('行政群')).closest('tr') as HTMLElement;
    expect(within(row).getByText('飞书')).toBeTruthy();
    expect(within(row).getByText('催办')).toBeTruthy();

    fireEvent.click(within(row).getByRole('button', { name: '编辑' }));
    const dialog = await screen.findByRole('dialog');
    const secret = within(dialog).getByLabelText('签名校验密钥') as HTMLInputElement;
    expect(secret.placeholder).toBe('已设置（留空不变）');
    fireEvent.change(within(dialog).getByLabelText('名称'), { target: { value: '行政群2' } });
    fireEvent.click(within(dialog).getByRole('button', { name: '保存' }));
    await screen.findByText('渠道已保存');
    const body = bodyOf(calls, 'PUT /api/v1/admin/notify-channels/c1');
    expect(body?.name).toBe('行政群2');
    expect(body?.kind).toBe('feishu');
    expect(body?.events).toEqual(['urged', 'overdue']);
    expect(body && 'secret' in body).toBe(false);

    fireEvent.click(within(row).getByRole('button', { name: '测试' }));
    expect(await screen.findByText('飞书回复：sign match fail')).toBeTruthy();

    fireEvent.click(within(row).getByRole('button', { name: '删除' }));
    const confirm = await screen.findByRole('tooltip');
    fireEvent.click(within(confirm).getByRole('button', { name: '删除' }));
    await waitFor(() =>
      expect(calls.some((c) => c.key === 'DELETE /api/v1/admin/notify-channels/c1')).toBe(true),
    );
  });
});
