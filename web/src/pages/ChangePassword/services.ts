import { useQuery } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../api/client';
import { DEFAULT_POLICY, type PasswordPolicy } from '../../utils/password';

export type PasswordChange = Schemas['ChangePasswordRequest'];

export function changePassword(body: PasswordChange): Promise<void> {
  return call(api.POST('/api/v1/auth/password', { body }));
}

async function fetchPolicy(): Promise<PasswordPolicy> {
  try {
    return await call(api.GET('/api/v1/auth/password-policy'));
  } catch {
    // The rules shown are a guide; the server checks the real ones on submit.
    return DEFAULT_POLICY;
  }
}

export const passwordPolicyKey = ['password-policy'] as const;

export function usePasswordPolicy() {
  return useQuery({ queryKey: passwordPolicyKey, queryFn: fetchPolicy, staleTime: 300_000 });
}
