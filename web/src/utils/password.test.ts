import { describe, expect, it } from 'vitest';
import { characterClasses, checkPassword, DEFAULT_POLICY, hasSequence } from './password';

const failed = (pw: string, username?: string) =>
  checkPassword(pw, DEFAULT_POLICY, username)
    .filter((c) => !c.ok)
    .map((c) => c.rule);

describe('checkPassword', () => {
  it('accepts a long mixed password', () => {
    expect(failed('Lan-Xi#72qv', 'zhangsan')).toEqual([]);
  });

  it('refuses short passwords', () => {
    expect(failed('Ab1!x')).toContain('length');
  });

  it('counts character classes', () => {
    expect(characterClasses('abc')).toBe(1);
    expect(characterClasses('aB3$')).toBe(4);
    expect(failed('lowercaseonly99')).toContain('classes');
  });

  it('refuses runs, repeats and keyboard walks', () => {
    for (const pw of [
      'Xy!123456',
      'Q!abcdefz9',
      'ABCDEFx1!',
      'AAAAAAb1!',
      'Qwerty!77',
      'x9!FEDCba',
      'Pa5!4321z',
    ])
      expect(failed(pw), pw).toContain('sequence');
  });

  it('does not treat short or mixed-kind steps as a run', () => {
    expect(hasSequence('a1b2c3D$')).toBe(false);
    expect(hasSequence('Zx9!Tm4#')).toBe(false);
  });

  it('refuses a password containing the username, in any case', () => {
    expect(failed('My#ZhangSan9', 'zhangsan')).toContain('username');
    expect(failed('My#ZhangSan9')).not.toContain('username');
  });

  it('shows no rule as met for an empty password', () => {
    expect(checkPassword('', DEFAULT_POLICY, 'u').every((c) => !c.ok)).toBe(true);
  });

  it('follows the policy it is given', () => {
    const lax = { ...DEFAULT_POLICY, min_length: 4, min_classes: 1, forbid_sequences: false };
    expect(checkPassword('1234', lax).every((c) => c.ok)).toBe(true);
  });
});
