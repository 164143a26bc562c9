import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { json, mockApi, renderAt } from '../../test/render';
import ApprovalsPage from '.';
import { item, me, page } from './testData';

beforeEach(() => {
  // Only the clock: 29 Nov 2026, noon in Shanghai.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-29T04:00:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const template = (id: string, name: string, bulk: boolean) => ({
  id,
  name,
  category: '',
  description: '',
  icon: '',
  status: 'active',
  latest_version: 1,
  updated_at: '2026-11-01T00:00:00Z',
  definition: {},
  form: { fields: [{ key: 'amount', label: '金额', kind: 'money' }] },
  settings: { allow_bulk_approve: bulk, admins: [], summary_fields: ['amount'] },
});

const todos = [
  // items carry their bulk flag and summary labels (no template reads needed)
  item({
    due_at: '2026-11-28T04:00:00Z',
    allow_bulk_approve: true,
    summary_labels: { amount: '金额' },
  }),
  item({
    instance_id: 'i2',
    task_id: 'task2',
    title: '王五的合同审批',
    serial_no: 'HT-2026-007',
    template_id: 'tp2',
    template_name: '合同审批',
    principal_id: 'u-boss',
    principal_name: '赵总',
    summary: {} as Record<string, never>,
  }),
];

const common = {
  'GET /api/v1/me': () => json(200, me()),
  'GET /api/v1/flow/counts': () => json(200, { todo: 2, done: 9, started: 3, cc: 4, to_read: 1 }),
  // the templates only feed the filter: their settings no longer decide bulk or labels
  'GET /api/v1/flow/templates': () =>
    json(200, [template('tp1', '费用报销', false), template('tp2', '合同审批', true)]),
};

function rowOf(text: string): HTMLElement {
  const row = screen.getByText(text).closest('tr');
  if (!row) throw new Error(`no row with ${text}`);
  return row;
}

describe('the todo centre', () => {
  it('lists todos with serial, summary, initiator, waiting time and overdue badge', async () => {
    mockApi({ ...common, 'GET /api/v1/flow/todo': () => json(200, page(todos)) });
    renderAt(<ApprovalsPage />, '/approvals/todo', '/approvals/:tab');
    await screen.findByText('周敏的费用报销-1200');
    const first = rowOf('周敏的费用报销-1200');
    expect(within(first).getByTestId('serial').textContent).toBe('BX-2026-001');
    expect(await within(first).findByText('金额：1200')).toBeTruthy();
    expect(within(first).getAllByText('周敏').length).toBeGreaterThan(0);
    expect(within(first).getByText('部门负责人')).toBeTruthy();
    expect(within(first).getByTestId('waiting').textContent).toBe('已等待 1 天 3 小时');
    expect(within(first).getByTestId('due-tag').textContent).toBe('已超期 1 天 0 小时');
    const second = rowOf('王五的合同审批');
    expect(within(second).getByText('代赵总办理')).toBeTruthy();
    // the tab badges come from the counts
    expect(await within(screen.getByTestId('tab-todo')).findByText('2')).toBeTruthy();
    expect(within(screen.getByTestId('tab-done')).getByText('9')).toBeTruthy();
  });

  it('approves several todos at once where the template allows it, and reports failures', async () => {
    const calls = mockApi({
      ...common,
      'GET /api/v1/flow/todo': () => json(200, page(todos)),
      'POST /api/v1/flow/tasks/bulk-approve': () =>
        json(200, [
          {
            task_id: 'task1',
            ok: false,
            code: 'flow.conflict',
            message: '该流程刚被其他人处理过，请刷新后重试',
          },
        ]),
    });
    renderAt(<ApprovalsPage />, '/approvals/todo', '/approvals/:tab');
    await screen.findByText('周敏的费用报销-1200');
    const box = await waitFor(() => {
      const b = within(rowOf('周敏的费用报销-1200')).getByRole('checkbox');
      if ((b as HTMLInputElement).disabled) throw new Error('not rendered yet');
      return b;
    });
    // 合同审批 does not allow bulk approval
    expect(
      (within(rowOf('王五的合同审批')).getByRole('checkbox') as HTMLInputElement).disabled,
    ).toBe(true);
    fireEvent.click(box);
    fireEvent.click(screen.getByRole('button', { name: /批量同意（1）/ }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByRole('textbox'), { target: { value: '同意' } });
    fireEvent.click(within(dialog).getByRole('button', { name: '同意' }));
    await waitFor(() =>
      expect(calls.find((c) => c.key === 'POST /api/v1/flow/tasks/bulk-approve')?.body).toEqual({
        task_ids: ['task1'],
        opinion: '同意',
      }),
    );
    const failures = await screen.findByTestId('bulk-failures');
    expect(failures.textContent).toContain('周敏的费用报销-1200：该流程刚被其他人处理过');
  });

  it('filters by keyword on the server and keeps the filter in the URL', async () => {
    const queries: URLSearchParams[] = [];
    mockApi({
      ...common,
      'GET /api/v1/flow/done': (req) => {
        queries.push(new URL(req.url).searchParams);
        return json(200, page([item({ status: 'approved', at: '2026-11-28T06:00:00Z' })]));
      },
    });
    renderAt(<ApprovalsPage />, '/approvals/done', '/approvals/:tab');
    await screen.findByText('周敏的费用报销-1200');
    expect(within(rowOf('周敏的费用报销-1200')).getByTestId('status-tag').textContent).toBe(
      '已通过',
    );
    const search = screen.getByRole('searchbox', { name: '搜索标题或流水号' });
    fireEvent.change(search, { target: { value: 'BX-2026' } });
    fireEvent.keyDown(search, { key: 'Enter', code: 'Enter', keyCode: 13 });
    await waitFor(() => expect(queries.at(-1)?.get('q')).toBe('BX-2026'));
    expect(queries[0]?.get('q')).toBeNull();
  });

  it('shows cards on a phone; a card opens its approval', async () => {
    vi.stubGlobal('matchMedia', (query: string) => ({
      matches: query.includes('max-width'),
      media: query,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      onchange: null,
      dispatchEvent: () => false,
    }));
    mockApi({
      ...common,
      'GET /api/v1/flow/cc': () =>
        json(200, page([item({ task_id: null, cc_no: 1, read: false })])),
    });
    renderAt(<ApprovalsPage />, '/approvals/cc', '/approvals/:tab');
    const card = await screen.findByTestId('approval-card');
    expect(within(card).getByText('未读')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
    fireEvent.click(card);
    expect(await screen.findByTestId('elsewhere')).toBeTruthy();
  });

  it('sends an unknown tab to 待办', async () => {
    mockApi({ ...common, 'GET /api/v1/flow/todo': () => json(200, page([])) });
    renderAt(<ApprovalsPage />, '/approvals/nope', '/approvals/:tab');
    expect(await screen.findByText('暂无待办，干得漂亮！')).toBeTruthy();
    expect(screen.getByRole('tab', { selected: true }).textContent).toContain('待办');
  });
});
