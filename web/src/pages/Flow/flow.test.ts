import { describe, expect, it } from 'vitest';
import { translate } from '../../i18n/locale';
import {
  DUE_SOON_MS,
  dueStatus,
  formatDuration,
  minutesBetween,
  monthOf,
  nameOr,
  percent,
} from './flow';
import { templateOptions } from './templates';

const zh = (k: Parameters<typeof translate>[0], v?: Record<string, string | number>) =>
  translate(k, v, 'zh-CN');
const en = (k: Parameters<typeof translate>[0], v?: Record<string, string | number>) =>
  translate(k, v, 'en');

describe('dueStatus', () => {
  const now = Date.parse('2026-11-29T04:00:00Z');

  it('is overdue past the due time', () => {
    expect(dueStatus('2026-11-29T03:59:59Z', now)).toBe('overdue');
  });

  it('is due soon within the next 24 hours, as the server counts it', () => {
    expect(dueStatus('2026-11-29T04:00:00Z', now)).toBe('dueSoon');
    expect(dueStatus(new Date(now + DUE_SOON_MS - 1).toISOString(), now)).toBe('dueSoon');
    expect(dueStatus(new Date(now + DUE_SOON_MS).toISOString(), now)).toBe('onTime');
  });

  it('has nothing to say without a due time', () => {
    expect(dueStatus(null, now)).toBe('none');
    expect(dueStatus(undefined, now)).toBe('none');
    expect(dueStatus('not a time', now)).toBe('none');
  });
});

describe('formatDuration', () => {
  it('shows the two largest units in both languages', () => {
    expect(formatDuration(3 * 1440 + 4 * 60 + 5, zh)).toBe('3 天 4 小时');
    expect(formatDuration(125, zh)).toBe('2 小时 5 分钟');
    expect(formatDuration(7, zh)).toBe('7 分钟');
    expect(formatDuration(1440, en)).toBe('1 d 0 h');
    expect(formatDuration(61, en)).toBe('1 h 1 min');
  });

  it('never shows a negative span', () => {
    expect(formatDuration(-5, zh)).toBe('0 分钟');
  });
});

describe('small formatters', () => {
  it('count whole minutes between instants, never negative', () => {
    expect(minutesBetween('2026-11-29T01:00:00Z', '2026-11-29T03:30:59Z')).toBe(150);
    expect(minutesBetween('2026-11-29T03:00:00Z', '2026-11-29T01:00:00Z')).toBe(0);
  });

  it('show rates as percentages with at most one decimal', () => {
    expect(percent(0.125)).toBe('12.5%');
    expect(percent(0)).toBe('0%');
    expect(percent(1)).toBe('100%');
    expect(percent(1 / 3)).toBe('33.3%');
  });

  it('take the month of a date and a fallback for a missing name', () => {
    expect(monthOf('2026-11-29')).toBe('2026-11');
    expect(nameOr('', '（未知）')).toBe('（未知）');
    expect(nameOr('  ', '（未知）')).toBe('（未知）');
    expect(nameOr('张三', '（未知）')).toBe('张三');
  });
});

describe('templateOptions', () => {
  it('offers the given templates, then other ids seen, named when known', () => {
    const names = new Map([
      ['t1', '费用报销'],
      ['t3', '出差申请'],
    ]);
    expect(
      templateOptions(
        [{ id: 't1', name: '费用报销' }],
        [undefined, 't1', 't2', 't3', 't2'],
        names,
        '（未知流程）',
      ),
    ).toEqual([
      { value: 't1', label: '费用报销' },
      { value: 't2', label: '（未知流程）' },
      { value: 't3', label: '出差申请' },
    ]);
  });
});
