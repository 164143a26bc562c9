import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysInMonth,
  formatDateTime,
  isoDate,
  monthName,
  startOfDayInZone,
  todayInZone,
  weekdayName,
  weekdayOf,
} from './time';

describe('tenant time', () => {
  it('formats instants in the tenant zone, not the browser zone', () => {
    expect(formatDateTime('2026-11-01T16:30:00Z', 'Asia/Shanghai', 'en-CA')).toContain(
      '2026-11-02',
    );
    expect(formatDateTime('2026-11-01T16:30:00Z', 'Asia/Shanghai', 'en-CA')).toContain('00:30:00');
  });

  it('finds the UTC instant a day starts in a zone', () => {
    expect(startOfDayInZone('2026-11-02', 'Asia/Shanghai').toISOString()).toBe(
      '2026-11-01T16:00:00.000Z',
    );
    expect(startOfDayInZone('2026-07-01', 'Europe/Berlin').toISOString()).toBe(
      '2026-06-30T22:00:00.000Z',
    );
  });

  it('knows today in a zone', () => {
    expect(todayInZone('Asia/Shanghai', new Date('2026-11-01T17:00:00Z'))).toBe('2026-11-02');
  });

  it('adds days across month ends', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('knows the weekday of a date whatever the browser zone', () => {
    expect(weekdayOf('2026-10-01')).toBe(4);
    expect(weekdayOf('2026-10-04')).toBe(0);
    expect(weekdayOf('2027-01-01')).toBe(5);
  });

  it('counts the days of a month, leap years included', () => {
    expect(daysInMonth(2026, 2)).toBe(28);
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2026, 12)).toBe(31);
    expect(isoDate(2026, 3, 7)).toBe('2026-03-07');
  });

  it('names weekdays and months in the UI language', () => {
    expect(weekdayName(4, 'zh-CN')).toBe('周四');
    expect(weekdayName(0, 'en')).toBe('Sun');
    expect(weekdayName(1, 'zh-CN', 'narrow')).toBe('一');
    expect(monthName(10, 'zh-CN')).toBe('10月');
    expect(monthName(10, 'en')).toBe('October');
  });
});
