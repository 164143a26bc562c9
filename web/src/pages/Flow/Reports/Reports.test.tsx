import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { meKey } from '../../../auth/session';
import { json, mockApi, renderAt } from '../../../test/render';
import ReportsPage from '.';

afterEach(() => vi.unstubAllGlobals());

const summaries = [
  { period: '2026-W48', generated_at: '2026-11-23T00:00:00Z', overdue: 2 },
  { period: '2026-W47', generated_at: '2026-11-16T00:00:00Z', overdue: 0 },
];

const report = (period: string, over: Record<string, unknown> = {}) => ({
  period,
  generated_at: '2026-11-23T00:00:00Z',
  overdue: 2,
  by_template: [{ id: 't1', name: '费用报销', overdue: 2 }],
  by_person: [
    { id: 'u-boss', name: '李经理', overdue: 1 },
    { id: 'u-fin', name: '钱会计', overdue: 1 },
  ],
  by_department: [{ id: 'd1', name: '销售部', overdue: 2 }],
  tasks: [
    {
      instance_id: 'i1',
      title: '张三的费用报销-100',
      serial_no: 'BX-2026-001',
      template_id: 't1',
      node_name: '部门负责人',
      assignee_id: 'u-boss',
      due_at: '2026-11-20T00:00:00Z',
    },
    {
      instance_id: 'i2',
      title: '李四的费用报销-200',
      serial_no: null,
      template_id: 't1',
      node_name: '财务',
      assignee_id: 'u-fin',
      due_at: '2026-11-22T22:30:00Z',
    },
  ],
  ...over,
});

function render(path = '/flow/reports') {
  const { queryClient } = renderAt(<ReportsPage />, path, '/flow/reports/:period?');
  queryClient.setQueryData(meKey, null);
}

function cells(text: string): (string | null)[] {
  const row = screen.getByText(text).closest('tr');
  if (!row) throw new Error(`no row with ${text}`);
  return [...row.querySelectorAll('td')].map((td) => td.textContent);
}

describe('weekly overdue reports', () => {
  it('lists the weeks and opens the newest: counts per flow, person and department, longest overdue', async () => {
    const opened: string[] = [];
    mockApi({
      'GET /api/v1/flow/reports/overdue': () => json(200, summaries),
      'GET /api/v1/flow/reports/overdue/2026-W48': () => {
        opened.push('2026-W48');
        return json(200, report('2026-W48'));
      },
    });
    render();
    const detail = await screen.findByTestId('overdue-report');
    expect(detail.dataset.period).toBe('2026-W48');
    expect(opened).toEqual(['2026-W48']);
    expect(screen.getAllByText('2026 年第 48 周（11-23 – 11-29）').length).toBe(2);
    expect(screen.getByText('2026 年第 47 周（11-16 – 11-22）')).toBeTruthy();
    expect((await within(detail).findByTestId('report-overdue')).textContent).toBe('2');
    const byPerson = screen.getByTestId('report-chart-person');
    expect(within(byPerson).getByRole('img', { name: '李经理: 1' })).toBeTruthy();
    expect(
      within(screen.getByTestId('report-chart-template')).getByRole('img', {
        name: '费用报销: 2',
      }),
    ).toBeTruthy();
    expect(
      within(screen.getByTestId('report-chart-department')).getByRole('img', {
        name: '销售部: 2',
      }),
    ).toBeTruthy();
    // Tasks carry ids only: names come from the report's own counts.
    expect(cells('张三的费用报销-100')).toEqual([
      '张三的费用报销-100',
      'BX-2026-001',
      '费用报销',
      '部门负责人',
      '李经理',
      '2026/11/20 08:00:00',
      '3 天 0 小时',
    ]);
    expect(cells('李四的费用报销-200').slice(4)).toEqual([
      '钱会计',
      '2026/11/23 06:30:00',
      '1 小时 30 分钟',
    ]);
  });

  it('opens an older week from the list', async () => {
    mockApi({
      'GET /api/v1/flow/reports/overdue': () => json(200, summaries),
      'GET /api/v1/flow/reports/overdue/2026-W48': () => json(200, report('2026-W48')),
      'GET /api/v1/flow/reports/overdue/2026-W47': () =>
        json(200, report('2026-W47', { overdue: 0, by_template: [], by_person: [], tasks: [] })),
    });
    render();
    await screen.findByTestId('overdue-report');
    const older = screen.getByText('2026 年第 47 周（11-16 – 11-22）').closest('tr') as HTMLElement;
    fireEvent.click(within(older).getByRole('button', { name: '查看' }));
    await waitFor(() =>
      expect(screen.getByTestId('overdue-report').dataset.period).toBe('2026-W47'),
    );
    expect((await screen.findByTestId('report-overdue')).textContent).toBe('0');
  });

  it('makes this week’s report now and opens it', async () => {
    let made = false;
    const calls = mockApi({
      'GET /api/v1/flow/reports/overdue': () => json(200, made ? summaries : summaries.slice(1)),
      'POST /api/v1/flow/reports/overdue': () => {
        made = true;
        return json(200, report('2026-W48'));
      },
      'GET /api/v1/flow/reports/overdue/2026-W47': () =>
        json(200, report('2026-W47', { overdue: 0, tasks: [] })),
    });
    render();
    await waitFor(() =>
      expect(screen.getByTestId('overdue-report').dataset.period).toBe('2026-W47'),
    );
    fireEvent.click(screen.getByRole('button', { name: /立即生成/ }));
    await screen.findByText('已生成2026 年第 48 周（11-23 – 11-29）的超期周报');
    await waitFor(() =>
      expect(screen.getByTestId('overdue-report').dataset.period).toBe('2026-W48'),
    );
    expect(calls.filter((c) => c.key === 'POST /api/v1/flow/reports/overdue')).toHaveLength(1);
    // The stored copy is shown without asking again.
    expect(calls.some((c) => c.key === 'GET /api/v1/flow/reports/overdue/2026-W48')).toBe(false);
    await waitFor(() => expect(screen.getAllByText(/2026 年第 48 周/).length).toBe(2));
  });

  it('says when there is no report yet', async () => {
    mockApi({ 'GET /api/v1/flow/reports/overdue': () => json(200, []) });
    render();
    expect(await screen.findByText('还没有超期周报，可以立即生成一份')).toBeTruthy();
    expect(screen.queryByTestId('overdue-report')).toBeNull();
  });

  it("shows the server's message for a week without a report", async () => {
    mockApi({
      'GET /api/v1/flow/reports/overdue': () => json(200, []),
      'GET /api/v1/flow/reports/overdue/1999-W01': () =>
        json(404, { code: 'flow.report_not_found', message: '没有这一周的超期周报' }),
    });
    render('/flow/reports/1999-W01');
    expect(await screen.findByText('没有这一周的超期周报')).toBeTruthy();
  });
});
