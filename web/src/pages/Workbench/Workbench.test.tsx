import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockApi, renderAt } from '../../test/render';
import WorkbenchPage from '.';

afterEach(() => vi.unstubAllGlobals());

describe('workbench', () => {
  it('shows the counts of the approval lists and the first todos', async () => {
    mockApi({
      'GET /api/v1/flow/counts': () =>
        json(200, { todo: 3, done: 7, started: 2, cc: 1, to_read: 1 }),
      'GET /api/v1/flow/todo': () =>
        json(200, {
          items: [
            {
              instance_id: 'i1',
              task_id: 't1',
              title: '周敏的费用报销-1200',
              serial_no: 'BX-2026-001',
              template_id: 'tp',
              initiator_id: 'u1',
              initiator_name: '周敏',
              status: 'running',
              node_key: 'head',
              node_name: '部门负责人',
              at: '2026-11-29T01:00:00Z',
              created_at: '2026-11-29T01:00:00Z',
              summary: {},
            },
          ],
          total: 3,
          page: 1,
          page_size: 5,
        }),
    });
    renderAt(<WorkbenchPage />, '/workbench');
    expect(await within(screen.getByTestId('counter-todo')).findByText('3')).toBeTruthy();
    expect(within(screen.getByTestId('counter-done')).getByText('7')).toBeTruthy();
    expect(within(screen.getByTestId('counter-cc')).getByText('1')).toBeTruthy();
    const item = await screen.findByTestId('todo-item');
    expect(within(item).getByText('周敏的费用报销-1200')).toBeTruthy();
    expect(within(item).getByText('BX-2026-001')).toBeTruthy();
    // the counters and todos lead to the approval centre
    expect(screen.getByTestId('counter-todo').closest('a')?.getAttribute('href')).toBe(
      '/approvals/todo',
    );
    expect(screen.getByTestId('counter-cc').closest('a')?.getAttribute('href')).toBe(
      '/approvals/cc',
    );
    expect(within(item).getByText('周敏的费用报销-1200').closest('a')?.getAttribute('href')).toBe(
      '/approvals/instances/i1',
    );
  });

  it('shows zero and the empty todo list when there is nothing', async () => {
    mockApi({
      'GET /api/v1/flow/counts': () =>
        json(200, { todo: 0, done: 0, started: 0, cc: 0, to_read: 0 }),
      'GET /api/v1/flow/todo': () => json(200, { items: [], total: 0, page: 1, page_size: 5 }),
    });
    renderAt(<WorkbenchPage />, '/workbench');
    expect(await screen.findByText('暂无待办，干得漂亮！')).toBeTruthy();
    expect(await within(screen.getByTestId('counter-started')).findByText('0')).toBeTruthy();
  });
});
