import { api, call, type Schemas } from '../../api/client';

export type Me = Schemas['MeView'];
export type MePatch = Schemas['UpdateMeRequest'];
export type Session = Schemas['SessionView'];
export type ApiToken = Schemas['TokenInfo'];
export type ApiTokenCreate = Schemas['CreateTokenRequest'];
export type ApiTokenCreated = Schemas['CreatedToken'];
export type TotpSetup = Schemas['TotpSetup'];
export type AuditPage = Schemas['Page_AuditEntryView'];

export const settingsKeys = {
  sessions: ['me', 'sessions'] as const,
  tokens: ['me', 'tokens'] as const,
  events: (page: number, pageSize: number) => ['me', 'account-events', page, pageSize] as const,
};

export const patchMe = (body: MePatch): Promise<Me> => call(api.PATCH('/api/v1/me', { body }));

export const listSessions = (): Promise<Session[]> => call(api.GET('/api/v1/me/sessions'));
export const revokeSession = (id: string): Promise<void> =>
  call(api.DELETE('/api/v1/me/sessions/{id}', { params: { path: { id } } }));
export const revokeOtherSessions = (): Promise<void> =>
  call(api.POST('/api/v1/me/sessions/revoke-others'));

export const totpSetup = (): Promise<TotpSetup> => call(api.POST('/api/v1/me/totp/setup'));
export const totpEnable = (code: string): Promise<string[]> =>
  call(api.POST('/api/v1/me/totp/enable', { body: { code } })).then((r) => r.recovery_codes);
export const totpDisable = (password: string): Promise<void> =>
  call(api.POST('/api/v1/me/totp/disable', { body: { password } }));

export const listTokens = (): Promise<ApiToken[]> => call(api.GET('/api/v1/me/tokens'));
export const createToken = (body: ApiTokenCreate): Promise<ApiTokenCreated> =>
  call(api.POST('/api/v1/me/tokens', { body }));
export const deleteToken = (id: string): Promise<void> =>
  call(api.DELETE('/api/v1/me/tokens/{id}', { params: { path: { id } } }));

export const listAccountEvents = (page: number, pageSize: number): Promise<AuditPage> =>
  call(api.GET('/api/v1/me/account-events', { params: { query: { page, page_size: pageSize } } }));
