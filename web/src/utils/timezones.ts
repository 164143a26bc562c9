/** IANA time zones for a picker, each labelled with its current UTC offset. */

/** Used when the runtime cannot list its zones (old engines). */
const FALLBACK_ZONES = [
  'UTC',
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Taipei',
  'Asia/Tokyo',
  'Asia/Seoul',
  'Asia/Singapore',
  'Asia/Kolkata',
  'Asia/Dubai',
  'Europe/London',
  'Europe/Paris',
  'Europe/Berlin',
  'Europe/Moscow',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Australia/Sydney',
  'Pacific/Auckland',
];

/** Every zone the runtime knows, plus UTC and `extra` (e.g. the zone currently set). */
export function timeZoneNames(extra: string[] = []): string[] {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = FALLBACK_ZONES;
  }
  if (zones.length === 0) zones = FALLBACK_ZONES;
  const all = new Set([...zones, 'UTC', ...extra.filter(Boolean)]);
  return [...all].sort((a, b) => a.localeCompare(b));
}

/** `UTC+08:00` style offset of `zone` at `at`; empty when the runtime does not know the zone. */
export function utcOffset(zone: string, at: Date = new Date()): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
    if (!part) return '';
    // `GMT+08:00`, or plain `GMT` for UTC itself.
    return part === 'GMT' ? 'UTC+00:00' : part.replace('GMT', 'UTC');
  } catch {
    return '';
  }
}

export interface ZoneOption {
  value: string;
  label: string;
}

/** Picker options: `Asia/Shanghai (UTC+08:00)`; searchable by name or offset. */
export function timeZoneOptions(extra: string[] = [], at: Date = new Date()): ZoneOption[] {
  return timeZoneNames(extra).map((z) => {
    const offset = utcOffset(z, at);
    return { value: z, label: offset ? `${z} (${offset})` : z };
  });
}
