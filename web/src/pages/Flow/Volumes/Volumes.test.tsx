import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { meKey } from '../../../auth/session';
import { json, mockApi, renderAt } from '../../../test/render';
import VolumesPage from '.';

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
  month: '2026-11',
  template_id: 't1',
  template: '费用报销',
  department_id: 'd-sales',
  department: '销售部',
  started: 0,
  approved: 0,
  rejected: 0,
  cancelled: 0,
  running: 0,
  ...over,
});

const report = {
  months: [
    { month: '2026-10', started: 3, approved: 2 },
    { month: '2026-11', started: 7, approved: 4 },
  ],
  rows: [
    row({ month: '2026-10', started: 3, approved: 2, rejected: 1 }),
    row({ started: 5, approved: 3, running: 2 }),
    row({
      template_id: 't-gone',
      template: '',
      department_id: 'd-fin',
      department: '财务部',
      started: 2,
      approved: 1,
      cancelled: 1,
    }),
  ],
};

function routes(queries: URLSearchParams[]) {
  return {
    'GET /api/v1/flow/volumes': (req: Request) => {
      queries.push(new URL(req.url).searchParams);
      return json(200, report);
    },
    'GET /api/v1/flow/templates': () =>
      json(200, [
        { id: 't1', name: '费用报销' },
        { id: 't2', name: '请假' },
      ]),
    'GET /api/v1/departments': () =>
      json(200, [{ id: 'd-sales', name: '销售部', company_id: 'c1', parent_id: null }]),
    'GET /api/v1/companies': () => json(200, []),
  };
}

function render() {
  const { queryClient } = renderAt(<VolumesPage />, '/flow/volumes');
  queryClient.setQueryData(meKey, null);
}

const cells = (tr: Element) => [...tr.querySelectorAll('td')].map((td) => td.textContent);

async function pick(label: string, option: string) {
  fireEvent.mouseDown(screen.getByRole('combobox', { name: label }));
  const o = await waitFor(() => {
    const found = [...document.querySelectorAll('.ant-select-item-option')].find(
      (e) =>
        e.getAttribute('title') === option && e.closest('.ant-select-dropdown-hidden') === null,
    );
    if (!found) throw new Error('option not shown yet');
    return found;
  });
  fireEvent.click(o);
}

describe('business volume', () => {
  it('shows the last twelve months as a chart of month totals and a table', async () => {
    const queries: URLSearchParams[] = [];
    mockApi(routes(queries));
    render();
    const chart = await screen.findByTestId('bar-chart');
    expect(queries[0]?.get('from')).toBe('2025-12');
    expect(queries[0]?.get('to')).toBe('2026-11');
    expect(queries[0]?.get('template_id')).toBeNull();
    // Months in order, not by size.
    expect(
      within(chart)
        .getAllByTestId('bar')
        .map((b) => b.dataset.value),
    ).toEqual(['3', '7']);
    expect(within(chart).getByRole('img', { name: '2026-11: 7' })).toBeTruthy();
    const rows = [...document.querySelectorAll('.ant-table-tbody tr.ant-table-row')];
    expect(rows.map(cells)).toEqual([
      ['2026-10', '费用报销', '销售部', '3', '2', '1', '0', '0'],
      ['2026-11', '费用报销', '销售部', '5', '3', '0', '0', '2'],
      ['2026-11', '（未知流程）', '财务部', '2', '1', '0', '1', '0'],
    ]);
    expect(cells(screen.getByTestId('volume-total'))).toEqual(['合计', '10', '6', '1', '1', '2']);
    // The approved figure on request.
    fireEvent.click(screen.getByText('已通过', { selector: '.ant-segmented-item-label' }));
    await screen.findByRole('img', { name: '2026-11: 4' });
  });

  it('filters by template', async () => {
    const queries: URLSearchParams[] = [];
    mockApi(routes(queries));
    render();
    await screen.findByTestId('bar-chart');
    await pick('流程', '请假');
    await waitFor(() => expect(queries.at(-1)?.get('template_id')).toBe('t2'));
    expect(queries.at(-1)?.get('from')).toBe('2025-12');
  });

  it('links to the Excel export of the chosen template and status', async () => {
    mockApi(routes([]));
    render();
    const panel = await screen.findByTestId('export');
    expect(within(panel).getByRole('button', { name: /下载 Excel/ })).toBeTruthy();
    expect(within(panel).queryByRole('link')).toBeNull();
    await pick('选择流程', '费用报销');
    const link = await within(panel).findByRole('link', { name: /下载 Excel/ });
    expect(link.getAttribute('href')).toBe('/api/v1/flow/templates/t1/instances.xlsx');
    await pick('状态', '已通过');
    await waitFor(() =>
      expect(link.getAttribute('href')).toBe(
        '/api/v1/flow/templates/t1/instances.xlsx?status=approved',
      ),
    );
  });

  it("shows the server's message when it refuses the period", async () => {
    mockApi({
      ...routes([]),
      'GET /api/v1/flow/volumes': () =>
        json(400, {
          code: 'flow.bad_period',
          message: '月份须为 YYYY-MM，从早到晚，且不超过 36 个月',
          request_id: 'r1',
        }),
    });
    render();
    expect(await screen.findByText('月份须为 YYYY-MM，从早到晚，且不超过 36 个月')).toBeTruthy();
  });
});
