import { api, call, type Schemas } from '../../api/client';

export type LoginRequest = Schemas['LoginRequest'];
export type LoginResponse = Schemas['LoginResponse'];

export function login(body: LoginRequest): Promise<LoginResponse> {
  return call(api.POST('/api/v1/auth/login', { body }), '/api/v1/auth/login');
}
