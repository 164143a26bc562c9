import { api, call, type Schemas } from '../../../api/client';

export type Job = Schemas['JobView'];
export type JobPage = Schemas['JobPage'];
export type JobCounts = Schemas['JobCounts'];

export interface JobFilters {
  /** `pending`, `running`, `done`, `failed` or `cancelled`; every state when absent. */
  state?: string;
  /** Exact kind, e.g. `flow.timer`. */
  kind?: string;
}

export const jobsKeys = {
  all: ['jobs'] as const,
  list: (f: JobFilters, page: number, pageSize: number) => ['jobs', f, page, pageSize] as const,
};

export const listJobs = (f: JobFilters, page: number, page_size: number): Promise<JobPage> =>
  call(api.GET('/api/v1/admin/jobs', { params: { query: { ...f, page, page_size } } }));

export const retryJob = (id: string): Promise<Job> =>
  call(api.POST('/api/v1/admin/jobs/{id}/retry', { params: { path: { id } } }));

export const cancelJob = (id: string): Promise<Job> =>
  call(api.POST('/api/v1/admin/jobs/{id}/cancel', { params: { path: { id } } }));

export const probeJob = (): Promise<Job> => call(api.POST('/api/v1/admin/jobs/probe'));
