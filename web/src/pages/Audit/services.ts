import { api, call, type Schemas } from '../../api/client';

export type AuditEntry = Schemas['AuditEntryView'];
export type AuditPage = Schemas['Page_AuditEntryView'];

export interface AuditFilters {
  actor_id?: string;
  action?: string;
  target_type?: string;
  target_id?: string;
  /** RFC 3339 instants. */
  from?: string;
  to?: string;
  q?: string;
}

export const auditKey = (f: AuditFilters, page: number, pageSize: number) =>
  ['audit', f, page, pageSize] as const;

export const listAudit = (f: AuditFilters, page: number, page_size: number): Promise<AuditPage> =>
  call(api.GET('/api/v1/audit', { params: { query: { ...f, page, page_size } } }));

/** The CSV export link for the same filters (downloaded by the browser with the session). */
export function auditExportUrl(f: AuditFilters): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  const qs = p.toString();
  return `/api/v1/audit/export.csv${qs ? `?${qs}` : ''}`;
}
