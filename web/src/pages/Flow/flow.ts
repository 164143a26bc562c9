import type { TFunction } from '../../i18n';

/** The server's "due soon" window: due within the next 24 hours. */
export const DUE_SOON_MS = 24 * 60 * 60 * 1000;

/** Where a task stands against its due time. */
export type DueStatus = 'overdue' | 'dueSoon' | 'onTime' | 'none';

/** Pure: a due time against `now` (ms since the epoch), with the server's 24-hour window. */
export function dueStatus(dueAt: string | null | undefined, now: number): DueStatus {
  if (!dueAt) return 'none';
  const due = new Date(dueAt).getTime();
  if (Number.isNaN(due)) return 'none';
  if (due < now) return 'overdue';
  if (due < now + DUE_SOON_MS) return 'dueSoon';
  return 'onTime';
}

/** A span of minutes as the two largest units: 3 天 4 小时, 2 小时 5 分钟, 7 分钟. */
export function formatDuration(minutes: number, t: TFunction): string {
  const m = Math.max(0, Math.floor(minutes));
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  if (days > 0) return t('flow.durationDays', { days, hours });
  if (hours > 0) return t('flow.durationHours', { hours, minutes: m % 60 });
  return t('flow.durationMinutes', { minutes: m });
}

/** Minutes from `from` to `to` (RFC 3339), never negative. */
export function minutesBetween(from: string, to: string): number {
  const ms = new Date(to).getTime() - new Date(from).getTime();
  return Number.isNaN(ms) ? 0 : Math.max(0, Math.floor(ms / 60_000));
}

/** A share (0–1) as a percentage with at most one decimal: 0.125 → 12.5%. */
export function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

/** The `YYYY-MM` month of a `YYYY-MM-DD` date. */
export const monthOf = (date: string): string => date.slice(0, 7);

/** A name the server could not resolve (a removed template or person) still gets a label. */
export function nameOr(name: string | null | undefined, fallback: string): string {
  return name?.trim() ? name : fallback;
}
