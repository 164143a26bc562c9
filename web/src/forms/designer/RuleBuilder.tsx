/** The visibility rule (`visible_when`) as rows of field / operator / value, or raw text. */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Input, Radio, Select, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { type Field, type FormSpec, hasOptions, isDisplay, isNumeric } from '../types';
import { ExprEditor } from './ExprEditor';
import { exprToRules, RULE_OPS, type Rule, type RuleOp, type RuleSet, rulesToExpr } from './model';

export function RuleBuilder({
  form,
  field,
  value,
  onChange,
}: {
  form: FormSpec;
  field: Field;
  value: string;
  onChange: (v: string) => void;
}) {
  const { t } = useI18n();
  const parsed = exprToRules(value);
  const [raw, setRaw] = useState(parsed === undefined);
  const others = form.fields.filter(
    (f) => f.key !== field.key && !isDisplay(f.kind) && f.kind !== 'table',
  );
  const byKey = new Map(others.map((f) => [f.key, f]));
  const numeric = (k: string) => {
    const f = byKey.get(k);
    return Boolean(f && (isNumeric(f.kind) || f.kind === 'computed'));
  };
  const set: RuleSet = parsed ?? { join: 'and', rules: [] };
  const emit = (next: RuleSet) => onChange(rulesToExpr(next, numeric));
  const update = (i: number, patch: Partial<Rule>) =>
    emit({ ...set, rules: set.rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) });

  const opLabel = (op: RuleOp) => t(`forms.rule.op.${op}`);
  const showRaw = raw || parsed === undefined;

  return (
    <Flex vertical gap={8} data-testid="rule-builder">
      <Flex align="center" gap={8}>
        <Switch
          size="small"
          checked={showRaw}
          disabled={parsed === undefined}
          onChange={setRaw}
          aria-label={t('forms.rule.raw')}
        />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {parsed === undefined ? t('forms.rule.rawOnly') : t('forms.rule.raw')}
        </Typography.Text>
      </Flex>
      {showRaw ? (
        <ExprEditor form={form} field={field} value={value} onChange={onChange} what="显示条件" />
      ) : (
        <>
          {set.rules.length > 1 ? (
            <Radio.Group
              size="small"
              optionType="button"
              value={set.join}
              onChange={(e) => emit({ ...set, join: e.target.value })}
              options={[
                { value: 'and', label: t('forms.rule.all') },
                { value: 'or', label: t('forms.rule.any') },
              ]}
            />
          ) : null}
          {set.rules.length === 0 ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('forms.rule.always')}
            </Typography.Text>
          ) : null}
          {set.rules.map((r, i) => {
            const target = byKey.get(r.field);
            const noValue = r.op === 'empty' || r.op === 'filled';
            const choices = target && hasOptions(target.kind) ? (target.options ?? []) : undefined;
            return (
              <Flex
                // biome-ignore lint/suspicious/noArrayIndexKey: rules are positional
                key={i}
                gap={4}
                wrap
                align="center"
                data-testid="rule-row"
              >
                <Select<string>
                  size="small"
                  aria-label={t('forms.rule.field')}
                  value={r.field || undefined}
                  placeholder={t('forms.rule.field')}
                  style={{ width: 120 }}
                  showSearch={{ optionFilterProp: 'label' }}
                  options={others.map((f) => ({ value: f.key, label: f.label }))}
                  onChange={(v) => update(i, { field: v })}
                />
                <Select<RuleOp>
                  size="small"
                  aria-label={t('forms.rule.op')}
                  value={r.op}
                  style={{ width: 96 }}
                  options={RULE_OPS.map((op) => ({ value: op, label: opLabel(op) }))}
                  onChange={(v) => update(i, { op: v })}
                />
                {noValue ? null : choices && r.op !== 'contains' ? (
                  <Select<string | string[]>
                    size="small"
                    aria-label={t('forms.rule.value')}
                    mode={r.op === 'in' ? 'multiple' : undefined}
                    value={
                      r.op === 'in'
                        ? r.value
                            .split(',')
                            .map((s) => s.trim())
                            .filter(Boolean)
                        : r.value || undefined
                    }
                    style={{ minWidth: 100, flex: 1 }}
                    options={choices.map((o) => ({ value: o, label: o }))}
                    onChange={(v) => update(i, { value: Array.isArray(v) ? v.join(', ') : v })}
                  />
                ) : (
                  <Input
                    size="small"
                    aria-label={t('forms.rule.value')}
                    value={r.value}
                    placeholder={r.op === 'in' ? t('forms.rule.listHint') : undefined}
                    style={{ width: 110, flex: 1 }}
                    onChange={(e) => update(i, { value: e.target.value })}
                  />
                )}
                <Button
                  size="small"
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('forms.rule.remove')}
                  onClick={() => emit({ ...set, rules: set.rules.filter((_, j) => j !== i) })}
                />
              </Flex>
            );
          })}
          <div>
            <Button
              size="small"
              icon={<PlusOutlined />}
              disabled={others.length === 0}
              onClick={() =>
                emit({
                  ...set,
                  rules: [...set.rules, { field: others[0]?.key ?? '', op: '==', value: '' }],
                })
              }
            >
              {t('forms.rule.add')}
            </Button>
          </div>
          {value ? (
            <Typography.Text code style={{ fontSize: 12 }} data-testid="rule-expr">
              {value}
            </Typography.Text>
          ) : null}
        </>
      )}
    </Flex>
  );
}
