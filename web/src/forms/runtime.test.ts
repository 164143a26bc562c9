import { describe, expect, it } from 'vitest';
import { uppercaseAmount } from './amount';
import { isDatetime, isEmail, isPhone, parseDate } from './checks';
import { dataScope, defaults, normalised, tableTotals } from './compute';
import { checkForm } from './design';
import {
  allKeys,
  changeKind,
  copyField,
  exprToRules,
  moveItem,
  removeField,
  replaceAt,
  rulesToExpr,
  updateAt,
} from './designer/model';
import { Decimal, evaluate, fieldsOf, ParseError, parse, tryParse, type Value } from './expr';
import { validateFor } from './FormRenderer';
import { idCardCheck, isIdCard } from './idcard';
import { numberText } from './messages';
import type { FormSpec } from './types';
import { permissionAt } from './types';
import { matchesPattern, validate } from './validate';

const scope = dataScope({
  amount: 20000,
  initiator: { department: 'finance', rank: 3 },
  start: '2024-05-01',
  tags: ['urgent'],
});
const check = (src: string) => evaluate(parse(src), scope) === true;
const value = (src: string, data: Record<string, unknown> = {}): Value =>
  evaluate(parse(src), dataScope(data));
const num = (v: Value) => (v instanceof Decimal ? v.toString() : v);

describe('expressions (the engine tests, ported)', () => {
  it('reads the workload condition', () => {
    expect(check('amount > 10000')).toBe(true);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Camunda's wrapper, written as is
    expect(check('${amount > 10000}')).toBe(true);
    expect(check('form.amount <= 10000')).toBe(false);
  });

  it('logic and grouping', () => {
    expect(check("amount > 1 && (initiator.department == 'finance' || false)")).toBe(true);
    expect(check('!(amount < 5) and not false')).toBe(true);
    expect(check('initiator.rank >= 3 && amount - 19999.5 == 0.5')).toBe(true);
    expect(check('amount / 4 * 2 == 10000')).toBe(true);
  });

  it('options, dates and missing fields', () => {
    expect(check("initiator.department in ['finance', 'hr']")).toBe(true);
    expect(check("'urgent' in tags")).toBe(true);
    expect(check("initiator.department not in ['hr']")).toBe(true);
    expect(check('start >= date("2024-01-01") && start < date(\'2025-01-01\')')).toBe(true);
    expect(check('missing > 3')).toBe(false);
    expect(check('missing == null')).toBe(true);
    expect(check('amount / 0 > 1')).toBe(false);
  });

  it('refuses bad input with a location', () => {
    for (const bad of [
      '',
      'amount >',
      '(a',
      'a ~ b',
      "'open",
      "date('x')",
      'a.',
      '1 2',
      'a not b',
      'in',
    ]) {
      const r = tryParse(bad);
      expect('error' in r, bad).toBe(true);
      if ('error' in r)
        expect(r.error.offset).toBeLessThanOrEqual(new TextEncoder().encode(bad).length);
    }
    expect('error' in tryParse(`${'('.repeat(500)}1${')'.repeat(500)}`)).toBe(true);
    expect('error' in tryParse('!'.repeat(10_000))).toBe(true);
    expect('error' in tryParse('x'.repeat(5000))).toBe(true);
  });

  it('refuses characters that cannot start a name instead of looping', () => {
    const r = tryParse('amount > 「1」');
    expect('error' in r && r.error.message).toBe('unexpected character `「`');
    // Offsets are UTF-8 bytes, like the server's.
    expect('error' in tryParse('金额 >') ? 0 : 1).toBe(0);
    const e = tryParse('金额 > ）');
    expect('error' in e && e.error.offset).toBe(9);
    // Chinese names are names.
    expect(evaluate(parse('金额 > 1'), dataScope({ 金额: 2 }))).toBe(true);
  });

  it('lists the fields it reads', () => {
    expect(
      fieldsOf(parse('form.amount > 1 && initiator.post in [x]')).map((p) => p.join('.')),
    ).toEqual(['amount', 'initiator.post', 'x']);
  });

  it('functions: sum over lists, round half away from zero', () => {
    const data = { items: [{ amount: 10.5 }, { amount: null }, { amount: 0.25 }], price: 2.345 };
    expect(num(value('sum(items.amount)', data))).toBe('10.75');
    expect(num(value('count(items.amount)', data))).toBe('2');
    expect(num(value('max(items.amount)', data))).toBe('10.5');
    expect(num(value('min(1, 2, -3)', data))).toBe('-3');
    expect(num(value('round(price, 2)', data))).toBe('2.35');
    expect(num(value('round(-price, 2)', data))).toBe('-2.35');
    expect(num(value('round(price)', data))).toBe('2');
    expect(num(value('abs(-4)', data))).toBe('4');
    expect(num(value('sum(missing)', data))).toBe('0');
    expect(value('round(price, 7)', data)).toBe(null);
    expect(value('round(price, 1.5)', data)).toBe(null);
    expect(value("sum('a')", data)).toBe(null);
    expect(num(value('count(x)', { x: 'a' }))).toBe('1');
    expect(num(value('count(x)', {}))).toBe('0');
  });

  it('unknown functions and wrong arity are parse errors', () => {
    for (const bad of ['exec(1)', 'abs(1, 2)', 'sum()', 'round(1, 2, 3)'])
      expect(() => parse(bad), bad).toThrow(ParseError);
  });

  it('exact decimals with truncation and i128 bounds', () => {
    expect(Decimal.parse('1,000.50')?.toString()).toBe('1000.5');
    expect(Decimal.parse('1e4')?.toString()).toBe('10000');
    expect(Decimal.parse('1.5e-7')?.toString()).toBe('0');
    expect(Decimal.parse('abc')).toBe(null);
    expect(Decimal.parse('.')).toBe(null);
    expect(Decimal.parse('1e999999')).toBe(null);
    expect(Decimal.parse('0e999999')?.toString()).toBe('0');
    expect(num(value('2 / 3'))).toBe('0.666666');
    expect(num(value('-2 / 3'))).toBe('-0.666666');
    expect(num(value('0.000001 * 0.5'))).toBe('0');
    expect(value(`${'9'.repeat(30)} * ${'9'.repeat(30)}`)).toBe(null);
    expect(Decimal.parse('1.005')?.scale()).toBe(3);
    expect(Decimal.parse('-0.005')?.cents()).toBe(1n);
  });

  it('compares text with numbers and dates, and lists element-wise', () => {
    expect(value("'2024-05-02' > date('2024-05-01')")).toBe(true);
    expect(value("'1,000' == 1000")).toBe(true);
    expect(value('[1, 2] == [1, 2]')).toBe(true);
    expect(value('[1, 2] == [2, 1]')).toBe(false);
    expect(value('true > false')).toBe(true);
    expect(value("'b' > 'a'")).toBe(true);
    // Code-point order, like Rust's str: U+FF5E sorts before U+1F600.
    expect(value("'～' < '😀'")).toBe(true);
    expect(value('x == 1', { x: { id: 1 } })).toBe(true);
    expect(value('x.name == "张三"', { x: { id: 'u1', name: '张三' } })).toBe(true);
  });
});

describe('uppercase amounts', () => {
  it('writes amounts the way banks do', () => {
    expect(uppercaseAmount(1234.56)).toBe('壹仟贰佰叁拾肆元伍角陆分');
    expect(uppercaseAmount('100010')).toBe('壹拾万零壹拾元整');
    expect(uppercaseAmount(0.05)).toBe('伍分');
    expect(uppercaseAmount(-3)).toBe('负叁元整');
    expect(uppercaseAmount(Number.NaN)).toBe(null);
  });
});

describe('format checks', () => {
  it('dates are real calendar days', () => {
    expect(parseDate('2024-02-29')).toEqual([2024, 2, 29]);
    expect(parseDate('2023-02-29')).toBe(null);
    expect(parseDate('2024-2-1')).toBe(null);
    expect(isDatetime('2024-02-01 23:59')).toBe(true);
    expect(isDatetime('2024-02-01 24:00')).toBe(false);
  });

  it('phones, emails and ID cards', () => {
    expect(isPhone('13812345678')).toBe(true);
    expect(isPhone('+86 13812345678')).toBe(true);
    expect(isPhone('8613812345678')).toBe(true);
    expect(isPhone('010-12345678-123')).toBe(true);
    expect(isPhone('12812345678')).toBe(false);
    expect(isEmail('a.b@example.com')).toBe(true);
    expect(isEmail('a@b')).toBe(false);
    expect(isEmail('a b@example.com')).toBe(false);
    expect(isEmail('a@b@c.com')).toBe(false);
    expect(isEmail('a@.com')).toBe(false);
    expect(isIdCard('11010519491231002X', '2026-12-06')).toBe(true);
    expect(isIdCard('11010519491231002x', '2026-12-06')).toBe(true);
    expect(isIdCard('110105194912310021', '2026-12-06')).toBe(false);
    expect(isIdCard('11010519491231002X', '1949-12-30')).toBe(false);
    expect(idCardCheck('11010519491231002')).toBe('X');
  });

  it('patterns are read the way the server reads them', () => {
    expect(matchesPattern('HT-[0-9]{4}', 'HT-1234')).toBe(true);
    expect(matchesPattern('HT-[0-9]{4}', 'xHT-1234')).toBe(false);
    expect(matchesPattern('a|b', 'ab')).toBe(false);
    expect(matchesPattern('\\d+', '١٢٣')).toBe(true);
    expect(matchesPattern('\\w+', '张三')).toBe(true);
    expect(matchesPattern('(?i)abc', 'ABC')).toBe(true);
    expect(matchesPattern('\\-\\#', '-#')).toBe(true);
    expect(matchesPattern('(?P<y>\\d{4})', '2024')).toBe(true);
    expect(matchesPattern('\\p{Han}+', '汉字')).toBe(true);
  });
});

describe('data', () => {
  const form: FormSpec = {
    fields: [
      { key: 'kind', label: '类型', kind: 'select', options: ['事假', '病假'], default: '事假' },
      { key: 'proof', label: '证明', kind: 'attachments', visible_when: "kind == '病假'" },
      {
        key: 'items',
        label: '明细',
        kind: 'table',
        totals: ['amount', 'sub'],
        fields: [
          { key: 'amount', label: '金额', kind: 'money' },
          { key: 'qty', label: '数量', kind: 'number' },
          { key: 'sub', label: '小计', kind: 'computed', expr: 'amount * qty' },
        ],
      },
    ],
  };

  it('defaults, visibility and totals', () => {
    expect(defaults(form)).toEqual({ kind: '事假' });
    const { data, hidden } = normalised(form, {
      kind: '事假',
      proof: [],
      items: [
        { amount: 0.1, qty: 3 },
        { amount: 0.2, qty: 1 },
      ],
    });
    expect(hidden).toEqual(['proof']);
    expect(data.items).toEqual([
      { amount: 0.1, qty: 3, sub: 0.3 },
      { amount: 0.2, qty: 1, sub: 0.2 },
    ]);
    expect(tableTotals(form.fields[2] as never, data.items)).toEqual({ amount: 0.3, sub: 0.5 });
  });

  it('validates for the step: only editable fields at an approval node', () => {
    const f: FormSpec = {
      fields: [
        { key: 'a', label: '甲', kind: 'text', required: true },
        { key: 'b', label: '乙', kind: 'number', max: 5 },
      ],
      permissions: { head: { b: 'edit' } },
    };
    expect(
      validateFor(f, { b: 9 }, { mode: 'edit', today: '2026-12-06' }).map((i) => i.code),
    ).toEqual(['form.required', 'form.max']);
    const perms = {
      a: permissionAt(f, 'head', f.fields[0] as never),
      b: permissionAt(f, 'head', f.fields[1] as never),
    };
    expect(perms).toEqual({ a: 'read', b: 'edit' });
    expect(
      validateFor(f, { a: '', b: 9 }, { mode: 'approve', permissions: perms }).map((i) => i.field),
    ).toEqual(['form.b']);
    expect(validateFor(f, { b: 9 }, { mode: 'read' })).toEqual([]);
  });

  it('prints numbers in messages as the shortest decimal', () => {
    expect(numberText(5)).toBe('5');
    expect(numberText(0.5)).toBe('0.5');
    expect(numberText(1e6)).toBe('1000000');
    const issues = validate(
      { fields: [{ key: 'n', label: 'N', kind: 'number', min: 0.1 }] },
      { n: 0 },
      { lang: 'en' },
    );
    expect(issues[0]?.text).toBe('N must be at least 0.1');
  });
});

describe('schema checks', () => {
  it('finds duplicate keys, missing options and bad expressions', () => {
    const issues = checkForm({
      fields: [
        { key: 'a', label: 'A', kind: 'text' },
        { key: 'a', label: 'A2', kind: 'select' },
        { key: 'c', label: 'C', kind: 'computed', expr: 'a +' },
        { key: 'd', label: 'D', kind: 'text', visible_when: 'nope == 1' },
        { key: '1x', label: '', kind: 'text' },
        { key: 'z', label: 'Z', kind: 'rating' as never },
      ],
    });
    expect(issues.map((i) => [i.field, i.code])).toEqual([
      ['form.fields[1]', 'form.field_duplicate'],
      ['form.fields[1]', 'form.field_options'],
      ['form.fields[2]', 'form.expr'],
      ['form.fields[3]', 'form.expr_field'],
      ['form.fields[4]', 'form.field_key'],
      ['form.fields[4]', 'form.field_label'],
      ['form.fields[5]', 'form.field_kind'],
    ]);
    expect(issues[2]?.message.zh).toBe('「C」的公式有误：at 3: expected a value');
  });
});

describe('designer model', () => {
  const form: FormSpec = {
    fields: [
      { key: 'a', label: 'A', kind: 'number' },
      {
        key: 't',
        label: 'T',
        kind: 'table',
        totals: ['x'],
        fields: [{ key: 'x', label: 'X', kind: 'money' }],
      },
    ],
    permissions: { head: { a: 'read', t: 'hidden' } },
  };

  it('moves, copies, renames and removes', () => {
    expect(moveItem([1, 2, 3], 0, 3)).toEqual([2, 3, 1]);
    expect(moveItem([1, 2, 3], 2, 0)).toEqual([3, 1, 2]);
    expect(moveItem([1, 2, 3], 1, 0)).toEqual([2, 1, 3]);
    const copy = copyField(form.fields[1] as never, allKeys(form));
    expect(copy.key).toBe('table_1');
    expect(copy.totals).toEqual([copy.fields?.[0]?.key]);
    const renamed = updateAt(form, { index: 0 }, { key: 'amount', required: false, help: '' });
    expect(renamed.fields[0]).toEqual({ key: 'amount', label: 'A', kind: 'number' });
    expect(renamed.permissions).toEqual({ head: { amount: 'read', t: 'hidden' } });
    const col = updateAt(form, { index: 1, column: 0 }, { key: 'y' });
    expect(col.fields[1]?.totals).toEqual(['y']);
    expect(removeField(form, 1).permissions).toEqual({ head: { a: 'read' } });
    const select: FormSpec = {
      fields: [{ key: 's', label: 'S', kind: 'select', options: ['x'], required: true, min: 1 }],
    };
    const text = replaceAt(
      select,
      { index: 0 },
      changeKind(select.fields[0] as never, 'text', String),
    );
    expect(text.fields[0]).toEqual({ key: 's', label: 'S', kind: 'text', required: true });
  });

  it('visibility rules round-trip', () => {
    const numeric = (k: string) => k === 'amount';
    const set = {
      join: 'and' as const,
      rules: [
        { field: 'type', op: '==' as const, value: "病'假" },
        { field: 'amount', op: '>' as const, value: '1000' },
        { field: 'tags', op: 'contains' as const, value: 'x' },
        { field: 'type', op: 'in' as const, value: 'a, b' },
        { field: 'note', op: 'filled' as const, value: '' },
      ],
    };
    const expr = rulesToExpr(set, numeric);
    expect(expr).toBe(
      "type == '病\\'假' and amount > 1000 and 'x' in tags and type in ['a', 'b'] and note != null",
    );
    expect(exprToRules(expr)).toEqual(set);
    expect(exprToRules('a > 1 and (b < 2 or c == 3)')).toBe(undefined);
    expect(exprToRules('')).toEqual({ join: 'and', rules: [] });
  });
});
