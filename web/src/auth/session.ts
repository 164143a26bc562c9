import { type QueryClient, useQuery } from '@tanstack/react-query';
import { ApiError, api, call, type Schemas } from '../api/client';

export type Me = Schemas['MeView'];

export const meKey = ['me'] as const;

/** The signed-in user, or null when nobody is signed in. */
export async function fetchMe(): Promise<Me | null> {
  try {
    return await call(api.GET('/api/v1/me'), '/api/v1/me');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export function useMe() {
  return useQuery<Me | null, ApiError>({
    queryKey: meKey,
    queryFn: fetchMe,
    staleTime: 60_000,
    retry: (count, error) => error.isNetwork && count < 2,
  });
}

/** Where a user who must enrol in two-factor sign-in is kept. */
export const TOTP_ENROL_PATH = '/settings/security';

export const totpRequiredKey = ['totp-enrolment-required'] as const;

/**
 * True once the server said this user must enrol in two-factor sign-in before anything else
 * (the tenant requires it): from the sign-in response or an `auth.totp_enrollment_required`.
 */
export function useTotpEnrolmentRequired(): boolean {
  const { data } = useQuery({
    queryKey: totpRequiredKey,
    queryFn: () => false,
    initialData: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
  return data;
}

export function mustChangePassword(me: Me | null | undefined, error: ApiError | null): boolean {
  return Boolean(me?.must_change_password) || error?.code === 'auth.password_change_required';
}

export async function logout(queryClient: QueryClient): Promise<void> {
  try {
    await call(api.POST('/api/v1/auth/logout'));
  } finally {
    queryClient.clear();
    queryClient.setQueryData(meKey, null);
  }
}

export function patchMyLocale(locale: 'zh-CN' | 'en'): Promise<Me> {
  return call(api.PATCH('/api/v1/me', { body: { locale } }));
}
