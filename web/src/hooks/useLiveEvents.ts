import { useEffect, useRef } from 'react';

/** Where the server streams the signed-in user's notifications (server-sent events). */
export const STREAM_URL = '/api/v1/notifications/stream';

/**
 * One event of the per-user stream: a new notification (its JSON as the server sent it, or
 * `undefined` when it could not be read), or `reload` after the stream fell behind and some
 * were missed.
 */
export type LiveEvent = { type: 'notification'; data: unknown } | { type: 'reload' };
export type LiveListener = (event: LiveEvent) => void;

const listeners = new Set<LiveListener>();
let source: EventSource | null = null;

function parse(e: unknown): unknown {
  const raw = (e as MessageEvent | undefined)?.data;
  if (typeof raw !== 'string') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function emit(event: LiveEvent) {
  for (const l of [...listeners]) l(event);
}

/**
 * Subscribes to the per-user event stream. Every subscriber shares one EventSource, opened for
 * the first and closed after the last leaves. The browser reconnects by itself and sends
 * `Last-Event-ID`, so nothing is missed across a reconnect. Where EventSource does not exist
 * nothing happens.
 */
export function subscribeLive(listener: LiveListener): () => void {
  if (typeof EventSource === 'undefined') return () => {};
  listeners.add(listener);
  if (!source) {
    const s = new EventSource(STREAM_URL, { withCredentials: true });
    s.addEventListener('notification', (e) => emit({ type: 'notification', data: parse(e) }));
    s.addEventListener('reload', () => emit({ type: 'reload' }));
    // a stream the browser gave up on (signed out, server gone) is opened afresh by the next
    // subscriber instead of being shared dead
    s.addEventListener('error', () => {
      if (s.readyState === 2 && source === s) source = null;
    });
    source = s;
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && source) {
      source.close();
      source = null;
    }
  };
}

/** Calls `listener` (the latest one rendered) for each event of the per-user stream. */
export function useLiveEvents(listener: LiveListener, enabled = true) {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => {
    if (!enabled) return;
    return subscribeLive((e) => latest.current(e));
  }, [enabled]);
}
