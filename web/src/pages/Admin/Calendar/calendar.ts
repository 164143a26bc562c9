import type { FieldError } from '../../../api/errors';
import { addDays, daysInMonth, isoDate, weekdayOf } from '../../../utils/time';
import type { CalendarDay, DayKind, WorkingInterval } from './services';

/** Weekday names as the server spells rest days, indexed like `Date.getUTCDay()` (0 = Sunday). */
export const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

/** Weeks start on Monday, as in mainland China (and ISO 8601). */
export const WEEK_START = 1;

/** The weekdays in grid order: Monday … Sunday. */
export const GRID_WEEKDAYS: number[] = Array.from({ length: 7 }, (_, i) => (WEEK_START + i) % 7);

export const DAY_KINDS: readonly DayKind[] = ['holiday', 'workday'];

/** How one day looks and counts. */
export type DayClass =
  /** A listed day off: a public holiday (or its bridge days), or the tenant's own. */
  | 'holiday'
  /** A listed working day on a weekly rest day: 调休补班. */
  | 'makeup'
  /** A listed working day that falls on a working weekday anyway. */
  | 'workday'
  /** A weekly rest day with no entry. */
  | 'weekend'
  /** An ordinary working day. */
  | 'normal';

export interface DayStatus {
  date: string;
  /** 1–31. */
  day: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** A weekly rest day by the tenant's rule (whatever the entry says). */
  restDay: boolean;
  /** Whether people work on this day. */
  working: boolean;
  cls: DayClass;
  /** The exceptional day listed for this date, if any. */
  entry?: CalendarDay;
}

/** The exceptional days keyed by date. */
export function byDate(days: readonly CalendarDay[]): Map<string, CalendarDay> {
  return new Map(days.map((d) => [d.date, d]));
}

/** The weekday numbers of the rest days (unknown names are ignored). */
export function restWeekdays(restDays: readonly string[]): Set<number> {
  const out = new Set<number>();
  for (const name of restDays) {
    const i = (WEEKDAY_NAMES as readonly string[]).indexOf(name.toLowerCase());
    if (i >= 0) out.add(i);
  }
  return out;
}

/** Pure: whether and why `date` is a working day. A listed day wins over the weekly rule. */
export function classify(
  date: string,
  days: ReadonlyMap<string, CalendarDay>,
  rest: ReadonlySet<number>,
): DayStatus {
  const weekday = weekdayOf(date);
  const restDay = rest.has(weekday);
  const entry = days.get(date);
  let cls: DayClass;
  if (entry?.kind === 'holiday') cls = 'holiday';
  else if (entry?.kind === 'workday') cls = restDay ? 'makeup' : 'workday';
  else cls = restDay ? 'weekend' : 'normal';
  return {
    date,
    day: Number(date.slice(8, 10)),
    weekday,
    restDay,
    working: cls !== 'holiday' && cls !== 'weekend',
    cls,
    entry,
  };
}

/**
 * The cells of a month grid, a week per row starting on Monday: `null` pads the first and last
 * weeks, so the length is always a multiple of 7.
 */
export function monthCells(
  year: number,
  month: number,
  days: ReadonlyMap<string, CalendarDay>,
  rest: ReadonlySet<number>,
): (DayStatus | null)[] {
  const first = isoDate(year, month, 1);
  const lead = (weekdayOf(first) - WEEK_START + 7) % 7;
  const cells: (DayStatus | null)[] = Array.from({ length: lead }, () => null);
  const n = daysInMonth(year, month);
  for (let i = 0; i < n; i++) cells.push(classify(addDays(first, i), days, rest));
  while (cells.length % 7 !== 0) cells.push(null);
  return cells;
}

/** How many working days and days off the year has under this calendar. */
export function yearSummary(
  year: number,
  days: ReadonlyMap<string, CalendarDay>,
  rest: ReadonlySet<number>,
): { working: number; off: number } {
  let working = 0;
  let off = 0;
  const first = isoDate(year, 1, 1);
  const total = daysInMonth(year, 2) === 29 ? 366 : 365;
  for (let i = 0; i < total; i++) {
    if (classify(addDays(first, i), days, rest).working) working++;
    else off++;
  }
  return { working, off };
}

/** The exceptional days of `year` only, by date (the server sorts them; this keeps it so). */
export function daysOfYear(days: readonly CalendarDay[], year: number): CalendarDay[] {
  const prefix = `${year}-`;
  return days.filter((d) => d.date.startsWith(prefix)).sort((a, b) => a.date.localeCompare(b.date));
}

/** The kind a day dialog proposes: the entry's, else the opposite of what the day is now. */
export function proposedKind(status: DayStatus): DayKind {
  if (status.entry) return status.entry.kind === 'workday' ? 'workday' : 'holiday';
  return status.working ? 'holiday' : 'workday';
}

/** Years offered by the year picker: a few around this year, and the one shown. */
export function yearOptions(current: number, shown: number, span = 3): number[] {
  const out = new Set<number>();
  for (let y = current - span; y <= current + span; y++) out.add(y);
  out.add(shown);
  return [...out].sort((a, b) => a - b);
}

/** The calendar year `date` (YYYY-MM-DD) belongs to. */
export const yearOf = (date: string): number => Number(date.slice(0, 4));

export interface LineError {
  /** The 1-based line of the imported text, when the server names one. */
  line: number | null;
  /** The problem, without the server's own line prefix (the page shows the line itself). */
  message: string;
}

/** A line prefix the server may put in front of its message: `第 12 行：`, `line 12: `. */
const LINE_PREFIX = /^\s*(?:第\s*\d+\s*行\s*[：:]|line\s+\d+\s*:)\s*/i;

/** Pure: an import's `fields` (`line.12`) as line messages, in line order. */
export function lineErrors(fields: readonly FieldError[]): LineError[] {
  return fields
    .map((f) => {
      const m = /^line\.(\d+)$/.exec(f.field);
      const line = m ? Number(m[1]) : null;
      return { line, message: line === null ? f.message : f.message.replace(LINE_PREFIX, '') };
    })
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** `HH:MM` as minutes since midnight; NaN when malformed. */
export function minutesOf(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) return Number.NaN;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Minutes since midnight as `HH:MM`. */
export function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The working time of a working day in minutes, overlapping periods counted once. */
export function workingMinutes(hours: readonly WorkingInterval[]): number {
  const spans = hours
    .map((h) => [minutesOf(h.start), minutesOf(h.end)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let reached = Number.NEGATIVE_INFINITY;
  for (const [a, b] of spans) {
    const from = Math.max(a, reached);
    if (b > from) total += b - from;
    reached = Math.max(reached, b);
  }
  return total;
}
