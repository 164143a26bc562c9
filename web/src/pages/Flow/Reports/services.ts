import { api, call, type Schemas } from '../../../api/client';

export type ReportSummary = Schemas['ReportSummary'];
export type OverdueReport = Schemas['OverdueReport'];
export type OverdueTask = Schemas['OverdueTask'];
export type NamedCount = Schemas['NamedCount'];

export const reportKeys = {
  all: ['flow', 'reports'] as const,
  list: ['flow', 'reports', 'list'] as const,
  one: (period: string) => ['flow', 'reports', 'one', period] as const,
};

export const listReports = (): Promise<ReportSummary[]> =>
  call(api.GET('/api/v1/flow/reports/overdue'));

export const getReport = (period: string): Promise<OverdueReport> =>
  call(api.GET('/api/v1/flow/reports/overdue/{period}', { params: { path: { period } } }));

/** Makes this week's report now (replacing an earlier one of the same week). */
export const makeReport = (): Promise<OverdueReport> =>
  call(api.POST('/api/v1/flow/reports/overdue'));
