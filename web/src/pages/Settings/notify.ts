import { inDisplayOrder } from '../Notifications/kinds';
import type { NotifyEventPref, NotifySettings, NotifySettingsUpdate } from './services';

/** A channel that can be switched per event kind (in-app is always on). */
export type Channel = 'email' | 'push';

/** Quiet hours offered when they are first switched on. */
export const DEFAULT_QUIET = { start: '22:00', end: '08:00' } as const;

/** What the notification settings form edits. */
export interface NotifyDraft {
  events: NotifyEventPref[];
  quietOn: boolean;
  quietStart: string;
  quietEnd: string;
  digest: boolean;
}

export function toDraft(s: NotifySettings): NotifyDraft {
  return {
    events: inDisplayOrder(s.events).map((e) => ({ kind: e.kind, email: e.email, push: e.push })),
    quietOn: Boolean(s.quiet_hours),
    quietStart: s.quiet_hours?.start ?? DEFAULT_QUIET.start,
    quietEnd: s.quiet_hours?.end ?? DEFAULT_QUIET.end,
    digest: s.digest,
  };
}

/** The PUT body: quiet hours are null when switched off. */
export function toUpdate(d: NotifyDraft): NotifySettingsUpdate {
  return {
    events: d.events.map((e) => ({ kind: e.kind, email: e.email, push: e.push })),
    quiet_hours: d.quietOn ? { start: d.quietStart, end: d.quietEnd } : null,
    digest: d.digest,
  };
}

/** One kind's channel switched. */
export function toggle(
  events: readonly NotifyEventPref[],
  kind: string,
  channel: Channel,
  on: boolean,
): NotifyEventPref[] {
  return events.map((e) => (e.kind === kind ? { ...e, [channel]: on } : e));
}

/** A channel switched for every kind. */
export function setColumn(
  events: readonly NotifyEventPref[],
  channel: Channel,
  on: boolean,
): NotifyEventPref[] {
  return events.map((e) => ({ ...e, [channel]: on }));
}

/** `all`, `none` or `some`: the state of a column's header checkbox. */
export function columnState(
  events: readonly NotifyEventPref[],
  channel: Channel,
): 'all' | 'none' | 'some' {
  const n = events.filter((e) => e[channel]).length;
  if (n === 0) return 'none';
  return n === events.length ? 'all' : 'some';
}
