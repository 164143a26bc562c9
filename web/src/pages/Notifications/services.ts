import { api, call, type Schemas } from '../../api/client';
import { shownNotices } from './kinds';

export type Notice = Schemas['NoticeView'];
export type NoticePage = Schemas['Page_NoticeView'];

export const noticeKeys = {
  all: ['notifications'] as const,
  unreadCount: ['notifications', 'unread-count'] as const,
  list: (unread: boolean, page: number, pageSize: number) =>
    ['notifications', 'list', unread, page, pageSize] as const,
  one: (id: string) => ['notifications', 'one', id] as const,
};

/** How far back a deep link (`/notifications?open=<id>`) looks for its notice. */
export const FIND_WITHIN = 200;

/**
 * One of my notices by id, or null when it is not among my latest `FIND_WITHIN` (the API has no
 * single-notice read; links in messages point at recent ones).
 */
export const findNotice = async (id: string): Promise<Notice | null> =>
  (await listNotices(false, 1, FIND_WITHIN)).items.find((n) => n.id === id) ?? null;

/** A page of my notices; silent ones (`flow.changed`) never show, whatever the server sends. */
export const listNotices = async (
  unread: boolean,
  page: number,
  page_size: number,
): Promise<NoticePage> => {
  const p = await call(
    api.GET('/api/v1/notifications', {
      params: { query: { unread: unread || undefined, page, page_size } },
    }),
  );
  const items = shownNotices(p.items);
  return { ...p, items, total: Math.max(0, p.total - (p.items.length - items.length)) };
};

export const unreadCount = (): Promise<number> =>
  call(api.GET('/api/v1/notifications/unread-count')).then((r) => r.unread);

export const markRead = (id: string): Promise<number> =>
  call(api.POST('/api/v1/notifications/{id}/read', { params: { path: { id } } })).then(
    (r) => r.unread,
  );

export const markAllRead = (): Promise<number> =>
  call(api.POST('/api/v1/notifications/read-all')).then((r) => r.unread);
