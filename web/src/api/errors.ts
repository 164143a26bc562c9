import { translate } from '../i18n/locale';

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** A failed API call, in the server's one error shape. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];
  readonly details: Record<string, unknown>;
  readonly requestId?: string;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    fields?: FieldError[];
    details?: Record<string, unknown>;
    requestId?: string;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields ?? [];
    this.details = init.details ?? {};
    this.requestId = init.requestId;
  }

  /** True when the request never reached the server (offer a retry). */
  get isNetwork(): boolean {
    return this.status === 0;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function toApiError(status: number, body: unknown): ApiError {
  if (isRecord(body) && typeof body.code === 'string') {
    const fields = Array.isArray(body.fields)
      ? body.fields.filter(
          (f): f is FieldError =>
            isRecord(f) && typeof f.field === 'string' && typeof f.message === 'string',
        )
      : [];
    return new ApiError({
      status,
      code: body.code,
      message: typeof body.message === 'string' ? body.message : body.code,
      fields,
      details: isRecord(body.details) ? body.details : {},
      requestId: typeof body.request_id === 'string' ? body.request_id : undefined,
    });
  }
  return new ApiError({
    status,
    code: `http.${status}`,
    message: translate('error.http', { status }),
  });
}

export function networkError(cause: unknown): ApiError {
  const err = new ApiError({ status: 0, code: 'network', message: translate('error.network') });
  (err as { cause?: unknown }).cause = cause;
  return err;
}

export type AuthEvent = 'unauthenticated' | 'password_change_required' | 'totp_enrollment_required';
type Listener = (event: AuthEvent) => void;
const listeners = new Set<Listener>();

/** Subscribe to session-level failures seen by any request. */
export function onAuthEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function emitAuthEvent(error: ApiError, path: string): void {
  let event: AuthEvent | undefined;
  if (error.code === 'auth.password_change_required') event = 'password_change_required';
  else if (error.code === 'auth.totp_enrollment_required') event = 'totp_enrollment_required';
  else if (error.code === 'auth.unauthenticated' && !path.endsWith('/auth/login'))
    event = 'unauthenticated';
  if (event) for (const l of listeners) l(event);
}
