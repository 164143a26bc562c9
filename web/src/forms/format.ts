/** How form values read on screen and on paper. */
import { uppercaseAmount } from './amount';
import { type Field, isMoney, precisionOf } from './types';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `1234.5` → `1,234.50` with the field's precision (money: 2). */
export function formatNumber(n: number, precision?: number): string {
  return new Intl.NumberFormat('en-US', {
    minimumFractionDigits: precision ?? 0,
    maximumFractionDigits: precision ?? 6,
  }).format(n);
}

/** The uppercase amount of a money value, or `''`. */
export function moneyUpper(v: unknown): string {
  return typeof v === 'number' ? (uppercaseAmount(v) ?? '') : '';
}

/** Names of picked people/departments, a related approval's title, file names. */
function refText(v: unknown): string {
  if (Array.isArray(v)) return v.map(refText).filter(Boolean).join('、');
  if (!isRecord(v)) return '';
  for (const k of ['name', 'title', 'id'] as const)
    if (typeof v[k] === 'string') return v[k] as string;
  return '';
}

/** A value as plain text (tables, print, read-only fields); `''` when empty. */
export function valueText(f: Field, v: unknown): string {
  if (v === undefined || v === null) return '';
  switch (f.kind) {
    case 'number':
    case 'money':
    case 'percent':
    case 'computed': {
      if (typeof v !== 'number') return String(v);
      const p = f.kind === 'number' ? f.precision : precisionOf(f);
      const text = formatNumber(v, f.kind === 'computed' && !isMoney(f) ? undefined : p);
      if (f.kind === 'percent') return `${text}%`;
      return isMoney(f) ? `¥${text}` : text;
    }
    case 'multi_select':
    case 'checkbox':
      return Array.isArray(v) ? v.map(String).join('、') : String(v);
    case 'date_range': {
      if (!isRecord(v)) return '';
      const range = `${v.start ?? ''} ~ ${v.end ?? ''}`;
      return range;
    }
    case 'address':
      return isRecord(v)
        ? [v.region, v.detail].filter((s) => typeof s === 'string' && s).join(' ')
        : '';
    case 'user':
    case 'department':
    case 'related':
    case 'attachments':
    case 'image':
    case 'signature':
      return refText(v);
    default:
      return typeof v === 'string' ? v : JSON.stringify(v);
  }
}

/** `2024-05-01`: today's date of a dayjs-free Date, for file names. */
export const fileStamp = (d = new Date()): string =>
  `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}-${String(d.getHours()).padStart(2, '0')}${String(d.getMinutes()).padStart(2, '0')}${String(d.getSeconds()).padStart(2, '0')}`;

/** Human file size: `12 KB`, `3.4 MB`. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
