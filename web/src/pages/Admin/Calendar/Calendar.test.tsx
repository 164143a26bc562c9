import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { meKey } from '../../../auth/session';
import { json, mockApi, renderAt } from '../../../test/render';
import CalendarPage from '.';

beforeEach(() => {
  // Only the clock: antd and waitFor keep their real timers. 29 Nov 2026 in Shanghai.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-29T04:00:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const hours = [
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '18:00' },
];

function year(y: number, over: Record<string, unknown> = {}) {
  return {
    year: y,
    time_zone: 'Asia/Shanghai',
    working_hours: hours,
    rest_days: ['sat', 'sun'],
    bundled: y === 2026,
    days:
      y === 2026
        ? [
            { date: '2026-10-01', kind: 'holiday', name: '国庆节', source: 'china' },
            { date: '2026-10-10', kind: 'workday', name: '国庆节补班', source: 'china' },
            { date: '2026-12-31', kind: 'holiday', name: '公司年会', source: 'tenant' },
          ]
        : [],
    ...over,
  };
}

const getYear = (years: number[]) => (req: Request) => {
  const y = Number(new URL(req.url).searchParams.get('year'));
  years.push(y);
  return json(200, year(y));
};

function rowOf(text: string): HTMLElement {
  const row = screen.getByText(text).closest('tr');
  if (!row) throw new Error(`no row with ${text}`);
  return row;
}

// Role queries over the year's 365 day buttons are slow in jsdom: find the header buttons by text.
const importButton = () => screen.getAllByText('导入')[0]?.closest('button') as HTMLElement;
const exportLink = () => screen.getByText('导出 CSV').closest('a') as HTMLElement;

function render() {
  const { queryClient } = renderAt(<CalendarPage />, '/admin/calendar');
  queryClient.setQueryData(meKey, null);
}

describe('working calendar', () => {
  it('shows this year: holidays, make-up days and weekends marked, the days listed', async () => {
    const years: number[] = [];
    mockApi({ 'GET /api/v1/calendar': getYear(years) });
    render();
    const grid = await screen.findByTestId('calendar');
    expect(grid.dataset.year).toBe('2026');
    expect(years).toEqual([2026]);
    expect(screen.getAllByTestId(/^month-/)).toHaveLength(12);
    const oct1 = screen.getByTestId('day-2026-10-01');
    expect(oct1.dataset.kind).toBe('holiday');
    expect(oct1.textContent).toBe('1休');
    expect(oct1.getAttribute('aria-label')).toContain('国庆节');
    expect(screen.getByTestId('day-2026-10-10').dataset.kind).toBe('makeup');
    expect(screen.getByTestId('day-2026-10-10').textContent).toBe('10班');
    expect(screen.getByTestId('day-2026-10-11').dataset.kind).toBe('weekend');
    expect(screen.getByTestId('day-2026-10-12').dataset.kind).toBe('normal');
    expect(screen.getByTestId('day-2026-12-31').dataset.source).toBe('tenant');
    // 261 weekdays, less two weekday holidays, plus one make-up Saturday.
    expect(screen.getByTestId('calendar-summary').textContent).toBe(
      '2026 年共 260 个工作日、105 个休息日',
    );
    expect(within(rowOf('国庆节')).getByText('周四')).toBeTruthy();
    expect(within(rowOf('国庆节')).getByText('放假')).toBeTruthy();
    expect(within(rowOf('国庆节')).getByText('内置')).toBeTruthy();
    expect(within(rowOf('国庆节补班')).getByText('上班')).toBeTruthy();
    expect(within(rowOf('公司年会')).getByText('本租户')).toBeTruthy();
    // Only the tenant's own days can be restored.
    expect(within(rowOf('国庆节')).queryByRole('button', { name: '恢复默认' })).toBeNull();
    expect(within(rowOf('公司年会')).getByRole('button', { name: '恢复默认' })).toBeTruthy();
    expect(screen.queryByTestId('calendar-not-bundled')).toBeNull();
    expect(exportLink().getAttribute('href')).toBe('/api/v1/calendar/export?year=2026');
  });

  it('asks for an import when the holidays of a year are not built in', async () => {
    const years: number[] = [];
    mockApi({ 'GET /api/v1/calendar': getYear(years) });
    render();
    await screen.findByTestId('calendar');
    fireEvent.click(screen.getByLabelText('下一年'));
    expect((await screen.findByTestId('calendar-not-bundled')).textContent).toContain(
      '2027 年的法定节假日尚未内置，请导入国务院办公厅发布的安排',
    );
    expect(screen.getByTestId('calendar').dataset.year).toBe('2027');
    expect(years).toContain(2027);
    expect(screen.getByText('这一年没有特殊日期')).toBeTruthy();
    expect(exportLink().getAttribute('href')).toBe('/api/v1/calendar/export?year=2027');
  });

  it('makes a clicked day a holiday with a name, then reloads', async () => {
    const years: number[] = [];
    const calls = mockApi({
      'GET /api/v1/calendar': getYear(years),
      'PUT /api/v1/calendar/days/2026-10-12': () =>
        json(200, { date: '2026-10-12', kind: 'holiday', name: '团建', source: 'tenant' }),
    });
    render();
    fireEvent.click(await screen.findByTestId('day-2026-10-12'));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('2026-10-12（周一）')).toBeTruthy();
    expect(within(dialog).getByTestId('calendar-day-now').textContent).toBe('当前：工作日');
    // An ordinary working day: the dialog proposes a day off; no restore for a day not set here.
    expect(within(dialog).getByRole('radio', { name: '放假' })).toHaveProperty('checked', true);
    expect(within(dialog).queryByRole('button', { name: '恢复默认' })).toBeNull();
    fireEvent.change(within(dialog).getByLabelText('名称'), { target: { value: ' 团建 ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: '保存' }));
    await screen.findByText('2026-10-12 已保存');
    expect(calls.find((c) => c.key === 'PUT /api/v1/calendar/days/2026-10-12')?.body).toEqual({
      kind: 'holiday',
      name: '团建',
    });
    await waitFor(() => expect(years.length).toBeGreaterThan(1));
  });

  it('restores a tenant day from its dialog and from the list', async () => {
    const calls = mockApi({
      'GET /api/v1/calendar': getYear([]),
      'DELETE /api/v1/calendar/days/2026-12-31': () => new Response(null, { status: 204 }),
    });
    render();
    fireEvent.click(await screen.findByTestId('day-2026-12-31'));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('名称')).toHaveProperty('value', '公司年会');
    expect(within(dialog).getByTestId('calendar-day-now').textContent).toBe(
      '当前：放假 · 公司年会 · 本租户',
    );
    fireEvent.click(within(dialog).getByRole('button', { name: '恢复默认' }));
    await screen.findByText('已恢复默认');
    expect(calls.filter((c) => c.key === 'DELETE /api/v1/calendar/days/2026-12-31')).toHaveLength(
      1,
    );

    fireEvent.click(within(rowOf('公司年会')).getByRole('button', { name: '恢复默认' }));
    const confirm = await screen.findByRole('tooltip');
    fireEvent.click(within(confirm).getByRole('button', { name: '恢复默认' }));
    await waitFor(() =>
      expect(calls.filter((c) => c.key === 'DELETE /api/v1/calendar/days/2026-12-31')).toHaveLength(
        2,
      ),
    );
  });

  it('imports pasted text, listing the rejected lines of a refused import', async () => {
    let attempt = 0;
    const calls = mockApi({
      'GET /api/v1/calendar': getYear([]),
      'POST /api/v1/calendar/import': () =>
        ++attempt === 1
          ? json(422, {
              code: 'calendar.import_invalid',
              message: '文件有误，未导入任何日期',
              fields: [
                { field: 'line.3', code: 'calendar.import_line', message: '第 3 行：类型无效' },
                { field: 'line.2', code: 'calendar.import_line', message: '第 2 行：日期无效' },
              ],
            })
          : json(200, { imported: 2 }),
    });
    render();
    await screen.findByTestId('calendar');
    fireEvent.click(importButton());
    const dialog = await screen.findByRole('dialog');
    // Nothing to import yet.
    fireEvent.click(within(dialog).getByRole('button', { name: '导入' }));
    expect(await within(dialog).findByText('请粘贴内容或选择文件')).toBeTruthy();
    const text = 'date,kind,name\n2027-13-01,holiday,元旦\n2027-02-06,rest,春节';
    fireEvent.change(within(dialog).getByLabelText('导入内容'), { target: { value: text } });
    fireEvent.click(within(dialog).getByRole('button', { name: '导入' }));
    const errors = await within(dialog).findByTestId('calendar-import-errors');
    expect(errors.textContent).toContain('文件有误，未导入任何日期');
    expect([...errors.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      '第 2 行：日期无效',
      '第 3 行：类型无效',
    ]);
    expect(calls.find((c) => c.key === 'POST /api/v1/calendar/import')?.body).toEqual({ text });

    fireEvent.change(within(dialog).getByLabelText('导入内容'), {
      target: { value: '2027-01-01,holiday,元旦\n2027-02-06,workday,春节补班' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: '导入' }));
    await screen.findByText('已导入 2 天');
  });

  it('reads a picked .ics file into the import text', async () => {
    mockApi({ 'GET /api/v1/calendar': getYear([]) });
    render();
    await screen.findByTestId('calendar');
    fireEvent.click(importButton());
    const dialog = await screen.findByRole('dialog');
    const ics =
      'BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nSUMMARY:元旦\nEND:VEVENT\nEND:VCALENDAR';
    const input = dialog.querySelector('input[type=file]') as HTMLInputElement;
    fireEvent.change(input, {
      target: { files: [new File([ics], 'holidays.ics', { type: 'text/calendar' })] },
    });
    await within(dialog).findByText('已读取 holidays.ics');
    expect(within(dialog).getByLabelText('导入内容')).toHaveProperty('value', ics);
  });

  it('saves the working hours and shows why the server refuses them', async () => {
    let attempt = 0;
    const calls = mockApi({
      'GET /api/v1/calendar': getYear([]),
      'PUT /api/v1/calendar/settings': () =>
        ++attempt === 1
          ? json(200, year(2026))
          : json(422, {
              code: 'validation_failed',
              message: '提交的内容有误，请检查标出的字段',
              fields: [
                {
                  field: 'working_hours',
                  code: 'calendar.invalid_hours',
                  message: '工作时间无效：至少需要一个时段',
                },
              ],
            }),
    });
    render();
    const card = await screen.findByTestId('calendar-hours');
    expect(within(card).getAllByTestId('calendar-interval')).toHaveLength(2);
    expect(within(card).getByText('每个工作日 8 小时')).toBeTruthy();
    expect(within(card).getByText('每周休息日：周六、周日')).toBeTruthy();
    expect(within(card).getByLabelText('开始时间 2')).toHaveProperty('value', '13:00');
    fireEvent.click(within(card).getByRole('button', { name: '保存工作时间' }));
    await screen.findByText('工作时间已保存');
    const saves = () => calls.filter((c) => c.key === 'PUT /api/v1/calendar/settings');
    expect(saves()[0]?.body).toEqual({ working_hours: hours });

    fireEvent.click(within(card).getByRole('button', { name: '删除时段 2' }));
    fireEvent.click(within(card).getByRole('button', { name: '删除时段 1' }));
    expect(within(card).getByText('还没有工作时段')).toBeTruthy();
    fireEvent.click(within(card).getByRole('button', { name: '保存工作时间' }));
    expect((await within(card).findByTestId('calendar-hours-error')).textContent).toContain(
      '工作时间无效：至少需要一个时段',
    );
    expect(saves()[1]?.body).toEqual({ working_hours: [] });

    // A new period must be filled in before saving.
    fireEvent.click(within(card).getByRole('button', { name: /添加时段/ }));
    fireEvent.click(within(card).getByRole('button', { name: '保存工作时间' }));
    expect((await within(card).findAllByText('请选择时间')).length).toBe(2);
    expect(saves()).toHaveLength(2);
  });
});
