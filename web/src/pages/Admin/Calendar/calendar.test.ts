import { describe, expect, it } from 'vitest';
import {
  byDate,
  classify,
  daysOfYear,
  GRID_WEEKDAYS,
  hhmm,
  lineErrors,
  minutesOf,
  monthCells,
  proposedKind,
  restWeekdays,
  workingMinutes,
  yearOptions,
  yearSummary,
} from './calendar';
import type { CalendarDay } from './services';

const day = (date: string, kind: string, name = '', source = 'china'): CalendarDay => ({
  date,
  kind,
  name,
  source,
});

const days = byDate([
  day('2026-10-01', 'holiday', '国庆节'),
  day('2026-10-10', 'workday', '国庆节补班'),
  day('2026-10-13', 'workday', '加班', 'tenant'),
  day('2026-12-31', 'holiday', '公司年会', 'tenant'),
]);
const weekend = restWeekdays(['sat', 'sun']);

describe('rest days', () => {
  it('are read from the server names, in any case, ignoring unknown ones', () => {
    expect([...restWeekdays(['sat', 'SUN', 'fri', 'someday'])].sort()).toEqual([0, 5, 6]);
    expect(restWeekdays([]).size).toBe(0);
  });

  it('weeks run Monday to Sunday', () => {
    expect(GRID_WEEKDAYS).toEqual([1, 2, 3, 4, 5, 6, 0]);
  });
});

describe('classify', () => {
  it('a listed holiday is a day off whatever its weekday', () => {
    const s = classify('2026-10-01', days, weekend);
    expect(s).toMatchObject({ cls: 'holiday', working: false, weekday: 4, day: 1, restDay: false });
    expect(s.entry?.name).toBe('国庆节');
  });

  it('a listed working day on a weekend is a make-up day (调休补班)', () => {
    expect(classify('2026-10-10', days, weekend)).toMatchObject({
      cls: 'makeup',
      working: true,
      restDay: true,
    });
  });

  it('a listed working day on a weekday stays a working day', () => {
    expect(classify('2026-10-13', days, weekend)).toMatchObject({ cls: 'workday', working: true });
  });

  it('unlisted days follow the weekly rule', () => {
    expect(classify('2026-10-11', days, weekend)).toMatchObject({ cls: 'weekend', working: false });
    expect(classify('2026-10-12', days, weekend)).toMatchObject({ cls: 'normal', working: true });
    // A six-day week: Saturday works.
    expect(classify('2026-10-17', days, restWeekdays(['sun'])).cls).toBe('normal');
  });

  it('proposes the opposite of what an unlisted day is, or the entry kind', () => {
    expect(proposedKind(classify('2026-10-12', days, weekend))).toBe('holiday');
    expect(proposedKind(classify('2026-10-11', days, weekend))).toBe('workday');
    expect(proposedKind(classify('2026-10-10', days, weekend))).toBe('workday');
    expect(proposedKind(classify('2026-12-31', days, weekend))).toBe('holiday');
  });
});

describe('month cells', () => {
  it('pad the first week to Monday and the last to Sunday', () => {
    // October 2026 starts on a Thursday.
    const oct = monthCells(2026, 10, days, weekend);
    expect(oct).toHaveLength(35);
    expect(oct.slice(0, 3)).toEqual([null, null, null]);
    expect(oct[3]?.date).toBe('2026-10-01');
    expect(oct[3]?.cls).toBe('holiday');
    expect(oct[12]?.cls).toBe('makeup');
    expect(oct[33]?.date).toBe('2026-10-31');
    expect(oct[34]).toBeNull();
  });

  it('handle months starting on a Sunday and leap Februaries', () => {
    // February 2026 starts on a Sunday: six blanks first.
    const feb = monthCells(2026, 2, new Map(), weekend);
    expect(feb.findIndex((c) => c !== null)).toBe(6);
    expect(feb.filter(Boolean)).toHaveLength(28);
    expect(monthCells(2028, 2, new Map(), weekend).filter(Boolean)).toHaveLength(29);
    // June 2026 starts on a Monday: no blanks.
    expect(monthCells(2026, 6, new Map(), weekend)[0]?.date).toBe('2026-06-01');
  });
});

describe('year', () => {
  it('counts working days and days off', () => {
    // 2026: 365 days, 104 weekend days.
    expect(yearSummary(2026, new Map(), weekend)).toEqual({ working: 261, off: 104 });
    // A weekday holiday takes one working day; a make-up Saturday gives one back; a listed
    // working weekday changes nothing.
    expect(yearSummary(2026, days, weekend)).toEqual({ working: 261 - 2 + 1, off: 104 + 2 - 1 });
    expect(
      yearSummary(2028, new Map(), weekend).working + yearSummary(2028, new Map(), weekend).off,
    ).toBe(366);
  });

  it('lists only the days of the year, by date', () => {
    const all = [
      day('2027-01-01', 'holiday', '元旦'),
      day('2026-12-31', 'holiday'),
      day('2026-01-01', 'holiday'),
    ];
    expect(daysOfYear(all, 2026).map((d) => d.date)).toEqual(['2026-01-01', '2026-12-31']);
  });

  it('offers a few years around this one, and the one shown', () => {
    expect(yearOptions(2026, 2026)).toEqual([2023, 2024, 2025, 2026, 2027, 2028, 2029]);
    expect(yearOptions(2026, 2031, 1)).toEqual([2025, 2026, 2027, 2031]);
  });
});

describe('import errors', () => {
  it('become line messages in line order, without the server line prefix', () => {
    expect(
      lineErrors([
        { field: 'line.12', code: 'calendar.import_line', message: '第 12 行：日期无效' },
        { field: 'line.3', code: 'calendar.import_line', message: 'line 3: unknown kind' },
        { field: 'line.7', code: 'calendar.import_line', message: '名称过长' },
      ]),
    ).toEqual([
      { line: 3, message: 'unknown kind' },
      { line: 7, message: '名称过长' },
      { line: 12, message: '日期无效' },
    ]);
  });

  it('keep other fields as they are', () => {
    expect(lineErrors([{ field: 'text', code: 'x', message: '第 1 行：空' }])).toEqual([
      { line: null, message: '第 1 行：空' },
    ]);
  });
});

describe('working hours', () => {
  it('convert between HH:MM and minutes', () => {
    expect(minutesOf('09:00')).toBe(540);
    expect(minutesOf('9:30')).toBe(570);
    expect(minutesOf('nine')).toBeNaN();
    expect(hhmm(570)).toBe('09:30');
    expect(hhmm(18 * 60)).toBe('18:00');
  });

  it('add up per working day', () => {
    expect(
      workingMinutes([
        { start: '09:00', end: '12:00' },
        { start: '13:30', end: '18:00' },
      ]),
    ).toBe(450);
    expect(workingMinutes([{ start: '18:00', end: '09:00' }])).toBe(0);
    // Overlaps count once (the server refuses them; the total stays truthful meanwhile).
    expect(
      workingMinutes([
        { start: '11:00', end: '18:00' },
        { start: '09:00', end: '12:00' },
      ]),
    ).toBe(540);
    expect(workingMinutes([{ start: 'x', end: '12:00' }])).toBe(0);
  });
});
