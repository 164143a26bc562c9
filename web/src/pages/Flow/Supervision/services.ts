import { api, call, type Schemas } from '../../../api/client';

export type SupervisionPage = Schemas['SupervisionPage'];
export type SupervisedTask = SupervisionPage['items'][number];
export type SupervisionCounts = Schemas['SupervisionCounts'];
export type NewViolation = Schemas['NewViolation'];
export type Violation = Schemas['ViolationView'];

/** The console's filter: every open task, the overdue ones, or those due within 24 hours. */
export type TaskFilter = 'all' | 'overdue' | 'due_soon';
export const TASK_FILTERS: readonly TaskFilter[] = ['all', 'overdue', 'due_soon'];

export interface SupervisionQuery {
  filter: TaskFilter;
  template_id?: string;
  page: number;
  page_size: number;
}

export const supervisionKeys = {
  all: ['flow', 'supervision'] as const,
  list: (q: SupervisionQuery) => ['flow', 'supervision', q] as const,
};

export const listSupervised = (q: SupervisionQuery): Promise<SupervisionPage> =>
  call(api.GET('/api/v1/flow/supervision', { params: { query: q } }));

/** 催办 one task of an instance: its handler is reminded (once an hour per person and instance). */
export const urgeTask = async (task: SupervisedTask): Promise<void> => {
  await call(
    api.POST('/api/v1/flow/instances/{id}/actions', {
      params: { path: { id: task.instance_id } },
      body: { action: 'urge', task_id: task.task_id },
    }),
  );
};

/** 换人: the task moves to `to`, with a reason; both are told and the history shows it. */
export const replaceHandler = async (
  task: SupervisedTask,
  body: { to: string; reason: string },
): Promise<void> => {
  await call(
    api.POST('/api/v1/flow/instances/{id}/actions', {
      params: { path: { id: task.instance_id } },
      body: { action: 'replace_handler', task_id: task.task_id, ...body },
    }),
  );
};

export const recordViolation = (body: NewViolation): Promise<Violation> =>
  call(api.POST('/api/v1/flow/violations', { body }));

/** The kinds of violation, in the order the form offers them. */
export const VIOLATION_KINDS = ['overdue', 'opinion', 'other'] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];
