import { describe, expect, it } from 'vitest';
import type { Field } from '../../../forms/types';
import {
  type CondModel,
  conditionFields,
  conditionProblem,
  describeCondition,
  emptyModel,
  fromExpression,
  quote,
  ruleText,
  toExpression,
} from './conditions';

const form: Field[] = [
  { key: 'amount', label: '金额', kind: 'money' },
  { key: 'kind', label: '类型', kind: 'select', options: ['差旅', '办公'] },
  { key: 'tags', label: '标签', kind: 'checkbox', options: ['急', '大'] },
  { key: 'reason', label: '事由', kind: 'textarea' },
  { key: 'start', label: '开始', kind: 'date' },
  { key: 'leave', label: '请假时间', kind: 'date_range' },
  { key: 'files', label: '附件', kind: 'attachments' },
];

const fields = conditionFields(form, {
  days: (l) => `${l}（天数）`,
  initiator: '发起人',
  department: '发起人部门',
  post: '发起人岗位',
});

describe('condition fields', () => {
  it('offers the form fields conditions can compare, sub-fields and the initiator', () => {
    expect(fields.map((f) => [f.path, f.type])).toEqual([
      ['amount', 'number'],
      ['kind', 'option'],
      ['tags', 'options'],
      ['reason', 'text'],
      ['start', 'date'],
      ['leave.days', 'number'],
      ['initiator.id', 'user'],
      ['initiator.department', 'department'],
      ['initiator.post', 'post'],
    ]);
    expect(fields.find((f) => f.path === 'leave.days')?.label).toBe('请假时间（天数）');
  });
});

describe('rule builder to text', () => {
  const field = (path: string) => fields.find((f) => f.path === path);

  it('writes each kind of rule', () => {
    expect(ruleText({ field: 'amount', op: '>', value: '10000' }, field('amount'))).toBe(
      'amount > 10000',
    );
    expect(ruleText({ field: 'amount', op: '>', value: '1万' }, field('amount'))).toBeNull();
    expect(ruleText({ field: 'kind', op: 'in', value: ['差旅', '办公'] }, field('kind'))).toBe(
      'kind in ["差旅", "办公"]',
    );
    expect(ruleText({ field: 'kind', op: 'in', value: [] }, field('kind'))).toBeNull();
    expect(ruleText({ field: 'tags', op: 'contains', value: '急' }, field('tags'))).toBe(
      '"急" in tags',
    );
    expect(ruleText({ field: 'tags', op: 'not contains', value: '急' }, field('tags'))).toBe(
      '!("急" in tags)',
    );
    expect(ruleText({ field: 'start', op: '>=', value: '2026-01-01' }, field('start'))).toBe(
      'start >= date("2026-01-01")',
    );
    expect(ruleText({ field: 'reason', op: '==', value: 'say "hi"\n' }, field('reason'))).toBe(
      'reason == "say \\"hi\\"\\n"',
    );
    expect(
      ruleText(
        { field: 'initiator.department', op: 'not in', value: ['d1'] },
        field('initiator.department'),
      ),
    ).toBe('initiator.department not in ["d1"]');
    // An operator the field does not take.
    expect(ruleText({ field: 'amount', op: 'contains', value: '1' }, field('amount'))).toBeNull();
    expect(quote('a\\b\t')).toBe('"a\\\\b\\t"');
  });

  it('joins rules within groups and groups with each other', () => {
    const one: CondModel = {
      join: 'or',
      groups: [
        {
          join: 'and',
          rules: [
            { field: 'amount', op: '>', value: '5000' },
            { field: 'kind', op: '==', value: '差旅' },
          ],
        },
      ],
    };
    expect(toExpression(one, fields)).toBe('amount > 5000 && kind == "差旅"');
    const two: CondModel = {
      ...one,
      groups: [
        ...one.groups,
        { join: 'and', rules: [{ field: 'leave.days', op: '>=', value: '3' }] },
      ],
    };
    expect(toExpression(two, fields)).toBe('(amount > 5000 && kind == "差旅") || leave.days >= 3');
    const ands: CondModel = {
      join: 'and',
      groups: [
        {
          join: 'or',
          rules: [
            { field: 'amount', op: '>', value: '1' },
            { field: 'amount', op: '<', value: '-1' },
          ],
        },
        { join: 'or', rules: [{ field: 'initiator.id', op: '==', value: 'u1' }] },
      ],
    };
    expect(toExpression(ands, fields)).toBe('(amount > 1 || amount < -1) && initiator.id == "u1"');
    expect(toExpression(emptyModel('amount'), fields)).toBeNull();
    expect(toExpression({ join: 'or', groups: [] }, fields)).toBeNull();
  });

  it('reads its own text back', () => {
    const models: CondModel[] = [
      {
        join: 'or',
        groups: [
          {
            join: 'and',
            rules: [
              { field: 'amount', op: '>', value: '5000.5' },
              { field: 'kind', op: 'not in', value: ['差旅'] },
            ],
          },
          {
            join: 'and',
            rules: [
              { field: 'tags', op: 'not contains', value: '急' },
              { field: 'start', op: '<', value: '2026-03-01' },
            ],
          },
        ],
      },
      {
        join: 'and',
        groups: [
          {
            join: 'or',
            rules: [
              { field: 'amount', op: '<=', value: '-3' },
              { field: 'reason', op: 'contains', value: '急' },
            ],
          },
          { join: 'or', rules: [{ field: 'initiator.post', op: '==', value: 'p1' }] },
        ],
      },
    ];
    for (const m of models) {
      const text = toExpression(m, fields) as string;
      expect(fromExpression(text, fields), text).toEqual(m);
    }
  });

  it('reads conditions written by hand or by other engines when they have the shape', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Camunda writes conditions so
    expect(fromExpression('${amount > 10000}', fields)).toEqual({
      join: 'or',
      groups: [{ join: 'and', rules: [{ field: 'amount', op: '>', value: '10000' }] }],
    });
    expect(fromExpression("form.kind == '办公' and amount >= 1", fields)?.groups[0]?.rules).toEqual(
      [
        { field: 'kind', op: '==', value: '办公' },
        { field: 'amount', op: '>=', value: '1' },
      ],
    );
    // Shapes the builder cannot show: the raw editor keeps them.
    expect(fromExpression('amount * 2 > 10', fields)).toBeNull();
    expect(fromExpression('unknown > 1', fields)).toBeNull();
    expect(fromExpression('amount >', fields)).toBeNull();
    expect(fromExpression('"x" in amount', fields)).toBeNull();
  });
});

describe('conditionProblem', () => {
  const msgs = { bad: (e: string) => `bad ${e}`, unknown: (f: string) => `unknown ${f}` };
  it('reports syntax errors and fields the form does not have', () => {
    expect(
      conditionProblem('amount > 1 && initiator.department == "d"', ['amount'], msgs),
    ).toBeNull();
    expect(conditionProblem('amount >', ['amount'], msgs)).toMatch(/^bad /);
    expect(conditionProblem('form.total > 1', ['amount'], msgs)).toBe('unknown total');
    expect(conditionProblem('total > 1', [], msgs)).toBeNull();
  });
});

describe('describeCondition', () => {
  it('reads a model in words with value names', () => {
    const words = {
      op: (op: string) => ({ '>': '大于', in: '属于', '==': '等于' })[op] ?? op,
      and: '且',
      or: '或',
      value: (f: { type: string }, v: string) => (f.type === 'department' ? `部门${v}` : v),
    };
    const model = fromExpression(
      '(amount > 5000 && kind in ["差旅", "办公"]) || initiator.department == "d1"',
      fields,
    );
    expect(model && describeCondition(model, fields, words)).toBe(
      '（金额 大于 5000 且 类型 属于 差旅、办公） 或 发起人部门 等于 部门d1',
    );
  });
});
