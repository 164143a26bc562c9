import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockApi, renderAt } from '../../test/render';
import { ActionDialog, type DialogKind } from './ActionDialog';
import { readGraph } from './graph';
import type { DecisionContext } from './opinion';
import { instance, ME, me } from './testData';

afterEach(() => vi.unstubAllGlobals());

const view = instance();
const graph = readGraph(view.graph);
const decision: DecisionContext = {
  node: graph.nodes[1] as DecisionContext['node'],
  isLast: false,
  isSuperior: false,
  bothStances: false,
};

function show(kind: DialogKind, openedVersion = view.lock_version) {
  const onDone = vi.fn();
  renderAt(
    <ActionDialog
      kind={kind}
      view={view}
      task={view.my_tasks[0]}
      graph={graph}
      me={ME}
      decision={decision}
      names={new Map()}
      openedVersion={openedVersion}
      onClose={() => {}}
      onDone={onDone}
    />,
  );
  return onDone;
}

const routes = {
  'GET /api/v1/me': () => json(200, me()),
  'GET /api/v1/users': () => json(200, { items: [], total: 0, page: 1, page_size: 20 }),
};

describe('action dialogs', () => {
  it('加签 needs at least one person', async () => {
    const calls = mockApi(routes);
    show('add_signers');
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('radio', { name: /后加签/ })).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: '加签' }));
    expect(await within(dialog).findByText('操作未被允许：请至少选择一位人员')).toBeTruthy();
    expect(calls.some((c) => c.key.startsWith('POST'))).toBe(false);
  });

  it('暂存待办 needs a reason and a promised date', async () => {
    const calls = mockApi(routes);
    show('keep_pending');
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: '暂存待办' }));
    expect(await within(dialog).findByText('操作未被允许：须填写意见或理由')).toBeTruthy();
    expect(within(dialog).getByText('请选择日期')).toBeTruthy();
    expect(calls.some((c) => c.key.startsWith('POST'))).toBe(false);
  });

  it('延期 sends the days and the reason', async () => {
    const calls = mockApi({
      ...routes,
      'POST /api/v1/flow/tasks/task1/actions': () => json(200, view),
    });
    const onDone = show('request_extension');
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('radio', { name: '2 个工作日' }));
    fireEvent.change(within(dialog).getByRole('textbox', { name: '原因' }), {
      target: { value: '需要补充成本核算' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: '延期' }));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(calls.find((c) => c.key === 'POST /api/v1/flow/tasks/task1/actions')?.body).toEqual({
      action: 'request_extension',
      days: 2,
      reason: '需要补充成本核算',
    });
  });

  it('shows the server’s refusal in the dialog and keeps it open', async () => {
    mockApi({
      ...routes,
      'POST /api/v1/flow/tasks/task1/actions': () =>
        json(422, {
          code: 'flow.refused',
          message: '操作未被允许：the task was already extended',
          request_id: 'r',
        }),
    });
    show('request_extension');
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByRole('textbox', { name: '原因' }), {
      target: { value: '再延一次' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: '延期' }));
    expect((await within(dialog).findByTestId('refused')).textContent).toContain(
      'the task was already extended',
    );
  });

  it('warns when the flow moved on after the dialog opened', async () => {
    mockApi(routes);
    show('agree', view.lock_version - 1);
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('changed-meanwhile')).toBeTruthy();
  });
});
