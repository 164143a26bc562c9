import { api, call, type Schemas } from '../../api/client';

export type FlowItem = Schemas['FlowItem'];
export type FlowPage = Schemas['Page_FlowItem'];
export type Counts = Schemas['Counts'];
export type InstanceView = Schemas['InstanceView'];
export type MyTask = Schemas['MyTask'];
export type TaskView = Schemas['TaskView'];
export type HistoryView = Schemas['HistoryView'];
export type RouteStep = Schemas['RouteStep'];
export type FormSpec = Schemas['FormSpec'];
export type FormField = Schemas['Field'];
export type TaskAction = Schemas['TaskAction'];
export type InstanceAction = Schemas['InstanceAction'];
export type BulkOutcome = Schemas['BulkOutcome'];
export type InstanceDiagram = Schemas['Diagram'];

/** The tabs of the todo centre, in order, as they appear in the URL (`/approvals/:tab`). */
export const TABS = ['todo', 'done', 'started', 'cc', 'to-read'] as const;
export type Tab = (typeof TABS)[number];

export const isTab = (v: string | undefined): v is Tab =>
  (TABS as readonly string[]).includes(v ?? '');

/** Each tab's list API. */
const PATHS = {
  todo: '/api/v1/flow/todo',
  done: '/api/v1/flow/done',
  started: '/api/v1/flow/started',
  cc: '/api/v1/flow/cc',
  'to-read': '/api/v1/flow/to-read',
} as const;

/** Each tab's entry of `Counts`. */
export const COUNT_OF: Record<Tab, keyof Counts> = {
  todo: 'todo',
  done: 'done',
  started: 'started',
  cc: 'cc',
  'to-read': 'to_read',
};

/** What the list APIs filter on (`ListQuery` on the server). */
export interface ListFilters {
  q?: string;
  template_id?: string;
  /** `YYYY-MM-DD`, tenant time zone, inclusive. */
  from?: string;
  to?: string;
  /** `running`, `approved`, `rejected`, `cancelled`. */
  status?: string;
  /** `time`, `-time`, `created_at`, `-created_at`, `due_at`, `-due_at` (task lists). */
  sort?: string;
  /** 抄送我的 only. */
  read?: boolean;
}

/**
 * Query keys. Everything lives under `['flow', …]`: the workbench's counts and todo preview
 * (`['flow', 'counts']`, `['flow', 'todo', 'preview']`) are the same entries, so one
 * invalidation refreshes the menu badges, the workbench and the lists together.
 */
export const approvalKeys = {
  counts: ['flow', 'counts'] as const,
  list: (tab: Tab) => ['flow', tab] as const,
  page: (tab: Tab, f: ListFilters, page: number, pageSize: number) =>
    ['flow', tab, 'page', f, page, pageSize] as const,
  /** The next todo to offer after handling one. */
  nextTodo: ['flow', 'todo', 'next'] as const,
  instance: (id: string) => ['flow', 'instance', id] as const,
  route: (id: string) => ['flow', 'instance', id, 'route'] as const,
  diagram: (id: string) => ['flow', 'instance', id, 'diagram'] as const,
  superiors: (userId: string) => ['flow', 'superiors', userId] as const,
  user: (id: string) => ['flow', 'user', id] as const,
};

/** Counts are pushed live; polling at this pace (and on focus) is only the fallback. */
export const COUNTS_POLL_MS = 60_000;

export const fetchCounts = (): Promise<Counts> => call(api.GET('/api/v1/flow/counts'));

export const listItems = (
  tab: Tab,
  f: ListFilters,
  page: number,
  page_size: number,
): Promise<FlowPage> =>
  call(
    api.GET(PATHS[tab], {
      params: {
        query: {
          ...f,
          q: f.q?.trim() || undefined,
          read: tab === 'cc' ? f.read : undefined,
          page,
          page_size,
        },
      },
    }),
  );

export const getInstance = (id: string): Promise<InstanceView> =>
  call(api.GET('/api/v1/flow/instances/{id}', { params: { path: { id } } }));

export const getRoute = (id: string): Promise<RouteStep[]> =>
  call(api.GET('/api/v1/flow/instances/{id}/route', { params: { path: { id } } }));

/** The instance's flow as BPMN with the nodes open now (for anyone who may see the instance). */
export const getDiagram = (id: string): Promise<InstanceDiagram> =>
  call(api.GET('/api/v1/flow/instances/{id}/diagram', { params: { path: { id } } }));

/** A fresh key for one attempt at an action: a retry with it has no second effect. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export const actOnTask = (taskId: string, body: TaskAction, key: string): Promise<InstanceView> =>
  call(
    api.POST('/api/v1/flow/tasks/{id}/actions', {
      params: { path: { id: taskId }, header: { 'Idempotency-Key': key } },
      body,
    }),
  );

export const actOnInstance = (
  id: string,
  body: InstanceAction,
  key: string,
): Promise<InstanceView> =>
  call(
    api.POST('/api/v1/flow/instances/{id}/actions', {
      params: { path: { id }, header: { 'Idempotency-Key': key } },
      body,
    }),
  );

export const markCcRead = (id: string): Promise<InstanceView> =>
  call(api.POST('/api/v1/flow/instances/{id}/cc/read', { params: { path: { id } } }));

export const bulkApprove = (task_ids: string[], opinion: string): Promise<BulkOutcome[]> =>
  call(api.POST('/api/v1/flow/tasks/bulk-approve', { body: { task_ids, opinion } }));

/** The initiator's supervisors up the chain (R5: a superior must take a stance). */
export const superiorsOf = async (userId: string): Promise<string[]> =>
  (
    await call(
      api.GET('/api/v1/users/{id}/supervisors', {
        params: { path: { id: userId }, query: { levels: 16 } },
      }),
    )
  ).map((u) => u.id);

export const getUserName = async (id: string): Promise<string> =>
  (await call(api.GET('/api/v1/users/{id}', { params: { path: { id } } }))).display_name;
