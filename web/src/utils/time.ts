const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(withTime
        ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }
        : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

/** Formats an RFC 3339 instant as wall-clock time in the tenant's zone. */
export function formatDateTime(
  iso: string | null | undefined,
  timeZone: string,
  locale: string,
): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return formatter(locale, timeZone, true).format(d);
}

function parts(at: Date, timeZone: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of formatter('en-US', timeZone, true).formatToParts(at)) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return out;
}

/** Offset of `timeZone` from UTC at instant `at`, in milliseconds. */
export function zoneOffsetMs(at: Date, timeZone: string): number {
  const p = parts(at, timeZone);
  const asUtc = Date.UTC(
    p.year ?? 1970,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    (p.hour ?? 0) % 24,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The UTC instant at which calendar day `date` (YYYY-MM-DD) starts in `timeZone`. */
export function startOfDayInZone(date: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const naive = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
  let guess = naive - zoneOffsetMs(new Date(naive), timeZone);
  // A second pass settles days where the offset changes (daylight saving).
  guess = naive - zoneOffsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/** Today's calendar date (YYYY-MM-DD) in `timeZone`. */
export function todayInZone(timeZone: string, now: Date = new Date()): string {
  const p = parts(now, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days)).toISOString().slice(0, 10);
}

function utcDate(date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}

/** Day of the week of a YYYY-MM-DD date: 0 = Sunday … 6 = Saturday (no time zone involved). */
export function weekdayOf(date: string): number {
  return utcDate(date).getUTCDay();
}

/** Number of days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The YYYY-MM-DD form of a calendar date (month 1–12). */
export function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const names = new Map<string, Intl.DateTimeFormat>();

function nameFormatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = names.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
    names.set(key, f);
  }
  return f;
}

/** The name of a weekday (0 = Sunday) in `locale`: 周四 / Thu (short), 四 / T (narrow). */
export function weekdayName(
  weekday: number,
  locale: string,
  style: 'long' | 'short' | 'narrow' = 'short',
): string {
  // 1970-01-04 was a Sunday.
  return nameFormatter(locale, { weekday: style }).format(new Date(Date.UTC(1970, 0, 4 + weekday)));
}

/** The name of a month (1–12) in `locale`: 10月 / October (not 十月: numbered like the dates). */
export function monthName(month: number, locale: string): string {
  const style = locale.startsWith('zh') ? 'short' : 'long';
  return nameFormatter(locale, { month: style }).format(new Date(Date.UTC(2000, month - 1, 1)));
}
