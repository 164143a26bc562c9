import { describe, expect, it } from 'vitest';
import { addDays, formatDateTime, startOfDayInZone, todayInZone } from './time';

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
});
