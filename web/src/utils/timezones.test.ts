import { describe, expect, it } from 'vitest';
import { timeZoneNames, timeZoneOptions, utcOffset } from './timezones';

describe('time zones', () => {
  it('lists IANA zones including the default, UTC and extras, sorted and unique', () => {
    const zones = timeZoneNames(['Etc/GMT-8', 'Asia/Shanghai']);
    expect(zones).toContain('Asia/Shanghai');
    expect(zones).toContain('UTC');
    expect(zones).toContain('Etc/GMT-8');
    expect(new Set(zones).size).toBe(zones.length);
    expect([...zones].sort((a, b) => a.localeCompare(b))).toEqual(zones);
  });

  it('labels zones with their offset at a given instant', () => {
    const winter = new Date('2026-01-15T00:00:00Z');
    const summer = new Date('2026-07-15T00:00:00Z');
    expect(utcOffset('Asia/Shanghai', winter)).toBe('UTC+08:00');
    expect(utcOffset('UTC', winter)).toBe('UTC+00:00');
    expect(utcOffset('Europe/Berlin', winter)).toBe('UTC+01:00');
    expect(utcOffset('Europe/Berlin', summer)).toBe('UTC+02:00');
    expect(utcOffset('Not/AZone', winter)).toBe('');
    const shanghai = timeZoneOptions([], winter).find((o) => o.value === 'Asia/Shanghai');
    expect(shanghai?.label).toBe('Asia/Shanghai (UTC+08:00)');
  });
});
