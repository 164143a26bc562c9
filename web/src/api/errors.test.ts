import { afterEach, describe, expect, it } from 'vitest';
import { type AuthEvent, emitAuthEvent, onAuthEvent, toApiError } from './errors';

let off: (() => void) | undefined;
afterEach(() => off?.());

function eventFor(code: string, status: number, path = '/api/v1/workbench'): AuthEvent[] {
  const seen: AuthEvent[] = [];
  off = onAuthEvent((e) => seen.push(e));
  emitAuthEvent(toApiError(status, { code, message: 'x', request_id: 'r' }), path);
  off();
  return seen;
}

describe('auth events', () => {
  it('maps session-level failures to events', () => {
    expect(eventFor('auth.unauthenticated', 401)).toEqual(['unauthenticated']);
    expect(eventFor('auth.password_change_required', 403)).toEqual(['password_change_required']);
    expect(eventFor('auth.totp_enrollment_required', 403)).toEqual(['totp_enrollment_required']);
  });

  it('ignores a failed sign-in and ordinary refusals', () => {
    expect(eventFor('auth.unauthenticated', 401, '/api/v1/auth/login')).toEqual([]);
    expect(eventFor('auth.forbidden', 403)).toEqual([]);
  });
});
