import { api, call, type Schemas } from '../../../api/client';

export type MailSecurity = 'none' | 'starttls' | 'tls';
export const MAIL_SECURITY: readonly MailSecurity[] = ['none', 'starttls', 'tls'];
export const isMailSecurity = (v: unknown): v is MailSecurity =>
  typeof v === 'string' && (MAIL_SECURITY as readonly string[]).includes(v);

/** The mail server as administrators see it (`has_password`, never the password). */
export type MailSettings = Schemas['MailSettingsView'];
/** Working-day digest times, local `HH:MM`. */
export type DigestSettings = Schemas['DigestConfig'];
export type NotifyAdminSettings = Schemas['NotifyAdminSettings'];
/** `mail.password` absent: keep the stored one; `""`: clear it. */
export type NotifyAdminSettingsUpdate = Schemas['NotifyAdminSettingsInput'];

export type ChannelKind = 'wecom' | 'dingtalk' | 'feishu' | 'webhook';
export const CHANNEL_KINDS: readonly ChannelKind[] = ['wecom', 'dingtalk', 'feishu', 'webhook'];
export const isChannelKind = (v: unknown): v is ChannelKind =>
  typeof v === 'string' && (CHANNEL_KINDS as readonly string[]).includes(v);

/** A group robot or webhook; `events` empty: every flow event. */
export type NotifyChannel = Schemas['NotifyChannel'];
/** On update `secret` absent keeps the stored one, `""` clears it. */
export type NotifyChannelBody = Schemas['NotifyChannelInput'];

export const notifyAdminKeys = {
  settings: ['admin', 'notification-settings'] as const,
  channels: ['admin', 'notify-channels'] as const,
};

export const getAdminSettings = (): Promise<NotifyAdminSettings> =>
  call(api.GET('/api/v1/admin/notification-settings'));
export const putAdminSettings = (body: NotifyAdminSettingsUpdate): Promise<NotifyAdminSettings> =>
  call(api.PUT('/api/v1/admin/notification-settings', { body }));
/** Resolves when the mail server accepted it; else an ApiError carrying the server's answer. */
export const sendTestMail = async (to: string): Promise<void> => {
  await call(api.POST('/api/v1/admin/notification-settings/test-mail', { body: { to } }));
};

export const listChannels = (): Promise<NotifyChannel[]> =>
  call(api.GET('/api/v1/admin/notify-channels'));
export const createChannel = (body: NotifyChannelBody): Promise<NotifyChannel> =>
  call(api.POST('/api/v1/admin/notify-channels', { body }));
export const updateChannel = (id: string, body: NotifyChannelBody): Promise<NotifyChannel> =>
  call(api.PUT('/api/v1/admin/notify-channels/{id}', { params: { path: { id } }, body }));
export const deleteChannel = async (id: string): Promise<void> => {
  await call(api.DELETE('/api/v1/admin/notify-channels/{id}', { params: { path: { id } } }));
};
/** Resolves when the receiver accepted it; else an ApiError carrying the receiver's answer. */
export const testChannel = async (id: string): Promise<void> => {
  await call(api.POST('/api/v1/admin/notify-channels/{id}/test', { params: { path: { id } } }));
};
