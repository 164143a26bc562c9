import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { type LiveEvent, useLiveEvents } from '../../hooks/useLiveEvents';
import { isSilentEvent } from './kinds';
import { noticeKeys } from './services';

/** Where the server streams the signed-in user's notifications (server-sent events). */
export { STREAM_URL } from '../../hooks/useLiveEvents';

/**
 * Keeps the notification queries fresh by server push: each `notification` event (and a
 * `reload` after the stream fell behind) marks them stale, so the bell's count and lists update
 * without polling; silent events (`flow.changed`) are left to the approval views. The stream is the per-user one every live view shares (`useLiveEvents`): the
 * browser's EventSource reconnects by itself and sends `Last-Event-ID`, so nothing is missed
 * across a reconnect. Where EventSource does not exist nothing happens (the bell still polls
 * slowly).
 */
export function useLiveNotices(enabled = true) {
  const qc = useQueryClient();
  const refresh = useCallback(
    (e: LiveEvent) => {
      // a silent change event (`flow.changed`) is for the approval views, not for notices
      if (isSilentEvent(e)) return;
      void qc.invalidateQueries({ queryKey: noticeKeys.all });
    },
    [qc],
  );
  useLiveEvents(refresh, enabled);
}
