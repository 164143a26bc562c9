import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { meKey } from '../auth/session';
import { json, mockApi, renderAt } from '../test/render';
import { NotificationBell } from './NotificationBell';

afterEach(() => vi.unstubAllGlobals());

const notice = (id: string, kind: string, read: boolean, data: unknown = {}) => ({
  id,
  kind,
  instance_id: 'i1',
  title: '张三的报销',
  serial_no: 'BX-001',
  task_no: 1,
  data,
  created_at: '2026-11-29T01:00:00Z',
  read_at: read ? '2026-11-29T02:00:00Z' : null,
});

const page = (items: unknown[]) => ({ items, total: items.length, page: 1, page_size: 10 });

describe('NotificationBell', () => {
  it('shows the unread count and the latest notifications, unread first, as sentences', async () => {
    let unread = 2;
    const calls = mockApi({
      'GET /api/v1/notifications/unread-count': () => json(200, { unread }),
      'GET /api/v1/notifications': (req) =>
        new URL(req.url).searchParams.get('unread') === 'true'
          ? json(
              200,
              page([
                notice('n2', 'urged', false, { node_name: '部门审批' }),
                // a silent change event is never listed (even should the server send one)
                notice('n9', 'flow.changed', false, { status: 'running' }),
                notice('n3', 'finished', false),
              ]),
            )
          : json(
              200,
              page([
                notice('n1', 'carbon_copy', true),
                notice('n8', 'flow.changed', true),
                notice('n2', 'urged', false),
              ]),
            ),
      'POST /api/v1/notifications/n2/read': () => {
        unread = 1;
        return json(200, { unread });
      },
    });
    const { queryClient } = renderAt(<NotificationBell />, '/workbench');
    queryClient.setQueryData(meKey, null);
    const bell = await screen.findByRole('button', { name: '通知' });
    await waitFor(() => expect(screen.getByTestId('notice-count').textContent).toContain('2'));
    fireEvent.click(bell);
    const first = await screen.findByText('「张三的报销」的「部门审批」被催办，请尽快处理');
    const texts = [...screen.getByTestId('notice-popover').querySelectorAll('.ant-list-item')].map(
      (li) => li.textContent,
    );
    expect(texts).toHaveLength(3);
    expect(texts[0]).toContain('被催办');
    expect(texts[1]).toContain('已办结');
    expect(texts[2]).toContain('抄送给你');
    expect(screen.queryByText(/flow\.changed/)).toBeNull();
    // a notice of an instance opens its approval page, and is read
    fireEvent.click(first);
    await waitFor(() =>
      expect(calls.some((c) => c.key === 'POST /api/v1/notifications/n2/read')).toBe(true),
    );
    expect(await screen.findByTestId('elsewhere')).toBeTruthy();
  });

  it('ignores the silent flow.changed events of the stream: no refetch of count or lists', async () => {
    const sources: FakeSource[] = [];
    class FakeSource {
      listeners = new Map<string, (e: unknown) => void>();
      constructor() {
        sources.push(this);
      }
      addEventListener(type: string, fn: (e: unknown) => void) {
        this.listeners.set(type, fn);
      }
      close() {}
    }
    vi.stubGlobal('EventSource', FakeSource);
    let countCalls = 0;
    mockApi({
      'GET /api/v1/notifications/unread-count': () => {
        countCalls += 1;
        return json(200, { unread: countCalls });
      },
    });
    const { queryClient } = renderAt(<NotificationBell />, '/workbench');
    queryClient.setQueryData(meKey, null);
    await waitFor(() => expect(screen.getByTestId('notice-count').textContent).toContain('1'));
    const fire = (data: unknown) =>
      sources[0]?.listeners.get('notification')?.({ data: JSON.stringify(data) });
    fire({ id: 'n9', kind: 'flow.changed', instance_id: 'i1', data: { status: 'running' } });
    await new Promise((r) => setTimeout(r, 20));
    expect(countCalls).toBe(1);
    expect(screen.getByTestId('notice-count').textContent).toContain('1');
    // a real notice still refreshes the count
    fire({ id: 'n10', kind: 'urged', instance_id: 'i1', data: {} });
    await waitFor(() => expect(screen.getByTestId('notice-count').textContent).toContain('2'));
  });

  it('marks all read, which clears the badge, and leads to the notification centre', async () => {
    let unread = 3;
    mockApi({
      'GET /api/v1/notifications/unread-count': () => json(200, { unread }),
      'GET /api/v1/notifications': () => json(200, page([notice('n1', 'finished', false)])),
      'POST /api/v1/notifications/read-all': () => {
        unread = 0;
        return json(200, { unread });
      },
    });
    const { queryClient } = renderAt(<NotificationBell />, '/workbench');
    queryClient.setQueryData(meKey, null);
    fireEvent.click(await screen.findByRole('button', { name: '通知' }));
    await waitFor(() => expect(screen.getByTestId('notice-count').textContent).toContain('3'));
    fireEvent.click(await screen.findByRole('button', { name: '全部已读' }));
    await waitFor(() => expect(screen.getByTestId('notice-count').textContent).not.toContain('3'));
    expect(screen.getByRole('button', { name: '全部已读' })).toHaveProperty('disabled', true);
    fireEvent.click(screen.getByRole('button', { name: '查看全部' }));
    expect(await screen.findByTestId('elsewhere')).toBeTruthy();
  });
});
