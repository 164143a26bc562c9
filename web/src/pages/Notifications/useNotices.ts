import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useMe } from '../../auth/session';
import { useApiError } from '../../hooks/useApiError';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useI18n } from '../../i18n';
import { describeNotice } from './describe';
import { markAllRead, markRead, type Notice, noticeKeys } from './services';

/** The sentence of a notice for the signed-in reader, in their language and time zone. */
export function useDescribeNotice(): (n: Notice) => string {
  const { t } = useI18n();
  const formatTime = useFormatTime();
  const me = useMe().data?.id;
  return useCallback((n) => describeNotice(n, t, { me, formatTime }), [t, me, formatTime]);
}

/** Marking read, one or all; the badge and every list refresh afterwards. */
export function useMarkRead() {
  const queryClient = useQueryClient();
  const showError = useApiError();
  const onSuccess = (unread: number) => {
    queryClient.setQueryData(noticeKeys.unreadCount, unread);
    void queryClient.invalidateQueries({ queryKey: noticeKeys.all });
  };
  const one = useMutation({ mutationFn: markRead, onSuccess, onError: (e) => showError(e) });
  const all = useMutation({ mutationFn: markAllRead, onSuccess, onError: (e) => showError(e) });
  return { one, all };
}
