import type { EnumFunction } from '../../i18n';

/** Every notification event kind, in the order settings show them. */
export const EVENT_KINDS = [
  'task_assigned',
  'urged',
  'reminder',
  'overdue',
  'flow_overdue',
  'sent_back',
  'finished',
  'carbon_copy',
  'replaced',
  'stood_in',
  'mentioned',
  'delegation_started',
  'delegation_ended',
  'report_ready',
  'password_changed',
  'new_device_sign_in',
  'account_locked',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Account security events: sent at once, even in quiet hours. */
export const SECURITY_KINDS: readonly string[] = [
  'password_changed',
  'new_device_sign_in',
  'account_locked',
];

export const isSecurityKind = (kind: string): boolean => SECURITY_KINDS.includes(kind);

/** An event kind's name in the UI language; an unknown kind as the server names it. */
export const kindName = (kind: string, te: EnumFunction): string => te('notify.kind', kind);

/** Sorts kinds into display order; unknown kinds last, as given. */
export function inDisplayOrder<T extends { kind: string }>(rows: readonly T[]): T[] {
  const rank = (k: string) => {
    const i = (EVENT_KINDS as readonly string[]).indexOf(k);
    return i < 0 ? EVENT_KINDS.length : i;
  };
  return [...rows].sort((a, b) => rank(a.kind) - rank(b.kind));
}

/**
 * Silent kinds: events the server pushes only to refresh views (`flow.changed` on every action
 * on an instance one is involved in). Never shown, never counted, never announced.
 */
export const SILENT_KINDS: readonly string[] = ['flow.changed'];

export const isSilentKind = (kind: string | undefined): boolean =>
  kind !== undefined && SILENT_KINDS.includes(kind);

/** Pure: the notices to show (without the silent ones). */
export const shownNotices = <T extends { kind: string }>(rows: readonly T[]): T[] =>
  rows.filter((n) => !isSilentKind(n.kind));

/** Pure: whether a stream event is a silent one (the notification views ignore it). */
export function isSilentEvent(event: { type: string; data?: unknown }): boolean {
  if (event.type !== 'notification') return false;
  const d = event.data;
  const kind =
    typeof d === 'object' && d !== null ? (d as Record<string, unknown>).kind : undefined;
  return typeof kind === 'string' && isSilentKind(kind);
}
