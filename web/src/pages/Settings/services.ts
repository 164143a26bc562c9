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

// Notification settings and Web Push.

/** Which channels carry one event kind to me (in-app always does). */
export type NotifyEventPref = Schemas['EventChannels'];
/** Local `HH:MM`, start to end; may pass midnight (22:00–08:00). */
export type QuietHours = Schemas['QuietHours'];
export type NotifySettings = Schemas['NotifySettings'];
export type NotifySettingsUpdate = Schemas['NotifySettingsInput'];
/** A browser that receives my push messages. */
export type PushDevice = Schemas['PushDevice'];
export type NewPushSubscription = Schemas['PushSubscriptionInput'];

export const notifyKeys = {
  settings: ['me', 'notification-settings'] as const,
  devices: ['me', 'push-devices'] as const,
};

export const getNotifySettings = (): Promise<NotifySettings> =>
  call(api.GET('/api/v1/me/notification-settings'));
export const putNotifySettings = (body: NotifySettingsUpdate): Promise<NotifySettings> =>
  call(api.PUT('/api/v1/me/notification-settings', { body }));

export const getPushPublicKey = (): Promise<string> =>
  call(api.GET('/api/v1/push/public-key')).then((r) => r.public_key);
export const listPushDevices = (): Promise<PushDevice[]> =>
  call(api.GET('/api/v1/push/subscriptions'));
export const addPushDevice = (body: NewPushSubscription): Promise<PushDevice> =>
  call(api.POST('/api/v1/push/subscriptions', { body }));
export const removePushDevice = (id: string): Promise<void> =>
  call(api.DELETE('/api/v1/push/subscriptions/{id}', { params: { path: { id } } }));
export const sendTestPush = (): Promise<number> =>
  call(api.POST('/api/v1/push/test')).then((r) => r.sent);
