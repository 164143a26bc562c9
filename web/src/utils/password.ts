export interface PasswordPolicy {
  min_length: number;
  min_classes: number;
  forbid_sequences: boolean;
  forbid_username: boolean;
  forbid_common: boolean;
}

export const DEFAULT_POLICY: PasswordPolicy = {
  min_length: 8,
  min_classes: 3,
  forbid_sequences: true,
  forbid_username: true,
  forbid_common: true,
};

export type PasswordRule = 'length' | 'classes' | 'sequence' | 'username';

export interface RuleCheck {
  rule: PasswordRule;
  ok: boolean;
}

/** A run this long of steps, repeats or keyboard neighbours is refused. */
export const RUN_LENGTH = 4;

const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

export function characterClasses(password: string): number {
  let n = 0;
  if (/[a-z]/.test(password)) n++;
  if (/[A-Z]/.test(password)) n++;
  if (/[0-9]/.test(password)) n++;
  if (/[^A-Za-z0-9]/.test(password)) n++;
  return n;
}

function sameKind(a: string, b: string): boolean {
  const kind = (c: string) => (/[0-9]/.test(c) ? 'd' : /[a-z]/i.test(c) ? 'l' : 'o');
  return kind(a) === kind(b) && kind(a) !== 'o';
}

/** True for runs like `1234`, `abcd`, `DCBA`, `aaaa` or keyboard walks like `qwer`. */
export function hasSequence(password: string, run = RUN_LENGTH): boolean {
  const s = password.toLowerCase();
  let up = 1;
  let down = 1;
  let same = 1;
  for (let i = 1; i < s.length; i++) {
    const a = s.charCodeAt(i - 1);
    const b = s.charCodeAt(i);
    const kinds = sameKind(s.charAt(i - 1), s.charAt(i));
    up = kinds && b - a === 1 ? up + 1 : 1;
    down = kinds && a - b === 1 ? down + 1 : 1;
    same = a === b ? same + 1 : 1;
    if (up >= run || down >= run || same >= run) return true;
  }
  for (const row of KEYBOARD_ROWS) {
    const reversed = [...row].reverse().join('');
    for (let i = 0; i + run <= row.length; i++) {
      if (s.includes(row.slice(i, i + run)) || s.includes(reversed.slice(i, i + run))) return true;
    }
  }
  return false;
}

/** Checks a candidate password against the rules the client can see; the server decides. */
export function checkPassword(
  password: string,
  policy: PasswordPolicy,
  username?: string,
): RuleCheck[] {
  const checks: RuleCheck[] = [
    { rule: 'length', ok: [...password].length >= policy.min_length },
    { rule: 'classes', ok: characterClasses(password) >= policy.min_classes },
  ];
  if (policy.forbid_sequences) {
    checks.push({ rule: 'sequence', ok: password.length > 0 && !hasSequence(password) });
  }
  if (policy.forbid_username && username) {
    checks.push({
      rule: 'username',
      ok: password.length > 0 && !password.toLowerCase().includes(username.toLowerCase()),
    });
  }
  return checks;
}
