import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { meKey } from '../../auth/session';
import { json, mockApi, renderAt } from '../../test/render';
import { EVENT_KINDS } from '../Notifications/kinds';
import { NotificationSettings } from './NotificationSettings';
import type { NotifySettings } from './services';

afterEach(() => vi.unstubAllGlobals());

const settings = (over: Partial<NotifySettings> = {}): NotifySettings => ({
  events: EVENT_KINDS.map((kind) => ({ kind, email: kind === 'urged', push: true })),
  quiet_hours: { start: '22:00', end: '08:00' },
  digest: false,
  email_address: 'zhang@example.com',
  push_devices: 0,
  ...over,
});

const device = {
  id: 'p1',
  user_agent: 'Mozilla/5.0 Chrome/140',
  endpoint_host: 'fcm.googleapis.com',
  created_at: '2026-11-29T01:00:00Z',
};

function render(s: NotifySettings, routes: Parameters<typeof mockApi>[0] = {}) {
  const calls = mockApi({
    'GET /api/v1/me/notification-settings': () => json(200, s),
    'GET /api/v1/push/subscriptions': () => json(200, []),
    'PUT /api/v1/me/notification-settings': async (req) =>
      json(200, { ...s, ...(await req.json()) }),
    ...routes,
  });
  const { queryClient } = renderAt(<NotificationSettings />, '/settings/notifications');
  queryClient.setQueryData(meKey, null);
  return calls;
}

/** Found by text: role queries are slow over the 17-row table. */
const saveButton = () => screen.getByText('保存').closest('button') as HTMLElement;

const put = (calls: ReturnType<typeof mockApi>) =>
  calls.filter((c) => c.key === 'PUT /api/v1/me/notification-settings').at(-1)?.body as
    | Record<string, unknown>
    | undefined;

describe('notification settings', () => {
  it('lists every kind in order with in-app always on, and saves the toggled channels', async () => {
    const calls = render(settings());
    const urgedMail = await screen.findByLabelText('催办 邮件');
    const rows = [
      ...screen.getByTestId('notify-settings').querySelectorAll('tbody tr[data-row-key]'),
    ];
    expect(rows).toHaveLength(EVENT_KINDS.length);
    expect(within(rows[0] as HTMLElement).getByText('新待办')).toBeTruthy();
    expect(within(rows.at(-1) as HTMLElement).getByText('账号被锁定')).toBeTruthy();
    const inApp = screen.getByLabelText('新待办 站内') as HTMLInputElement;
    expect(inApp.checked).toBe(true);
    expect(inApp.disabled).toBe(true);
    // Security kinds are marked as ignoring quiet hours.
    expect(within(rows.at(-1) as HTMLElement).getByText('安全')).toBeTruthy();
    expect(
      screen.getByText(/安全提醒（密码已修改、新设备登录、账号被锁定）不受此限制/),
    ).toBeTruthy();
    expect(screen.getByTestId('notify-email').textContent).toContain('zhang@example.com');

    fireEvent.click(urgedMail);
    fireEvent.click(screen.getByLabelText('新待办 邮件'));
    fireEvent.click(screen.getByLabelText('催办 推送'));
    fireEvent.click(screen.getByLabelText('待办汇总'));
    fireEvent.click(saveButton());
    await screen.findByText('通知设置已保存');

    const body = put(calls);
    expect(Object.keys(body ?? {}).sort()).toEqual(['digest', 'events', 'quiet_hours']);
    const events = body?.events as { kind: string; email: boolean; push: boolean }[];
    expect(events.map((e) => e.kind)).toEqual([...EVENT_KINDS]);
    expect(events.find((e) => e.kind === 'urged')).toEqual({
      kind: 'urged',
      email: false,
      push: false,
    });
    expect(events.find((e) => e.kind === 'task_assigned')).toEqual({
      kind: 'task_assigned',
      email: true,
      push: true,
    });
    expect(events.filter((e) => e.email).map((e) => e.kind)).toEqual(['task_assigned']);
    expect(body?.quiet_hours).toEqual({ start: '22:00', end: '08:00' });
    expect(body?.digest).toBe(true);
  });

  it('sends quiet hours as null when switched off, and 22:00–08:00 when first switched on', async () => {
    const calls = render(settings({ quiet_hours: { start: '21:30', end: '07:00' } }));
    const quiet = await screen.findByLabelText('免打扰时段');
    expect((screen.getByLabelText('免打扰开始时间') as HTMLInputElement).value).toBe('21:30');
    expect((screen.getByLabelText('免打扰结束时间') as HTMLInputElement).value).toBe('07:00');
    fireEvent.click(quiet);
    expect(screen.queryByLabelText('免打扰开始时间')).toBeNull();
    fireEvent.click(saveButton());
    await waitFor(() => expect(put(calls)).toBeDefined());
    expect(put(calls)?.quiet_hours).toBeNull();
  });

  it('offers the usual quiet hours when there were none', async () => {
    const calls = render(settings({ quiet_hours: null }));
    fireEvent.click(await screen.findByLabelText('免打扰时段'));
    expect((screen.getByLabelText('免打扰开始时间') as HTMLInputElement).value).toBe('22:00');
    fireEvent.click(saveButton());
    await waitFor(() => expect(put(calls)).toBeDefined());
    expect(put(calls)?.quiet_hours).toEqual({ start: '22:00', end: '08:00' });
  });

  it('switches a whole column from its header', async () => {
    const calls = render(settings());
    // Some mail is on: the header is indeterminate; a click turns all on, another all off.
    const [mailAll] = (await screen.findAllByLabelText('邮件（全部）')).filter(
      (e) => e.tagName === 'INPUT',
    );
    if (!mailAll) throw new Error('no header checkbox');
    fireEvent.click(mailAll);
    fireEvent.click(mailAll);
    fireEvent.click(saveButton());
    await waitFor(() => expect(put(calls)).toBeDefined());
    const events = put(calls)?.events as { email: boolean; push: boolean }[];
    expect(events.every((e) => !e.email && e.push)).toBe(true);
  });

  it('says mail cannot reach me without an address, with a link to the profile', async () => {
    render(settings({ email_address: null }));
    const hint = await screen.findByTestId('notify-email');
    expect(hint.textContent).toContain('你的资料中没有邮箱');
    expect(within(hint).getByRole('link').getAttribute('href')).toBe('/settings/profile');
  });

  it('shows the server refusing the save', async () => {
    render(settings(), {
      'PUT /api/v1/me/notification-settings': () =>
        json(422, { code: 'validation_failed', message: '免打扰时段的开始和结束不能相同' }),
    });
    fireEvent.click(await screen.findByText('保存'));
    expect(await screen.findByText('免打扰时段的开始和结束不能相同')).toBeTruthy();
  });

  it('explains that push needs HTTPS where the browser cannot push', async () => {
    render(settings());
    const note = await screen.findByTestId('push-unsupported');
    expect(note.textContent).toContain('HTTPS');
    expect(screen.queryByRole('button', { name: /在此浏览器接收推送/ })).toBeNull();
  });

  it('lists push devices, removes one and sends a test', async () => {
    const calls = render(settings({ push_devices: 1 }), {
      'GET /api/v1/push/subscriptions': () => json(200, [device]),
      'DELETE /api/v1/push/subscriptions/p1': () => new Response(null, { status: 204 }),
      'POST /api/v1/push/test': () => json(200, { sent: 1 }),
    });
    const row = (await screen.findByText('fcm.googleapis.com')).closest('tr') as HTMLElement;
    expect(within(row).getByText('Mozilla/5.0 Chrome/140')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /发送测试推送/ }));
    await screen.findByText('已向 1 个设备发送测试推送');
    fireEvent.click(within(row).getByRole('button', { name: '移除' }));
    const confirm = await screen.findByRole('tooltip');
    fireEvent.click(within(confirm).getByRole('button', { name: '移除' }));
    await screen.findByText('设备已移除');
    expect(calls.some((c) => c.key === 'DELETE /api/v1/push/subscriptions/p1')).toBe(true);
  });
});

describe('push in this browser', () => {
  /** A browser that can push: service worker, PushManager, permission granted on request. */
  function stubBrowser() {
    const subscription = {
      endpoint: 'https://fcm.googleapis.com/fcm/send/abc',
      options: { applicationServerKey: null },
      toJSON: () => ({
        endpoint: 'https://fcm.googleapis.com/fcm/send/abc',
        keys: { p256dh: 'BPk', auth: 'au' },
      }),
      unsubscribe: vi.fn(async () => true),
    };
    const pushManager = {
      getSubscription: vi.fn(async () => null),
      subscribe: vi.fn(async (_: PushSubscriptionOptionsInit) => subscription),
    };
    const registration = { pushManager };
    const serviceWorker = {
      register: vi.fn(async () => registration),
      ready: Promise.resolve(registration),
      getRegistration: vi.fn(async () => undefined),
    };
    vi.stubGlobal('navigator', {
      userAgent: 'Mozilla/5.0 (test)',
      language: 'zh-CN',
      languages: ['zh-CN'],
      serviceWorker,
    });
    vi.stubGlobal('PushManager', class {});
    vi.stubGlobal('isSecureContext', true);
    const requestPermission = vi.fn(async () => 'granted');
    vi.stubGlobal('Notification', { permission: 'default', requestPermission });
    return { serviceWorker, pushManager, requestPermission };
  }

  it('registers the worker, asks permission, subscribes with the VAPID key and stores it', async () => {
    const browser = stubBrowser();
    const calls = render(settings(), {
      'GET /api/v1/push/public-key': () => json(200, { public_key: 'AQID_w' }),
      'POST /api/v1/push/subscriptions': () => json(201, device),
    });
    fireEvent.click(await screen.findByRole('button', { name: /在此浏览器接收推送/ }));
    // The message, and the tag that stays.
    await waitFor(() => expect(screen.getAllByText('此浏览器已开启推送')).toHaveLength(2));
    expect(browser.serviceWorker.register).toHaveBeenCalledWith('/sw.js', { scope: '/' });
    expect(browser.requestPermission).toHaveBeenCalled();
    const options = browser.pushManager.subscribe.mock.calls[0]?.[0];
    expect(options?.userVisibleOnly).toBe(true);
    expect([...((options?.applicationServerKey ?? []) as Uint8Array)]).toEqual([1, 2, 3, 255]);
    const body = calls.find((c) => c.key === 'POST /api/v1/push/subscriptions')?.body as Record<
      string,
      unknown
    >;
    expect(body.endpoint).toBe('https://fcm.googleapis.com/fcm/send/abc');
    expect(body.keys).toEqual({ p256dh: 'BPk', auth: 'au' });
    expect(typeof body.user_agent).toBe('string');
  });

  it('says how to allow notifications when the user refuses', async () => {
    const browser = stubBrowser();
    browser.requestPermission.mockResolvedValueOnce('denied');
    const calls = render(settings(), {
      'GET /api/v1/push/public-key': () => json(200, { public_key: 'AQID_w' }),
    });
    fireEvent.click(await screen.findByRole('button', { name: /在此浏览器接收推送/ }));
    expect(await screen.findByText(/浏览器已禁止本站发送通知/)).toBeTruthy();
    expect(calls.some((c) => c.key === 'POST /api/v1/push/subscriptions')).toBe(false);
  });
});
