import { addDays } from '../../../utils/time';

/** Pure: an ISO week (`2026-W48`) as its Monday and Sunday (`YYYY-MM-DD`); null if malformed. */
export function isoWeekDays(period: string): { monday: string; sunday: string } | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(period);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (week < 1 || week > 53) return null;
  // 4 January is always in week 1; its week's Monday starts the ISO year.
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const mondayOfWeek1 = addDays(jan4.toISOString().slice(0, 10), -((jan4.getUTCDay() + 6) % 7));
  const monday = addDays(mondayOfWeek1, (week - 1) * 7);
  return { monday, sunday: addDays(monday, 6) };
}

/** Pure: names by id from the report's own counts (its tasks carry only ids). */
export function namesOf(counts: readonly { id: string; name: string }[]): Map<string, string> {
  return new Map(counts.map((c) => [c.id, c.name] as const));
}
