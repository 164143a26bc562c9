import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { meKey } from '../../../auth/session';
import { json, mockApi, renderAt } from '../../../test/render';
import JobsPage from '.';

afterEach(() => vi.unstubAllGlobals());

const job = (over: Record<string, unknown>) => ({
  id: 'j1',
  kind: 'system.probe',
  payload: {},
  state: 'done',
  run_at: '2026-11-29T01:00:00Z',
  attempts: 1,
  max_attempts: 5,
  locked_by: null,
  locked_until: null,
  last_error: null,
  created_at: '2026-11-29T01:00:00Z',
  updated_at: '2026-11-29T01:00:01Z',
  finished_at: '2026-11-29T01:00:01Z',
  ...over,
});

const page = {
  items: [
    job({ id: 'j1' }),
    job({
      id: 'j2',
      kind: 'flow.timer',
      state: 'failed',
      attempts: 5,
      last_error: 'instance not found',
    }),
    job({ id: 'j3', kind: 'mail.send', state: 'pending', attempts: 0, finished_at: null }),
  ],
  total: 3,
  page: 1,
  page_size: 20,
  counts: { pending: 1, running: 0, done: 1, failed: 1, cancelled: 0 },
};

function rowOf(text: string): HTMLElement {
  const row = screen.getByText(text).closest('tr');
  if (!row) throw new Error(`no row with ${text}`);
  return row;
}

describe('background jobs', () => {
  it('lists jobs with labelled kinds, coloured states and the counts per state', async () => {
    mockApi({ 'GET /api/v1/admin/jobs': () => json(200, page) });
    const { queryClient } = renderAt(<JobsPage />, '/admin/jobs');
    queryClient.setQueryData(meKey, null);
    expect(await screen.findByText('测试任务')).toBeTruthy();
    expect(within(rowOf('测试任务')).getByText('已完成').className).toContain('success');
    expect(within(rowOf('流程定时器')).getByText('失败').className).toContain('error');
    expect(within(rowOf('流程定时器')).getByText('5 / 5')).toBeTruthy();
    // An unknown kind is shown as the server names it.
    expect(within(rowOf('mail.send')).getByText('等待中')).toBeTruthy();
    expect(screen.getByTestId('job-tab-all').textContent).toBe('全部 3');
    expect(screen.getByTestId('job-tab-failed').textContent).toBe('失败 1');
    // Retry only where it applies, cancel likewise.
    expect(within(rowOf('流程定时器')).getByRole('button', { name: '重试' })).toBeTruthy();
    expect(within(rowOf('mail.send')).getByRole('button', { name: '取消' })).toBeTruthy();
    expect(within(rowOf('测试任务')).queryAllByRole('button', { name: /重试|取消/ })).toEqual([]);
  });

  it('filters by state, retries after a confirm and reloads the list', async () => {
    const lists: URLSearchParams[] = [];
    const calls = mockApi({
      'GET /api/v1/admin/jobs': (req) => {
        lists.push(new URL(req.url).searchParams);
        return json(200, page);
      },
      'POST /api/v1/admin/jobs/j2/retry': () => json(200, job({ id: 'j2', state: 'pending' })),
    });
    const { queryClient } = renderAt(<JobsPage />, '/admin/jobs');
    queryClient.setQueryData(meKey, null);
    await screen.findByText('流程定时器');
    expect(lists[0]?.get('state')).toBeNull();
    fireEvent.click(screen.getByTestId('job-tab-failed'));
    await waitFor(() => expect(lists.some((q) => q.get('state') === 'failed')).toBe(true));
    const before = lists.length;
    fireEvent.click(within(rowOf('流程定时器')).getByRole('button', { name: '重试' }));
    const confirm = await screen.findByRole('tooltip');
    fireEvent.click(within(confirm).getByRole('button', { name: '重试' }));
    await screen.findByText('任务已重新排队');
    expect(calls.some((c) => c.key === 'POST /api/v1/admin/jobs/j2/retry')).toBe(true);
    await waitFor(() => expect(lists.length).toBeGreaterThan(before));
    expect(lists.at(-1)?.get('state')).toBe('failed');
  });

  it('takes the state and kind filters from the address, and keeps them there', async () => {
    const lists: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/admin/jobs': (req) => {
        lists.push(new URL(req.url).searchParams);
        return json(200, page);
      },
    });
    const { queryClient } = renderAt(
      <JobsPage />,
      '/admin/jobs?state=failed&kind=notify.email',
      '/admin/jobs',
    );
    queryClient.setQueryData(meKey, null);
    await screen.findByText('流程定时器');
    expect(lists[0]?.get('state')).toBe('failed');
    expect(lists[0]?.get('kind')).toBe('notify.email');
    // The kind filter shows the kind by its name.
    expect(screen.getByText('邮件通知')).toBeTruthy();
    fireEvent.click(screen.getByTestId('job-tab-all'));
    await waitFor(() => expect(lists.at(-1)?.get('state')).toBeNull());
    expect(lists.at(-1)?.get('kind')).toBe('notify.email');
  });

  it('ignores a state it does not know', async () => {
    const lists: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/admin/jobs': (req) => {
        lists.push(new URL(req.url).searchParams);
        return json(200, page);
      },
    });
    const { queryClient } = renderAt(<JobsPage />, '/admin/jobs?state=bogus', '/admin/jobs');
    queryClient.setQueryData(meKey, null);
    await screen.findByText('流程定时器');
    expect(lists[0]?.get('state')).toBeNull();
  });

  it('shows the server refusing a cancel', async () => {
    mockApi({
      'GET /api/v1/admin/jobs': () => json(200, page),
      'POST /api/v1/admin/jobs/j3/cancel': () =>
        json(409, { code: 'job.not_cancellable', message: '只有等待中的任务可以取消' }),
    });
    const { queryClient } = renderAt(<JobsPage />, '/admin/jobs');
    queryClient.setQueryData(meKey, null);
    await screen.findByText('mail.send');
    fireEvent.click(within(rowOf('mail.send')).getByRole('button', { name: '取消' }));
    const confirm = await screen.findByRole('tooltip');
    fireEvent.click(within(confirm).getByRole('button', { name: '取消任务' }));
    expect(await screen.findByText('只有等待中的任务可以取消')).toBeTruthy();
  });

  it('enqueues a probe job', async () => {
    const calls = mockApi({
      'GET /api/v1/admin/jobs': () => json(200, page),
      'POST /api/v1/admin/jobs/probe': () => json(200, job({ id: 'j9', state: 'pending' })),
    });
    const { queryClient } = renderAt(<JobsPage />, '/admin/jobs');
    queryClient.setQueryData(meKey, null);
    fireEvent.click(await screen.findByRole('button', { name: /运行测试任务/ }));
    await screen.findByText('测试任务已加入队列，几秒内应显示为已完成');
    expect(calls.some((c) => c.key === 'POST /api/v1/admin/jobs/probe')).toBe(true);
  });
});
