import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { meKey } from '../../../auth/session';
import { json, mockApi, renderAt } from '../../../test/render';
import StatsPage from '.';

beforeEach(() => {
  // Only the clock: 29 Nov 2026, noon in Shanghai.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-29T04:00:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const row = (over: Record<string, unknown>) => ({
  id: 'x',
  name: '',
  handled: 0,
  avg_working_hours: 0,
  handled_with_due: 0,
  overdue_rate: 0,
  pending: 0,
  ...over,
});

const rows = {
  template: [
    row({
      id: 't1',
      name: '费用报销',
      handled: 8,
      avg_working_hours: 3.5,
      handled_with_due: 8,
      overdue_rate: 0.25,
      pending: 2,
    }),
    row({ id: 't2', name: '出差申请', handled: 4, avg_working_hours: 1, pending: 0 }),
    row({ id: 't3', name: '用印申请', handled: 0, pending: 5 }),
  ],
  person: [row({ id: 'u1', name: '李经理', handled: 3, avg_working_hours: 2 })],
  department: [row({ id: 'd1', name: '销售部', handled: 9 })],
};

const backlogRows = [
  {
    person_id: 'u1',
    name: '李经理',
    department_id: 'd-sales',
    old_tasks: 4,
    oldest_opened_at: '2026-11-19T04:00:00Z',
  },
];

function routes(queries: URLSearchParams[], backlogDays: (string | null)[]) {
  return {
    'GET /api/v1/flow/stats/efficiency': (req: Request) => {
      const q = new URL(req.url).searchParams;
      queries.push(q);
      const group = (q.get('group') ?? 'template') as keyof typeof rows;
      return json(200, { from: q.get('from'), to: q.get('to'), group, rows: rows[group] });
    },
    'GET /api/v1/flow/stats/backlog': (req: Request) => {
      backlogDays.push(new URL(req.url).searchParams.get('older_than_days'));
      return json(200, backlogRows);
    },
    'GET /api/v1/departments': () =>
      json(200, [{ id: 'd-sales', name: '销售部', company_id: 'c1', parent_id: null }]),
  };
}

function rowOf(text: string): HTMLElement {
  const r = screen.getByText(text, { selector: 'td, td *' }).closest('tr');
  if (!r) throw new Error(`no row with ${text}`);
  return r;
}

function render() {
  const { queryClient } = renderAt(<StatsPage />, '/flow/stats');
  queryClient.setQueryData(meKey, null);
}

describe('efficiency statistics', () => {
  it('shows the last 30 days per flow as a table and a bar chart', async () => {
    const queries: URLSearchParams[] = [];
    mockApi(routes(queries, []));
    render();
    const chart = await screen.findByTestId('bar-chart');
    // Whole days in the tenant's zone: 31 Oct to 29 Nov inclusive.
    expect(queries[0]?.get('group')).toBe('template');
    expect(queries[0]?.get('from')).toBe('2026-10-30T16:00:00.000Z');
    expect(queries[0]?.get('to')).toBe('2026-11-29T16:00:00.000Z');
    // Handled tasks first, largest first.
    expect(
      within(chart)
        .getAllByTestId('bar')
        .map((b) => b.dataset.value),
    ).toEqual(['8', '4', '0']);
    expect(within(chart).getByRole('img', { name: '费用报销: 8' })).toBeTruthy();
    const first = rowOf('费用报销');
    expect([...first.querySelectorAll('td')].map((td) => td.textContent)).toEqual([
      '费用报销',
      '8',
      '3.5',
      '25%',
      '2',
    ]);
    // Nothing handled: no average and no rate, rather than zeros.
    expect([...rowOf('用印申请').querySelectorAll('td')].map((td) => td.textContent)).toEqual([
      '用印申请',
      '0',
      '-',
      '-',
      '5',
    ]);
  });

  it('charts another figure on request', async () => {
    mockApi(routes([], []));
    render();
    await screen.findByTestId('bar-chart');
    fireEvent.click(screen.getByText('平均办理时长'));
    await waitFor(() =>
      expect(screen.getByRole('img', { name: '费用报销: 3.5 小时' })).toBeTruthy(),
    );
    fireEvent.click(screen.getByText('超期率', { selector: '.ant-segmented-item-label' }));
    const rate = await screen.findByRole('img', { name: '费用报销: 25%' });
    // Rates are drawn against 100%.
    expect(rate.querySelector('[data-testid="bar-fill"]')?.getAttribute('width')).toBe('25%');
  });

  it('groups per person on its tab, keeping the chosen figure', async () => {
    const queries: URLSearchParams[] = [];
    mockApi(routes(queries, []));
    render();
    await screen.findByTestId('bar-chart');
    fireEvent.click(screen.getByText('平均办理时长'));
    await screen.findByRole('img', { name: '费用报销: 3.5 小时' });
    fireEvent.click(screen.getByRole('tab', { name: '按人员' }));
    await screen.findByRole('img', { name: '李经理: 2 小时' });
    expect(queries.at(-1)?.get('group')).toBe('person');
  });

  it('lists people holding old tasks, for the chosen number of days', async () => {
    const days: (string | null)[] = [];
    mockApi(routes([], days));
    render();
    const backlog = (await screen.findByText('待办清零')).closest('.ant-card') as HTMLElement;
    const person = await within(backlog).findByText('李经理');
    const r = person.closest('tr') as HTMLElement;
    expect(await within(r).findByText('销售部')).toBeTruthy();
    expect(within(r).getByText('4')).toBeTruthy();
    expect(within(r).getByText('10 天 0 小时')).toBeTruthy();
    expect(days).toEqual(['3']);
    fireEvent.mouseDown(within(backlog).getByRole('combobox', { name: '未办天数' }));
    const option = await waitFor(() => {
      const o = document.querySelector('.ant-select-item-option[title="超过 7 天"]');
      if (!o) throw new Error('option not shown yet');
      return o;
    });
    fireEvent.click(option);
    await waitFor(() => expect(days.at(-1)).toBe('7'));
    expect(within(backlog).getByText('手上有超过 7 天未办待办的人，按数量排序。')).toBeTruthy();
  });

  it("shows the server's message when it refuses the period", async () => {
    mockApi({
      ...routes([], []),
      'GET /api/v1/flow/stats/efficiency': () =>
        json(400, { code: 'flow.bad_period', message: '统计区间须从早到晚，且不超过一年' }),
    });
    render();
    expect(await screen.findByText('统计区间须从早到晚，且不超过一年')).toBeTruthy();
  });
});
