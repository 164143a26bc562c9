import { api, call, type Schemas } from '../../../api/client';

export type EfficiencyReport = Schemas['EfficiencyReport'];
export type EfficiencyRow = Schemas['EfficiencyRow'];
export type BacklogRow = Schemas['BacklogRow'];

/** What the figures are grouped by. */
export type StatsGroup = 'template' | 'department' | 'person';
export const STATS_GROUPS: readonly StatsGroup[] = ['template', 'department', 'person'];

export interface EfficiencyQuery {
  /** RFC 3339 instants; the period is [from, to). */
  from: string;
  to: string;
  group: StatsGroup;
}

export const statsKeys = {
  efficiency: (q: EfficiencyQuery) => ['flow', 'stats', 'efficiency', q] as const,
  backlog: (days: number) => ['flow', 'stats', 'backlog', days] as const,
};

export const efficiency = (query: EfficiencyQuery): Promise<EfficiencyReport> =>
  call(api.GET('/api/v1/flow/stats/efficiency', { params: { query } }));

export const backlog = (older_than_days: number): Promise<BacklogRow[]> =>
  call(api.GET('/api/v1/flow/stats/backlog', { params: { query: { older_than_days } } }));
