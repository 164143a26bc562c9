import type { TFunction } from '../../../i18n';
import type { Bar } from '../components/BarChart';
import { nameOr, percent } from '../flow';
import type { EfficiencyRow } from './services';

/** The figures a chart can show. */
export const METRICS = ['handled', 'avg_working_hours', 'overdue_rate', 'pending'] as const;
export type Metric = (typeof METRICS)[number];

/** Overdue rates at or above this are drawn as a warning, at or above the next as a danger. */
export const RATE_WARNING = 0.1;
export const RATE_DANGER = 0.3;

/** A metric's value as the UI shows it. */
export function formatMetric(metric: Metric, value: number, t: TFunction): string {
  switch (metric) {
    case 'avg_working_hours':
      return t('stats.hours', { hours: value });
    case 'overdue_rate':
      return percent(value);
    default:
      return String(value);
  }
}

/** Pure: the bars of one metric, overdue rates toned by how bad they are. */
export function metricBars(rows: readonly EfficiencyRow[], metric: Metric, unknown: string): Bar[] {
  return rows.map((r) => {
    const value = r[metric];
    const tone =
      metric === 'overdue_rate'
        ? value >= RATE_DANGER
          ? 'danger'
          : value >= RATE_WARNING
            ? 'warning'
            : 'normal'
        : 'normal';
    return { key: r.id, label: nameOr(r.name, unknown), value, tone };
  });
}

/** Pure: a full-length bar for rates is 100%; other metrics scale to their largest value. */
export const metricMax = (metric: Metric): number | undefined =>
  metric === 'overdue_rate' ? 1 : undefined;

/** The 待办清零 thresholds offered, in days. */
export const BACKLOG_DAYS = [1, 3, 5, 7, 14, 30] as const;
