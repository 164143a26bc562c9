import type { Bar } from '../components/BarChart';
import type { MonthTotal, VolumeRow } from './services';

/** The instance statuses a row counts and an export may filter on. */
export const STATUSES = ['running', 'approved', 'rejected', 'cancelled'] as const;
export type Status = (typeof STATUSES)[number];

/** The month figures a chart can show. */
export const MONTH_METRICS = ['started', 'approved'] as const;
export type MonthMetric = (typeof MONTH_METRICS)[number];

/** The server's longest period, in months. */
export const MAX_MONTHS = 36;

/** Pure: `YYYY-MM` moved by `n` months. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  const year = Math.floor(index / 12);
  return `${String(year).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Pure: one bar per month, oldest first. */
export function monthBars(months: readonly MonthTotal[], metric: MonthMetric): Bar[] {
  return months.map((m) => ({ key: m.month, label: m.month, value: m[metric] }));
}

/** The figures of a row, summed in the table's last line. */
export const COUNTS = ['started', 'approved', 'rejected', 'cancelled', 'running'] as const;
export type Count = (typeof COUNTS)[number];

/** Pure: each figure summed over the rows. */
export function totals(rows: readonly VolumeRow[]): Record<Count, number> {
  const out = { started: 0, approved: 0, rejected: 0, cancelled: 0, running: 0 };
  for (const r of rows) for (const c of COUNTS) out[c] += r[c];
  return out;
}

/** Pure: a row's key in the table. */
export const rowKey = (r: VolumeRow): string => `${r.month}|${r.template_id}|${r.department_id}`;

/** What an export is limited to. */
export interface ExportFilters {
  /** RFC 3339 instants: started at or after `from`, before `to`. */
  from?: string;
  to?: string;
  status?: Status;
  department_id?: string;
}

/**
 * Pure: the address of a template's instances as an Excel workbook. A plain link: the browser
 * downloads it with the session cookie.
 */
export function exportUrl(templateId: string, f: ExportFilters): string {
  const q = new URLSearchParams();
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  if (f.status) q.set('status', f.status);
  if (f.department_id) q.set('department_id', f.department_id);
  const query = q.toString();
  return `/api/v1/flow/templates/${encodeURIComponent(templateId)}/instances.xlsx${
    query ? `?${query}` : ''
  }`;
}
