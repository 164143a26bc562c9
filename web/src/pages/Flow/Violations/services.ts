import { api, call, type Schemas } from '../../../api/client';

export type Violation = Schemas['ViolationView'];
export type ViolationPage = Schemas['Page_ViolationView'];
export type ViolationReport = Schemas['ViolationReport'];
export type PersonViolations = Schemas['PersonViolations'];
export type DepartmentViolations = Schemas['DepartmentViolations'];

export interface ViolationFilters {
  /** `YYYY-MM` in the tenant's time zone. */
  month?: string;
  person_id?: string;
  department_id?: string;
  template_id?: string;
}

export const violationKeys = {
  all: ['flow', 'violations'] as const,
  list: (f: ViolationFilters, page: number, pageSize: number) =>
    ['flow', 'violations', 'list', f, page, pageSize] as const,
  report: (month: string) => ['flow', 'violations', 'report', month] as const,
};

export const listViolations = (
  f: ViolationFilters,
  page: number,
  page_size: number,
): Promise<ViolationPage> =>
  call(api.GET('/api/v1/flow/violations', { params: { query: { ...f, page, page_size } } }));

export const violationReport = (month: string): Promise<ViolationReport> =>
  call(api.GET('/api/v1/flow/violations/report', { params: { query: { month } } }));

/** The month's report as an Excel file (downloaded by the browser with the session). */
export const violationReportXlsxUrl = (month: string): string =>
  `/api/v1/flow/violations/report?month=${encodeURIComponent(month)}&format=xlsx`;
