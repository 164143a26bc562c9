import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { noticeKeys } from './services';

/** Where the server streams the signed-in user's notifications (server-sent events). */
export const STREAM_URL = '/api/v1/notifications/stream';

/**
 * Keeps the notification queries fresh by server push: each `notification` event (and a
 * `reload` after the stream fell behind) marks them stale, so the bell's count and lists update
 * without polling. The browser's EventSource reconnects by itself and sends `Last-Event-ID`, so
 * nothing is missed across a reconnect. Where EventSource does not exist nothing happens (the
 * bell still polls slowly).
 */
export function useLiveNotices(enabled = true) {
  const qc = useQueryClient();
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource(STREAM_URL, { withCredentials: true });
    const refresh = () => {
      void qc.invalidateQueries({ queryKey: noticeKeys.all });
    };
    source.addEventListener('notification', refresh);
    source.addEventListener('reload', refresh);
    return () => source.close();
  }, [enabled, qc]);
}
