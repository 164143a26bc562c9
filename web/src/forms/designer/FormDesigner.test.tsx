import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { json, mockApi, renderAt } from '../../test/render';
import type { FormSpec } from '../types';
import { FormDesigner } from './FormDesigner';

beforeEach(() => {
  mockApi({ 'GET /api/v1/flow/templates': () => json(200, []) });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function Harness({ initial }: { initial: FormSpec }) {
  const [form, setForm] = useState(initial);
  return (
    <>
      <FormDesigner form={form} onChange={setForm} />
      <pre data-testid="form">{JSON.stringify(form)}</pre>
    </>
  );
}

const current = (): FormSpec => JSON.parse(screen.getByTestId('form').textContent ?? '{}');
const keys = () => current().fields.map((f) => f.key);

const dataTransfer = () => {
  const store = new Map<string, string>();
  return {
    setData: (k: string, v: string) => store.set(k, v),
    getData: (k: string) => store.get(k) ?? '',
    effectAllowed: 'all',
    dropEffect: 'move',
    types: [] as string[],
  };
};

describe('FormDesigner', () => {
  it('adds fields from the palette and sets them up in the side panel', async () => {
    renderAt(<Harness initial={{ fields: [] }} />);
    fireEvent.click(await screen.findByTestId('palette-text'));
    await waitFor(() => expect(keys()).toEqual(['text_1']));
    const settings = await screen.findByTestId('field-settings');
    fireEvent.change(within(settings).getByLabelText('字段名称'), { target: { value: '事由' } });
    fireEvent.click(within(settings).getByText('必填'));
    await waitFor(() =>
      expect(current().fields[0]).toEqual({
        key: 'text_1',
        label: '事由',
        kind: 'text',
        required: true,
      }),
    );
    expect(within(screen.getByTestId('canvas')).getByText('事由')).toBeTruthy();

    fireEvent.change(within(settings).getByLabelText('字段标识'), { target: { value: 'reason' } });
    await waitFor(() => expect(keys()).toEqual(['reason']));
  });

  it('drags kinds onto the canvas and fields into a new order; buttons do the same', async () => {
    renderAt(
      <Harness
        initial={{
          fields: [
            { key: 'a', label: 'A', kind: 'text' },
            { key: 'b', label: 'B', kind: 'number' },
          ],
        }}
      />,
    );
    // A kind dropped on the first card lands after it (the pointer is in its lower half).
    const dt = dataTransfer();
    fireEvent.dragStart(await screen.findByTestId('palette-money'), { dataTransfer: dt });
    fireEvent.dragOver(screen.getByTestId('canvas-field-0'), { dataTransfer: dt, clientY: 10 });
    fireEvent.drop(screen.getByTestId('canvas-field-0'), { dataTransfer: dt, clientY: 10 });
    await waitFor(() => expect(keys()).toEqual(['a', 'money_1', 'b']));

    // The first field dragged onto the last one moves to the end.
    const move = dataTransfer();
    fireEvent.dragStart(screen.getByTestId('canvas-field-0'), { dataTransfer: move });
    fireEvent.dragOver(screen.getByTestId('canvas-field-2'), { dataTransfer: move, clientY: 10 });
    fireEvent.drop(screen.getByTestId('canvas-field-2'), { dataTransfer: move, clientY: 10 });
    await waitFor(() => expect(keys()).toEqual(['money_1', 'b', 'a']));

    fireEvent.click(screen.getByLabelText('上移“A”'));
    await waitFor(() => expect(keys()).toEqual(['money_1', 'a', 'b']));
    fireEvent.click(screen.getByLabelText('下移“金额”'));
    await waitFor(() => expect(keys()).toEqual(['a', 'money_1', 'b']));
    fireEvent.click(screen.getByLabelText('复制“B”'));
    await waitFor(() => expect(keys()).toEqual(['a', 'money_1', 'b', 'number_1']));
    fireEvent.click(screen.getByLabelText('删除“A”'));
    await waitFor(() => expect(keys()).toEqual(['money_1', 'b', 'number_1']));
  });

  it('undoes and redoes with the buttons and Ctrl+Z / Ctrl+Shift+Z', async () => {
    renderAt(<Harness initial={{ fields: [] }} />);
    fireEvent.click(await screen.findByTestId('palette-text'));
    fireEvent.click(screen.getByTestId('palette-date'));
    await waitFor(() => expect(keys()).toEqual(['text_1', 'date_1']));
    fireEvent.click(screen.getByText('撤销'));
    await waitFor(() => expect(keys()).toEqual(['text_1']));
    fireEvent.keyDown(screen.getByTestId('form-designer'), { key: 'z', ctrlKey: true });
    await waitFor(() => expect(keys()).toEqual([]));
    fireEvent.keyDown(screen.getByTestId('form-designer'), {
      key: 'Z',
      ctrlKey: true,
      shiftKey: true,
    });
    await waitFor(() => expect(keys()).toEqual(['text_1']));
    fireEvent.click(screen.getByText('重做'));
    await waitFor(() => expect(keys()).toEqual(['text_1', 'date_1']));
  });

  it('shows the schema checks as you go: duplicate keys, missing options, bad formulas', async () => {
    renderAt(
      <Harness
        initial={{
          fields: [
            { key: 'amount', label: '金额', kind: 'money' },
            { key: 'amount', label: '再来', kind: 'select', options: [] },
          ],
        }}
      />,
    );
    const problems = await screen.findByTestId('schema-problems');
    expect(within(problems).getByText('字段标识「amount」重复')).toBeTruthy();
    expect(within(problems).getByText('「再来」需要选项，且选项不能为空')).toBeTruthy();

    fireEvent.click(screen.getByTestId('palette-computed'));
    const settings = await screen.findByTestId('field-settings');
    fireEvent.change(within(settings).getByLabelText('公式'), { target: { value: 'amount *' } });
    expect(
      (await within(settings).findAllByText('「计算公式」的公式有误：at 8: expected a value'))
        .length,
    ).toBeGreaterThan(0);
    fireEvent.change(within(settings).getByLabelText('公式'), { target: { value: 'amount * 2' } });
    await waitFor(() => expect(within(settings).queryByText(/的公式有误/)).toBeNull());
    expect(current().fields[2]).toMatchObject({ kind: 'computed', expr: 'amount * 2' });
  });

  it('builds a visibility rule from field, comparison and value', async () => {
    renderAt(
      <Harness
        initial={{
          fields: [
            { key: 'type', label: '类型', kind: 'radio', options: ['事假', '病假'] },
            { key: 'proof', label: '证明', kind: 'attachments' },
          ],
        }}
      />,
    );
    fireEvent.click(await screen.findByTestId('canvas-field-1'));
    const builder = await screen.findByTestId('rule-builder');
    fireEvent.click(within(builder).getByText('添加条件'));
    await waitFor(() => expect(current().fields[1]?.visible_when).toBe("type == ''"));
    const value = within(builder).getByLabelText('值');
    fireEvent.mouseDown(value);
    fireEvent.click(await screen.findByTitle('病假'));
    await waitFor(() => expect(current().fields[1]?.visible_when).toBe("type == '病假'"));
  });

  it('edits table columns and totals', async () => {
    renderAt(<Harness initial={{ fields: [] }} />);
    fireEvent.click(await screen.findByTestId('palette-table'));
    await waitFor(() => expect(current().fields[0]?.fields?.map((c) => c.kind)).toEqual(['text']));
    const settings = await screen.findByTestId('field-settings');
    const add = within(settings).getByLabelText('添加列…');
    fireEvent.mouseDown(add);
    fireEvent.click(await screen.findByTitle('金额'));
    await waitFor(() =>
      expect(current().fields[0]?.fields?.map((c) => c.kind)).toEqual(['text', 'money']),
    );
    // The new column is selected for its own settings.
    expect(await screen.findByText('明细表“明细表”的列')).toBeTruthy();
    fireEvent.click(screen.getByTestId('canvas-field-0'));
    const totals = within(await screen.findByTestId('field-settings')).getByLabelText('合计列');
    fireEvent.mouseDown(totals);
    fireEvent.click(await screen.findByTitle('金额'));
    await waitFor(() => expect(current().fields[0]?.totals).toEqual(['money_1']));
  });

  it('previews the form in a phone frame', async () => {
    renderAt(
      <Harness
        initial={{
          columns: 2,
          fields: [{ key: 'a', label: '事由', kind: 'text', required: true }],
        }}
      />,
    );
    fireEvent.click(await screen.findByText('手机预览'));
    const frame = await screen.findByTestId('phone-frame');
    expect(within(frame).getByTestId('form-renderer').getAttribute('data-layout')).toBe('phone');
    fireEvent.click(screen.getByText('试着提交'));
    expect(await within(frame).findByText('请填写「事由」')).toBeTruthy();
    expect(screen.getByTestId('preview-result').textContent).toBe('有 1 处需要修改');
  });
});
