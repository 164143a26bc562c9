import { api, call, type Schemas, upload } from '../api/client';
import type { FileRef } from './types';

export type FlowItem = Schemas['FlowItem'];

export const formKeys = {
  related: (list: RelatedList, q: string, templateId?: string) =>
    ['forms', 'related', list, q, templateId ?? ''] as const,
};

/** Uploads one file (`POST /api/v1/files`, multipart field `file`). */
export function uploadFile(file: Blob, name?: string): Promise<FileRef> {
  const form = new FormData();
  if (name !== undefined) form.append('file', file, name);
  else form.append('file', file);
  return upload<FileRef>('/api/v1/files', form);
}

/** Where a stored file is downloaded (and images shown) with the session. */
export const fileUrl = (id: string): string => `/api/v1/files/${encodeURIComponent(id)}`;

export type RelatedList = 'started' | 'done';

/** Approved instances from 我发起的 or 已办, searched by title or serial number. */
export async function searchApproved(
  list: RelatedList,
  q: string,
  templateId?: string,
): Promise<FlowItem[]> {
  const query = {
    q: q || undefined,
    status: 'approved',
    template_id: templateId,
    page: 1,
    page_size: 20,
  };
  const page =
    list === 'started'
      ? await call(api.GET('/api/v1/flow/started', { params: { query } }))
      : await call(api.GET('/api/v1/flow/done', { params: { query } }));
  return page.items as FlowItem[];
}
