import { describe, expect, it } from 'vitest';
import { translate } from '../../../i18n/locale';
import type { EfficiencyRow } from './services';
import { formatMetric, metricBars, metricMax } from './stats';

const zh = (k: Parameters<typeof translate>[0], v?: Record<string, string | number>) =>
  translate(k, v, 'zh-CN');

const row = (over: Partial<EfficiencyRow>): EfficiencyRow => ({
  id: 'r',
  name: '费用报销',
  handled: 0,
  avg_working_hours: 0,
  handled_with_due: 0,
  overdue_rate: 0,
  pending: 0,
  ...over,
});

describe('efficiency metrics', () => {
  it('are formatted for people', () => {
    expect(formatMetric('handled', 12, zh)).toBe('12');
    expect(formatMetric('avg_working_hours', 3.5, zh)).toBe('3.5 小时');
    expect(formatMetric('overdue_rate', 0.25, zh)).toBe('25%');
    expect(formatMetric('pending', 4, zh)).toBe('4');
  });

  it('become bars of the chosen figure, bad overdue rates toned', () => {
    const rows = [
      row({ id: 'a', handled: 5, overdue_rate: 0.05 }),
      row({ id: 'b', name: '', handled: 2, overdue_rate: 0.1 }),
      row({ id: 'c', handled: 1, overdue_rate: 0.5 }),
    ];
    expect(metricBars(rows, 'handled', '（未知）').map((b) => [b.key, b.value, b.tone])).toEqual([
      ['a', 5, 'normal'],
      ['b', 2, 'normal'],
      ['c', 1, 'normal'],
    ]);
    const rates = metricBars(rows, 'overdue_rate', '（未知）');
    expect(rates.map((b) => b.tone)).toEqual(['normal', 'warning', 'danger']);
    expect(rates[1]?.label).toBe('（未知）');
  });

  it('scale rates to 100% and other figures to their largest value', () => {
    expect(metricMax('overdue_rate')).toBe(1);
    expect(metricMax('handled')).toBeUndefined();
  });
});
