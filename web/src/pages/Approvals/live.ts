import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { type LiveEvent, useLiveEvents } from '../../hooks/useLiveEvents';
import { approvalKeys, TABS } from './services';

const text = (data: unknown, key: string): string | undefined => {
  const v =
    typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/** Pure: the query keys a stream event makes stale (the lists, counts, and the instance). */
export function staleKeys(event: LiveEvent): (readonly unknown[])[] {
  const lists = [approvalKeys.counts, ...TABS.map((tab) => approvalKeys.list(tab))];
  if (event.type === 'reload') return [...lists, ['flow', 'instance']];
  const instance = text(event.data, 'instance_id');
  const kind = text(event.data, 'kind') ?? '';
  // any notice of an instance, above all the silent `flow.changed` every person involved gets
  // on each action: the lists, counts and that instance (with its route and diagram)
  if (instance) return [...lists, approvalKeys.instance(instance)];
  if (kind === 'flow.changed') return lists;
  // a delegation starting or ending moves open tasks between people
  if (kind.startsWith('delegation_')) return lists;
  // a notice we cannot read: refresh what it may concern
  if (event.data === undefined) return lists;
  return [];
}

/** Marks the queries an event concerns stale (active ones refetch at once). */
export function applyLiveEvent(qc: QueryClient, event: LiveEvent) {
  for (const queryKey of staleKeys(event)) void qc.invalidateQueries({ queryKey });
}

/**
 * Keeps the approval lists, the counts (menu badges, workbench) and any open approval page fresh
 * by server push, over the per-user stream the notification bell shares. Mount once, in the
 * signed-in frame.
 */
export function useLiveApprovals(enabled = true) {
  const qc = useQueryClient();
  const onEvent = useCallback((e: LiveEvent) => applyLiveEvent(qc, e), [qc]);
  useLiveEvents(onEvent, enabled);
}
