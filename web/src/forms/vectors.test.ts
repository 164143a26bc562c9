/**
 * The shared test vectors of `crates/forms/vectors/*.json`, also run by the server
 * (`crates/forms/tests/vectors.rs`): the browser must give the same answers and messages.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uppercaseAmount } from './amount';
import { dataScope, normalise } from './compute';
import { checkForm } from './design';
import { civilFromDays, Day, Decimal, evaluate, tryParse, type Value } from './expr';
import type { FormSpec } from './types';
import { validate } from './validate';

// Tests run from web/ (vitest's root).
const DIR = `${resolve(process.cwd(), '..', 'crates', 'forms', 'vectors')}/`;

// biome-ignore lint/suspicious/noExplicitAny: vectors are free-form JSON
function load(name: string): any[] | undefined {
  const path = `${DIR}${name}`;
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

/** A value as the server's test writes it: `{num}`, `{str}`, `{date}`, `{list}`, bools, null. */
function tagged(v: Value): unknown {
  if (v === null || typeof v === 'boolean') return v;
  if (v instanceof Decimal) return { num: v.toString() };
  if (typeof v === 'string') return { str: v };
  if (v instanceof Day) return { date: civilFromDays(v.days) };
  return { list: v.map(tagged) };
}

const KNOWN = ['amount.json', 'expr.json', 'normalise.json', 'validate.json'];

describe('shared vectors', () => {
  it('are all read by this test', () => {
    const present = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.json')) : [];
    for (const f of present) expect(KNOWN, `a new vectors file ${f}`).toContain(f);
  });

  const expr = load('expr.json');
  it.skipIf(!expr)('expressions', () => {
    for (const c of expr ?? []) {
      const r = tryParse(c.expr);
      if (c.error) {
        expect('error' in r, `${c.expr} should not parse`).toBe(true);
        continue;
      }
      if ('error' in r) throw new Error(`${c.expr}: ${r.error.message}`);
      expect(tagged(evaluate(r.expr, dataScope(c.data))), c.expr).toEqual(c.result);
    }
  });

  const amount = load('amount.json');
  it.skipIf(!amount)('uppercase amounts', () => {
    for (const [input, want] of amount ?? []) expect(uppercaseAmount(input), input).toBe(want);
  });

  const valid = load('validate.json');
  it.skipIf(!valid)('validation', () => {
    for (const c of valid ?? []) {
      const form = c.form as FormSpec;
      if (!String(c.name).includes('in order')) expect(checkForm(form), c.name).toEqual([]);
      const got = validate(form, c.data, { partial: Boolean(c.partial), today: c.today }).map(
        (i) => ({ field: i.field, code: i.code, zh: i.message.zh, en: i.message.en }),
      );
      expect(got, c.name).toEqual(c.errors);
    }
  });

  const norm = load('normalise.json');
  it.skipIf(!norm)('normalisation', () => {
    for (const c of norm ?? []) {
      const form = c.form as FormSpec;
      expect(checkForm(form), c.name).toEqual([]);
      expect(normalise(form, c.data), c.name).toEqual(c.out);
    }
  });
});
