import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockApi, renderAt } from '../test/render';
import {
  FormRenderer,
  type FormRendererProps,
  type ShownError,
  useFormRenderer,
} from './FormRenderer';
import type { FormSpec } from './types';
import type { ValidationIssue } from './validate';

afterEach(() => {
  vi.unstubAllGlobals();
});

const leave: FormSpec = {
  columns: 2,
  fields: [
    { key: 'reason', label: '事由', kind: 'text', required: true, help: '写清楚原因' },
    { key: 'type', label: '类型', kind: 'radio', options: ['事假', '病假'] },
    { key: 'proof', label: '病假证明', kind: 'text', visible_when: "type == '病假'" },
    { key: 'amount', label: '金额', kind: 'money' },
    { key: 'double', label: '双倍', kind: 'computed', expr: 'amount * 2', format: 'money' },
    { key: 'no', label: '编号', kind: 'serial' },
  ],
};

/** The renderer with its value in state, and a submit button that validates. */
function Harness(
  props: Omit<FormRendererProps, 'value' | 'onChange'> & {
    initial?: Record<string, unknown>;
    onIssues?: (i: ValidationIssue[]) => void;
    errors?: ShownError[];
  },
) {
  const { initial, onIssues, ...rest } = props;
  const [value, setValue] = useState<Record<string, unknown>>(initial ?? {});
  const { ref, validate } = useFormRenderer();
  return (
    <>
      <FormRenderer ref={ref} {...rest} value={value} onChange={setValue} />
      <button type="button" onClick={() => onIssues?.(validate())}>
        submit
      </button>
      <pre data-testid="value">{JSON.stringify(value)}</pre>
    </>
  );
}

const current = () => JSON.parse(screen.getByTestId('value').textContent ?? '{}');

describe('FormRenderer', () => {
  it('shows fields live: visibility rules, computed money and the uppercase amount', async () => {
    mockApi({});
    renderAt(<Harness form={leave} mode="edit" />);
    expect(await screen.findByLabelText('事由')).toBeTruthy();
    expect(screen.queryByText('病假证明')).toBeNull();
    expect(screen.getByText('写清楚原因')).toBeTruthy();
    expect(screen.getByText('提交后自动生成')).toBeTruthy();

    fireEvent.click(screen.getByLabelText('病假'));
    expect(await screen.findByText('病假证明')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('金额'), { target: { value: '1234.56' } });
    await waitFor(() => expect(current().amount).toBe(1234.56));
    expect(screen.getAllByTestId('money-upper').map((e) => e.textContent)).toEqual([
      '壹仟贰佰叁拾肆元伍角陆分',
      '贰仟肆佰陆拾玖元壹角贰分',
    ]);
    expect(screen.getByTestId('computed-double').textContent).toContain('¥2,469.12');

    fireEvent.click(screen.getByLabelText('事假'));
    await waitFor(() => expect(screen.queryByText('病假证明')).toBeNull());
  });

  it('validates before submitting with the server’s messages, then follows the input', async () => {
    mockApi({});
    const onIssues = vi.fn();
    renderAt(<Harness form={leave} mode="edit" onIssues={onIssues} initial={{ amount: 1.005 }} />);
    fireEvent.click(await screen.findByText('submit'));
    expect(onIssues).toHaveBeenCalledTimes(1);
    const issues = onIssues.mock.calls[0]?.[0] as ValidationIssue[];
    expect(issues.map((i) => [i.field, i.code])).toEqual([
      ['form.reason', 'form.required'],
      ['form.amount', 'form.precision'],
    ]);
    expect(await screen.findByText('请填写「事由」')).toBeTruthy();
    expect(screen.getByText('「金额」最多 2 位小数')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('事由'), { target: { value: '看病' } });
    await waitFor(() => expect(screen.queryByText('请填写「事由」')).toBeNull());
    expect(screen.getByText('「金额」最多 2 位小数')).toBeTruthy();
  });

  it('at an approval node: edit, read and hidden per field', async () => {
    mockApi({});
    renderAt(
      <Harness
        form={leave}
        mode="approve"
        serial="QJ-2026-0001"
        permissions={{ reason: 'read', amount: 'edit', type: 'hidden' }}
        initial={{ reason: '家里有事', type: '事假', amount: 100 }}
      />,
    );
    expect(await screen.findByText('家里有事')).toBeTruthy();
    expect(screen.queryByLabelText('事由')).toBeNull();
    expect(screen.queryByText('类型')).toBeNull();
    expect(screen.getByLabelText('金额')).toBeTruthy();
    expect(screen.getByTestId('serial').textContent).toContain('QJ-2026-0001');
  });

  it('shows the server’s errors on their fields until they change', async () => {
    mockApi({});
    const errors: ShownError[] = [
      { field: 'form.reason', code: 'form.unique', message: '「事由」为「出差」的申请已存在' },
    ];
    renderAt(<Harness form={leave} mode="edit" errors={errors} initial={{ reason: '出差' }} />);
    expect(await screen.findByText('「事由」为「出差」的申请已存在')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('事由'), { target: { value: '出差2' } });
    await waitFor(() => expect(screen.queryByText('「事由」为「出差」的申请已存在')).toBeNull());
  });

  it('detail tables: rows, computed columns, totals; cards on the phone', async () => {
    mockApi({});
    const form: FormSpec = {
      fields: [
        {
          key: 'items',
          label: '明细',
          kind: 'table',
          totals: ['amount', 'sub'],
          fields: [
            { key: 'amount', label: '单价', kind: 'money', required: true },
            { key: 'qty', label: '数量', kind: 'number', default: 1 },
            { key: 'sub', label: '小计', kind: 'computed', expr: 'amount * qty', format: 'money' },
          ],
        },
      ],
    };
    const onIssues = vi.fn();
    const { unmount } = renderAt(<Harness form={form} mode="edit" onIssues={onIssues} />);
    fireEvent.click(await screen.findByText('添加一行'));
    fireEvent.click(screen.getByText('添加一行'));
    await waitFor(() => expect(current().items).toEqual([{ qty: 1 }, { qty: 1 }]));
    fireEvent.change(document.getElementById('form-items-0-amount') as HTMLElement, {
      target: { value: '10.5' },
    });
    fireEvent.change(document.getElementById('form-items-1-qty') as HTMLElement, {
      target: { value: '3' },
    });
    await waitFor(() =>
      expect(screen.getByTestId('total-items-amount').textContent).toContain('¥10.50'),
    );
    expect(screen.getByTestId('total-items-sub').textContent).toContain('¥10.50');
    fireEvent.click(screen.getByText('submit'));
    expect(await screen.findByText('请填写「明细 第2行 单价」')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('删除第 2 行'));
    await waitFor(() => expect(current().items).toEqual([{ qty: 1, amount: 10.5 }]));
    unmount();

    renderAt(
      <Harness
        form={form}
        mode="edit"
        layout="phone"
        initial={{ items: [{ amount: 2, qty: 2 }] }}
      />,
    );
    expect(await screen.findByText('第 1 行')).toBeTruthy();
    expect(screen.getByTestId('form-renderer').getAttribute('data-layout')).toBe('phone');
    expect(screen.getByTestId('totals-items').textContent).toContain('小计: ¥4.00');
  });

  it('prints read-only, with the serial number', async () => {
    mockApi({});
    renderAt(
      <FormRenderer
        form={leave}
        mode="print"
        title="请假申请"
        serial="QJ-7"
        value={{ reason: '看病', type: '病假', proof: '有', amount: 10 }}
      />,
    );
    const print = await screen.findByTestId('form-print');
    expect(within(print).getByText('请假申请')).toBeTruthy();
    expect(within(print).getByText('看病')).toBeTruthy();
    expect(within(print).getByText('有')).toBeTruthy();
    expect(within(print).getByText('QJ-7')).toBeTruthy();
    expect(within(print).getByText('¥20.00')).toBeTruthy();
    expect(print.querySelector('input')).toBe(null);
  });

  it('uploads attachments to /api/v1/files and checks the limits first', async () => {
    const posted: FormData[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input instanceof Request ? input.url : input);
        if (url.endsWith('/api/v1/files') && init?.method === 'POST') {
          posted.push(init.body as FormData);
          return json(201, { id: 'f1', name: 'a.pdf', size: 3, content_type: 'application/pdf' });
        }
        return json(404, { code: 'not_found', message: 'not found' });
      }),
    );
    const form: FormSpec = {
      fields: [
        { key: 'files', label: '附件', kind: 'attachments', accept: ['.pdf'], max_files: 2 },
      ],
    };
    renderAt(<Harness form={form} mode="edit" />);
    const input = (await screen.findByTestId('file-input-files')) as HTMLInputElement;
    await act(async () => {
      fireEvent.change(input, {
        target: { files: [new File(['png'], 'b.png', { type: 'image/png' })] },
      });
    });
    expect(await screen.findByText('「附件」不接受「b.png」这类文件')).toBeTruthy();
    expect(posted).toHaveLength(0);
    await act(async () => {
      fireEvent.change(input, {
        target: { files: [new File(['pdf'], 'a.pdf', { type: 'application/pdf' })] },
      });
    });
    const link = await screen.findByRole('link', { name: 'a.pdf' });
    expect(link.getAttribute('href')).toBe('/api/v1/files/f1');
    expect((posted[0]?.get('file') as File | null)?.name).toBe('a.pdf');
    expect(current().files).toEqual([
      { id: 'f1', name: 'a.pdf', size: 3, content_type: 'application/pdf' },
    ]);
  });

  it('picks people through the user list', async () => {
    mockApi({
      'GET /api/v1/users': () =>
        json(200, {
          items: [{ id: 'u1', display_name: '张三', username: 'zhangsan' }],
          total: 1,
          page: 1,
          page_size: 20,
        }),
    });
    const form: FormSpec = { fields: [{ key: 'who', label: '经办人', kind: 'user' }] };
    renderAt(<Harness form={form} mode="edit" />);
    const select = await screen.findByLabelText('经办人');
    fireEvent.mouseDown(select);
    fireEvent.click(await screen.findByText('张三 (zhangsan)'));
    await waitFor(() => expect(current().who).toEqual({ id: 'u1', name: '张三' }));
  });
});
