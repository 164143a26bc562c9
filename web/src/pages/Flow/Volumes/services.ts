import { api, call, type Schemas } from '../../../api/client';

export type VolumeReport = Schemas['VolumeReport'];
export type VolumeRow = Schemas['VolumeRow'];
export type MonthTotal = Schemas['MonthTotal'];

export interface VolumeQuery {
  /** First and last month, `YYYY-MM` in the tenant's time zone, inclusive. */
  from: string;
  to: string;
  template_id?: string;
  department_id?: string;
}

export const volumeKeys = {
  report: (q: VolumeQuery) => ['flow', 'volumes', q] as const,
};

export const volumes = (query: VolumeQuery): Promise<VolumeReport> =>
  call(api.GET('/api/v1/flow/volumes', { params: { query } }));
