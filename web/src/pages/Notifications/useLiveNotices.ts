import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useLiveEvents } from '../../hooks/useLiveEvents';
import { noticeKeys } from './services';

/** Where the server streams the signed-in user's notifications (server-sent events). */
export { STREAM_URL } from '../../hooks/useLiveEvents';

/**
 * Keeps the notification queries fresh by server push: each `notification` event (and a
 * `reload` after the stream fell behind) marks them stale, so the bell's count and lists update
 * without polling. The stream is the per-user one every live view shares (`useLiveEvents`): the
 * browser's EventSource reconnects by itself and sends `Last-Event-ID`, so nothing is missed
 * across a reconnect. Where EventSource does not exist nothing happens (the bell still polls
 * slowly).
 */
export function useLiveNotices(enabled = true) {
  const qc = useQueryClient();
  const refresh = useCallback(() => {
    void qc.invalidateQueries({ queryKey: noticeKeys.all });
  }, [qc]);
  useLiveEvents(refresh, enabled);
}
