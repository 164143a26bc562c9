import createClient from 'openapi-fetch';
import { getLocale } from '../i18n/locale';
import { ApiError, emitAuthEvent, networkError, toApiError } from './errors';
import type { components, paths } from './schema';

/** Schemas of the server's OpenAPI document, by name. */
export type Schemas = components['schemas'];

function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** Headers every request carries: the UI language, and the CSRF token on writes. */
export function commonHeaders(method: string): Record<string, string> {
  const headers: Record<string, string> = { 'Accept-Language': getLocale() };
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = readCookie('xt_csrf');
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  return headers;
}

export const api = createClient<paths>({
  baseUrl: typeof window === 'undefined' ? 'http://localhost' : window.location.origin,
  credentials: 'same-origin',
  // Looked up per call, so tests (and polyfills) can replace it.
  fetch: (request: Request) => globalThis.fetch(request),
});

api.use({
  onRequest({ request }) {
    for (const [k, v] of Object.entries(commonHeaders(request.method))) request.headers.set(k, v);
    return request;
  },
});

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Awaits an openapi-fetch call and returns its data, or throws an ApiError. */
export async function call<T>(request: Promise<FetchResult<T>>, path?: string): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await request;
  } catch (e) {
    throw networkError(e);
  }
  if (!result.response.ok) {
    const error = toApiError(result.response.status, result.error);
    emitAuthEvent(error, path ?? new URL(result.response.url || 'http://x/').pathname);
    throw error;
  }
  return result.data as T;
}

/** Multipart upload (openapi-fetch does not build FormData bodies for us). */
export async function upload<T>(path: string, form: FormData): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
      headers: commonHeaders('POST'),
    });
  } catch (e) {
    throw networkError(e);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = toApiError(response.status, body);
    emitAuthEvent(error, path);
    throw error;
  }
  return body as T;
}

export { ApiError };
