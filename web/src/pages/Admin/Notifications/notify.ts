import {
  type ChannelKind,
  isChannelKind,
  isMailSecurity,
  type MailSecurity,
  type NotifyAdminSettings,
  type NotifyAdminSettingsUpdate,
  type NotifyChannel,
  type NotifyChannelBody,
} from './services';

/** The usual port for each kind of connection security. */
export const DEFAULT_PORT: Record<MailSecurity, number> = { none: 25, starttls: 587, tls: 465 };

/** Digest times when none are set yet. */
export const DEFAULT_DIGEST_TIMES = ['08:30', '13:30'];

/** Times offered in the digest picker (others may be typed). */
export const SUGGESTED_TIMES = ['08:00', '08:30', '09:00', '12:00', '13:30', '17:00', '17:30'];

/** `H:MM` or `HH:MM` (00:00–23:59) as `HH:MM`; anything else: null. */
export function normaliseTime(v: string): string | null {
  const m = /^\s*(\d{1,2})[:：](\d{2})\s*$/.exec(v);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return null;
  return `${String(h).padStart(2, '0')}:${m[2]}`;
}

/** Valid times, normalised, once each, in the order of the day. */
export function digestTimes(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    const t = normaliseTime(v);
    if (t) out.add(t);
  }
  return [...out].sort();
}

/** What the mail server and digest form edits. */
export interface AdminFormValues {
  mail: {
    enabled: boolean;
    host: string;
    port: number | null;
    security: MailSecurity;
    username: string;
    /** Typed new password; empty keeps the stored one. */
    password?: string;
    /** Forget the stored password. */
    clear_password?: boolean;
    from_address: string;
    from_name: string;
  };
  digest: { enabled: boolean; times: string[] };
}

export function toAdminForm(s: NotifyAdminSettings): AdminFormValues {
  const { has_password: _, ...mail } = s.mail;
  return {
    mail: {
      ...mail,
      // An unknown value (a newer server) shows as the common choice.
      security: isMailSecurity(mail.security) ? mail.security : 'starttls',
      password: '',
      clear_password: false,
    },
    digest: { enabled: s.digest.enabled, times: [...s.digest.times] },
  };
}

/**
 * The PUT body. The password is sent only when typed (a new one) or cleared on purpose (`""`);
 * absent, the server keeps the stored one.
 */
export function toAdminUpdate(v: AdminFormValues): NotifyAdminSettingsUpdate {
  const { password, clear_password, port, ...mail } = v.mail;
  const body: NotifyAdminSettingsUpdate = {
    mail: {
      ...mail,
      host: mail.host.trim(),
      port: port ?? DEFAULT_PORT[mail.security],
      username: mail.username.trim(),
      from_address: mail.from_address.trim(),
      from_name: mail.from_name.trim(),
    },
    digest: { enabled: v.digest.enabled, times: digestTimes(v.digest.times) },
  };
  if (clear_password) body.mail.password = '';
  else if (password) body.mail.password = password;
  return body;
}

/** Whether a kind of channel signs its messages with a secret (WeCom robots do not). */
export const hasSecret = (kind: ChannelKind): boolean => kind !== 'wecom';

/** What the channel dialog edits. */
export interface ChannelFormValues {
  kind: ChannelKind;
  name: string;
  url: string;
  secret?: string;
  clear_secret?: boolean;
  events: string[];
  enabled: boolean;
}

export const NEW_CHANNEL: ChannelFormValues = {
  kind: 'wecom',
  name: '',
  url: '',
  secret: '',
  clear_secret: false,
  events: [],
  enabled: true,
};

export function toChannelForm(c: NotifyChannel): ChannelFormValues {
  return {
    kind: isChannelKind(c.kind) ? c.kind : 'webhook',
    name: c.name,
    url: c.url,
    secret: '',
    clear_secret: false,
    events: [...c.events],
    enabled: c.enabled,
  };
}

/**
 * The POST/PUT body. The secret is sent when typed; `""` when cleared on purpose or when the
 * channel became a kind without one; otherwise absent (the server keeps the stored one).
 */
export function toChannelBody(v: ChannelFormValues, existing?: NotifyChannel): NotifyChannelBody {
  const body: NotifyChannelBody = {
    kind: v.kind,
    name: v.name.trim(),
    url: v.url.trim(),
    events: [...(v.events ?? [])],
    enabled: v.enabled,
  };
  const typed = v.secret?.trim() ?? '';
  if (!hasSecret(v.kind)) {
    if (existing?.has_secret) body.secret = '';
  } else if (v.clear_secret) body.secret = '';
  else if (typed) body.secret = typed;
  return body;
}

/** A DingTalk 加签 secret starts with `SEC`. */
export const validDingTalkSecret = (s: string): boolean => s.trim() === '' || /^SEC/.test(s.trim());
