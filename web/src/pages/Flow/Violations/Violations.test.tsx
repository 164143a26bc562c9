import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { meKey } from '../../../auth/session';
import { json, mockApi, renderAt } from '../../../test/render';
import ViolationsPage from '.';

beforeEach(() => {
  // Only the clock: 29 Nov 2026 in Shanghai.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-29T04:00:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const violation = (over: Record<string, unknown>) => ({
  id: 'v1',
  instance_id: 'i1',
  template_id: 't1',
  node_key: 'head',
  person_id: 'u-boss',
  person_name: '李经理',
  department_id: 'd-sales',
  kind: 'overdue',
  note: '超期三天未处理',
  recorded_by: 'u-sup',
  recorded_at: '2026-11-28T02:00:00Z',
  ...over,
});

const records = {
  items: [
    violation({}),
    violation({
      id: 'v2',
      template_id: 't-gone',
      person_id: 'u-fin',
      person_name: '钱会计',
      department_id: 'd-fin',
      kind: 'opinion',
      note: '意见只写了同意',
    }),
  ],
  total: 2,
  page: 1,
  page_size: 20,
};

const report = {
  month: '2026-11',
  by_person: [
    {
      person_id: 'u-boss',
      name: '李经理',
      department_id: 'd-sales',
      department: '销售部',
      total: 3,
      overdue: 2,
      opinion: 1,
      other: 0,
    },
  ],
  by_department: [
    { department_id: 'd-sales', department: '销售部', total: 3 },
    { department_id: 'd-fin', department: '财务部', total: 1 },
  ],
};

const common = {
  'GET /api/v1/flow/templates': () => json(200, [{ id: 't1', name: '费用报销' }]),
  'GET /api/v1/departments': () =>
    json(200, [
      { id: 'd-sales', name: '销售部', company_id: 'c1', parent_id: null },
      { id: 'd-fin', name: '财务部', company_id: 'c1', parent_id: null },
    ]),
  'GET /api/v1/companies': () => json(200, []),
  'GET /api/v1/users': () => json(200, { items: [], total: 0, page: 1, page_size: 20 }),
};

function rowOf(text: string): HTMLElement {
  const row = screen.getByText(text).closest('tr');
  if (!row) throw new Error(`no row with ${text}`);
  return row;
}

function render() {
  const { queryClient } = renderAt(<ViolationsPage />, '/flow/violations');
  queryClient.setQueryData(meKey, null);
}

describe('violation records', () => {
  it('lists records with person, department, flow, step and kind', async () => {
    mockApi({ ...common, 'GET /api/v1/flow/violations': () => json(200, records) });
    render();
    await screen.findByText('超期三天未处理');
    const first = rowOf('超期三天未处理');
    expect(within(first).getByText('李经理')).toBeTruthy();
    expect(await within(first).findByText('销售部')).toBeTruthy();
    expect(await within(first).findByText('费用报销')).toBeTruthy();
    expect(within(first).getByText('head')).toBeTruthy();
    expect(within(first).getByTestId('violation-kind').textContent).toBe('超期');
    expect(within(first).getByText('2026/11/28 10:00:00')).toBeTruthy();
    const second = rowOf('意见只写了同意');
    expect(within(second).getByTestId('violation-kind').textContent).toBe('意见不规范');
    // A template the viewer cannot list any more is still labelled.
    expect(within(second).getByText('（未知流程）')).toBeTruthy();
    expect(screen.getByText('共 2 条')).toBeTruthy();
  });

  it('filters the records by flow', async () => {
    const queries: URLSearchParams[] = [];
    mockApi({
      ...common,
      'GET /api/v1/flow/violations': (req) => {
        queries.push(new URL(req.url).searchParams);
        return json(200, records);
      },
    });
    render();
    await screen.findByText('超期三天未处理');
    expect(queries[0]?.get('template_id')).toBeNull();
    fireEvent.mouseDown(screen.getByRole('combobox', { name: '流程' }));
    const option = await waitFor(() => {
      const o = document.querySelector('.ant-select-item-option[title="费用报销"]');
      if (!o) throw new Error('option not shown yet');
      return o;
    });
    fireEvent.click(option);
    await waitFor(() => expect(queries.at(-1)?.get('template_id')).toBe('t1'));
  });

  it('reports this month per person and department, with an Excel export', async () => {
    const months: (string | null)[] = [];
    mockApi({
      ...common,
      'GET /api/v1/flow/violations': () => json(200, records),
      'GET /api/v1/flow/violations/report': (req) => {
        months.push(new URL(req.url).searchParams.get('month'));
        return json(200, report);
      },
    });
    render();
    fireEvent.click(await screen.findByRole('tab', { name: '月度统计' }));
    const person = await screen.findByText('李经理');
    const row = person.closest('tr') as HTMLElement;
    expect(within(row).getByText('销售部')).toBeTruthy();
    expect([...row.querySelectorAll('td')].map((td) => td.textContent)).toEqual([
      '李经理',
      '销售部',
      '3',
      '2',
      '1',
      '0',
    ]);
    expect(months).toEqual(['2026-11']);
    const chart = screen.getByTestId('bar-chart');
    expect(within(chart).getByRole('img', { name: '销售部: 3' })).toBeTruthy();
    expect(within(chart).getByRole('img', { name: '财务部: 1' })).toBeTruthy();
    const exportLink = screen.getByText('导出 Excel').closest('a') as HTMLElement;
    expect(exportLink.getAttribute('href')).toBe(
      '/api/v1/flow/violations/report?month=2026-11&format=xlsx',
    );
  });
});
