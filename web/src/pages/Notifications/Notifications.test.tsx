import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { meKey } from '../../auth/session';
import { json, mockApi, renderAt } from '../../test/render';
import NotificationsPage from '.';

afterEach(() => vi.unstubAllGlobals());

const notice = (id: string, kind: string, read: boolean, data: unknown = {}) => ({
  id,
  kind,
  instance_id: null,
  title: null,
  serial_no: null,
  task_no: null,
  data,
  created_at: '2026-11-29T01:00:00Z',
  read_at: read ? '2026-11-29T02:00:00Z' : null,
});

function rowOf(text: string): HTMLElement {
  const row = screen.getByText(text).closest('tr');
  if (!row) throw new Error(`no row with ${text}`);
  return row;
}

describe('notification centre', () => {
  it('lists unread ones first, all on request, and marks one read', async () => {
    const queries: URLSearchParams[] = [];
    const calls = mockApi({
      'GET /api/v1/notifications': (req) => {
        const q = new URL(req.url).searchParams;
        queries.push(q);
        const items =
          q.get('unread') === 'true'
            ? [notice('n1', 'report_ready', false, { period: '2026-W48', overdue: 2 })]
            : [
                notice('n1', 'report_ready', false, { period: '2026-W48', overdue: 2 }),
                notice('n0', 'delegation_ended', true),
              ];
        return json(200, { items, total: items.length, page: 1, page_size: 20 });
      },
      'POST /api/v1/notifications/n1/read': () => json(200, { unread: 0 }),
    });
    const { queryClient } = renderAt(<NotificationsPage />, '/notifications');
    queryClient.setQueryData(meKey, null);
    const sentence = '2026-W48 超期周报已生成，超期待办 2 项';
    await screen.findByText(sentence);
    expect(queries[0]?.get('unread')).toBe('true');
    expect(screen.queryByText('一项委托已结束')).toBeNull();

    fireEvent.click(screen.getByText('全部'));
    await screen.findByText('一项委托已结束');
    expect(within(rowOf('一项委托已结束')).getByText('已读')).toBeTruthy();
    expect(within(rowOf('一项委托已结束')).queryByRole('button', { name: '标为已读' })).toBeNull();

    const before = queries.length;
    fireEvent.click(within(rowOf(sentence)).getByRole('button', { name: '标为已读' }));
    await waitFor(() =>
      expect(calls.some((c) => c.key === 'POST /api/v1/notifications/n1/read')).toBe(true),
    );
    // The list reloads after the change.
    await waitFor(() => expect(queries.length).toBeGreaterThan(before));
  });

  it('opens the notice of a deep link: highlighted with its flow, and marked read', async () => {
    const queries: URLSearchParams[] = [];
    let read = false;
    const linked = () => ({
      ...notice('n2', 'urged', read, { node_name: '部门审批' }),
      instance_id: 'i1',
      title: '张三的报销',
      serial_no: 'BX-2026-001',
    });
    const calls = mockApi({
      'GET /api/v1/notifications': (req) => {
        queries.push(new URL(req.url).searchParams);
        const items = [notice('n1', 'delegation_ended', true), linked()];
        return json(200, { items, total: items.length, page: 1, page_size: 20 });
      },
      'POST /api/v1/notifications/n2/read': () => {
        read = true;
        return json(200, { unread: 0 });
      },
    });
    const { queryClient } = renderAt(
      <NotificationsPage />,
      '/notifications?open=n2',
      '/notifications',
    );
    queryClient.setQueryData(meKey, null);
    const opened = await screen.findByTestId('opened-notice');
    await within(opened).findByText('「张三的报销」的「部门审批」被催办，请尽快处理');
    expect(within(opened).getByText('张三的报销')).toBeTruthy();
    expect(within(opened).getByText('BX-2026-001')).toBeTruthy();
    await waitFor(() =>
      expect(calls.some((c) => c.key === 'POST /api/v1/notifications/n2/read')).toBe(true),
    );
    // The list shows all notices (the opened one is read now), that one highlighted.
    expect(queries.every((q) => q.get('unread') === null)).toBe(true);
    const row = document.querySelector('tr[data-row-key="n2"]');
    expect(row?.getAttribute('aria-current')).toBe('true');
    await waitFor(() => expect(within(row as HTMLElement).getByText('已读')).toBeTruthy());
    expect(calls.filter((c) => c.key === 'POST /api/v1/notifications/n2/read')).toHaveLength(1);
  });

  it('says so when the linked notice is not mine or gone', async () => {
    const calls = mockApi({
      'GET /api/v1/notifications': () => json(200, { items: [], total: 0, page: 1, page_size: 20 }),
    });
    const { queryClient } = renderAt(
      <NotificationsPage />,
      '/notifications?open=nope',
      '/notifications',
    );
    queryClient.setQueryData(meKey, null);
    expect(await screen.findByText(/没有找到这条通知/)).toBeTruthy();
    expect(calls.some((c) => c.key.startsWith('POST'))).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: '关闭' }));
    await waitFor(() => expect(screen.queryByTestId('opened-notice')).toBeNull());
  });

  it('marks all read', async () => {
    const calls = mockApi({
      'GET /api/v1/notifications': () => json(200, { items: [], total: 0, page: 1, page_size: 20 }),
      'POST /api/v1/notifications/read-all': () => json(200, { unread: 0 }),
    });
    const { queryClient } = renderAt(<NotificationsPage />, '/notifications');
    queryClient.setQueryData(meKey, null);
    await screen.findByText('暂无通知');
    fireEvent.click(screen.getByRole('button', { name: /全部已读/ }));
    await waitFor(() =>
      expect(calls.some((c) => c.key === 'POST /api/v1/notifications/read-all')).toBe(true),
    );
  });
});
