import type { EnumFunction } from '../../../i18n';
import type { JobCounts } from './services';

/** The job states, in the order the filter shows them. */
export const JOB_STATES = ['pending', 'running', 'failed', 'done', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** The state filter: one state, or every job. */
export type StateFilter = JobState | 'all';

/** Kinds the server runs today; others are shown as the server names them. */
export const KNOWN_KINDS = [
  'flow.timer',
  'flow.overdue',
  'report.weekly_overdue',
  'notify.dispatch',
  'notify.email',
  'notify.push',
  'notify.channel',
  'notify.digest',
  'system.probe',
] as const;

export function isJobState(v: unknown): v is JobState {
  return typeof v === 'string' && (JOB_STATES as readonly string[]).includes(v);
}

/** The colour of a state's tag (antd preset or status colours). */
export function stateColor(state: string): string {
  switch (state) {
    case 'pending':
      return 'blue';
    case 'running':
      return 'processing';
    case 'done':
      return 'success';
    case 'failed':
      return 'error';
    default:
      return 'default';
  }
}

/** A state's label in the UI language; an unknown state as the server names it. */
export const stateLabel = (state: string, te: EnumFunction): string => te('jobs.state', state);

/** A kind's label in the UI language; an unknown kind as the server names it. */
export const kindLabel = (kind: string, te: EnumFunction): string => te('jobs.kind', kind);

/** Only failed and cancelled jobs can run again. */
export const canRetry = (state: string): boolean => state === 'failed' || state === 'cancelled';

/** Only jobs still waiting can be cancelled. */
export const canCancel = (state: string): boolean => state === 'pending';

/** How many jobs a filter tab stands for. */
export function countFor(counts: JobCounts | undefined, filter: StateFilter): number {
  if (!counts) return 0;
  if (filter !== 'all') return counts[filter];
  return JOB_STATES.reduce((n, s) => n + counts[s], 0);
}

/** The kind filter's choices: the known kinds, then any other seen in the list or selected. */
export function kindOptions(seen: readonly (string | undefined)[]): string[] {
  const out: string[] = [...KNOWN_KINDS];
  for (const k of seen) if (k && !out.includes(k)) out.push(k);
  return out;
}
