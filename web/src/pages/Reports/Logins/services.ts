import { api, call, type Schemas } from '../../../api/client';

export type LoginReport = Schemas['LoginReport'];
export type LoginReportRow = Schemas['LoginReportRow'];
export type LoginRecord = Schemas['LoginRecordView'];
export type LoginRecordPage = Schemas['Page_LoginRecordView'];

export interface ReportQuery {
  from: string;
  to: string;
  department_id?: string;
}

export const reportKey = (q: ReportQuery) => ['reports', 'logins', q] as const;
export const recordsKey = (q: {
  user_id?: string;
  from?: string;
  to?: string;
  page: number;
  page_size: number;
}) => ['reports', 'login-records', q] as const;

export const loginReport = (query: ReportQuery): Promise<LoginReport> =>
  call(api.GET('/api/v1/reports/logins', { params: { query } }));

export const loginRecords = (query: {
  user_id?: string;
  from?: string;
  to?: string;
  page: number;
  page_size: number;
}): Promise<LoginRecordPage> => call(api.GET('/api/v1/login-records', { params: { query } }));
