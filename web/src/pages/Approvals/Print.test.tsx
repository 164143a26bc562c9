import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockApi, renderAt } from '../../test/render';
import { valueText } from './FormView';
import PrintPage, { PRINT_CSS } from './Print';
import { history, instance, me } from './testData';

afterEach(() => vi.unstubAllGlobals());

const finished = instance({
  status: 'approved',
  finished_at: '2026-11-28T06:00:00Z',
  my_tasks: [],
  tasks: [],
  history: [
    history({ seq: 1, opinion: null }),
    history({
      seq: 2,
      action: 'decided',
      stance: 'agree',
      opinion: '同意，按标准报销',
      actor_id: 'u-sec',
      actor_name: '秘书小王',
      acting_for_id: 'u-boss',
      from_node: 'head',
      at: '2026-11-28T03:00:00Z',
    }),
    history({ seq: 3, action: 'timer_fired', actor_id: null, actor_name: null }),
  ],
});

describe('the print view', () => {
  it('lays out the form, serial number and every opinion with its time for A4', async () => {
    const print = vi.fn();
    vi.stubGlobal('print', print);
    mockApi({
      'GET /api/v1/me': () => json(200, me()),
      'GET /api/v1/flow/instances/i1': () => json(200, finished),
      'GET /api/v1/users/u-boss': () => json(200, { id: 'u-boss', display_name: '赵总' }),
    });
    renderAt(<PrintPage />, '/approvals/instances/i1/print', '/approvals/instances/:id/print');
    const sheet = await screen.findByTestId('print-sheet');
    expect(within(sheet).getByRole('heading', { level: 1 }).textContent).toBe(
      '周敏的费用报销-1200',
    );
    expect(sheet.textContent).toContain('流水号：BX-2026-001');
    // the form renderer's print layout
    expect(within(sheet).getByTestId('form-print').textContent).toContain('客户拜访差旅');
    const rows = within(screen.getByTestId('print-history')).getAllByRole('row');
    // header, started, decided (the timer is bookkeeping)
    expect(rows).toHaveLength(3);
    expect(rows[2]?.textContent).toContain('部门负责人');
    expect(rows[2]?.textContent).toContain('秘书小王');
    expect(await within(rows[2] as HTMLElement).findByText('代赵总办理')).toBeTruthy();
    expect(rows[2]?.textContent).toContain('同意，按标准报销');
    expect(rows[2]?.textContent).toContain('2026/11/28 11:00:00');
    expect(PRINT_CSS).toContain('@page { size: A4;');
    expect(PRINT_CSS).toMatch(/@media print \{\s*\.xt-no-print \{ display: none !important; \}/);
    fireEvent.click(screen.getByRole('button', { name: /打印/ }));
    expect(print).toHaveBeenCalled();
  });

  it('sends someone signed out to sign in first', async () => {
    mockApi({ 'GET /api/v1/me': () => json(401, { code: 'auth.required', message: 'x' }) });
    renderAt(<PrintPage />, '/approvals/instances/i1/print', '/approvals/instances/:id/print');
    expect(await screen.findByTestId('elsewhere')).toBeTruthy();
  });
});

describe('valueText', () => {
  it('reads pickers, lists and flags', () => {
    expect(valueText({ id: 'u1', name: '周敏' })).toBe('周敏');
    expect(valueText(['差旅', '招待'])).toBe('差旅、招待');
    expect(valueText(null)).toBe('');
    expect(valueText(true)).toBe('✓');
  });
});
