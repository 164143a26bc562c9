import { api, call, type Schemas } from '../../api/client';

export type Notice = Schemas['NoticeView'];
export type NoticePage = Schemas['Page_NoticeView'];

export const noticeKeys = {
  all: ['notifications'] as const,
  unreadCount: ['notifications', 'unread-count'] as const,
  list: (unread: boolean, page: number, pageSize: number) =>
    ['notifications', 'list', unread, page, pageSize] as const,
};

export const listNotices = (
  unread: boolean,
  page: number,
  page_size: number,
): Promise<NoticePage> =>
  call(
    api.GET('/api/v1/notifications', {
      params: { query: { unread: unread || undefined, page, page_size } },
    }),
  );

export const unreadCount = (): Promise<number> =>
  call(api.GET('/api/v1/notifications/unread-count')).then((r) => r.unread);

export const markRead = (id: string): Promise<number> =>
  call(api.POST('/api/v1/notifications/{id}/read', { params: { path: { id } } })).then(
    (r) => r.unread,
  );

export const markAllRead = (): Promise<number> =>
  call(api.POST('/api/v1/notifications/read-all')).then((r) => r.unread);
