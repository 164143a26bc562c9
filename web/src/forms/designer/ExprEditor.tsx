/** An expression box with a field-insert helper, function buttons and live checks. */
import { Button, Flex, Input, Select, Typography } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useMemo, useRef } from 'react';
import { useI18n } from '../../i18n';
import { checkExpr } from '../design';
import { FUNCS } from '../expr';
import type { FieldIssue } from '../messages';
import type { Field, FormSpec } from '../types';
import { isDisplay } from '../types';

/** Names an expression may read: fields, table columns as `table.column`, and a row's columns. */
export function exprNames(
  form: FormSpec,
  table?: Field,
): { value: string; label: string; group: 'row' | 'form' }[] {
  const out: { value: string; label: string; group: 'row' | 'form' }[] = [];
  for (const c of table?.fields ?? []) out.push({ value: c.key, label: c.label, group: 'row' });
  for (const f of form.fields) {
    if (isDisplay(f.kind)) continue;
    if (f.kind === 'table') {
      for (const c of f.fields ?? [])
        out.push({ value: `${f.key}.${c.key}`, label: `${f.label} · ${c.label}`, group: 'form' });
    } else out.push({ value: f.key, label: f.label, group: 'form' });
  }
  return out;
}

/** Problems of the expression: the server's words, in the UI's language. */
export function useExprProblems(
  form: FormSpec,
  field: Field,
  source: string,
  what: '公式' | '显示条件',
  table?: Field,
): string[] {
  const { locale } = useI18n();
  return useMemo(() => {
    if (source.trim() === '') return [];
    const out: FieldIssue[] = [];
    checkExpr(
      field,
      source,
      what,
      '',
      form.fields.map((f) => f.key),
      table?.fields?.map((c) => c.key),
      out,
    );
    return out.map((i) => (locale === 'en' ? i.message.en : i.message.zh));
  }, [form, field, source, what, table, locale]);
}

export function ExprEditor({
  id,
  form,
  field,
  table,
  value,
  onChange,
  what,
}: {
  id?: string;
  form: FormSpec;
  field: Field;
  /** For a computed column: its table (the row's columns come first). */
  table?: Field;
  value: string;
  onChange: (v: string) => void;
  what: '公式' | '显示条件';
}) {
  const { t } = useI18n();
  const box = useRef<TextAreaRef>(null);
  const problems = useExprProblems(form, field, value, what, table);
  const names = exprNames(form, table).filter((n) => n.value !== field.key);

  /** Inserts at the caret (or the end), with a space before when needed. */
  const insert = (text: string, back = 0) => {
    const el = box.current?.resizableTextArea?.textArea;
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    const before = value.slice(0, start);
    const pad = before && !/[\s([,]$/.test(before) ? ' ' : '';
    const next = `${before}${pad}${text}${value.slice(end)}`;
    onChange(next);
    requestAnimationFrame(() => {
      const caret = before.length + pad.length + text.length - back;
      el?.focus();
      el?.setSelectionRange?.(caret, caret);
    });
  };

  return (
    <Flex vertical gap={6}>
      <Input.TextArea
        id={id}
        ref={box}
        value={value}
        status={problems.length ? 'error' : undefined}
        autoSize={{ minRows: 2, maxRows: 6 }}
        spellCheck={false}
        style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' }}
        placeholder={what === '公式' ? 'sum(items.amount) * 1.06' : "type == '病假' and days > 3"}
        onChange={(e) => onChange(e.target.value)}
      />
      <Flex wrap gap={6} align="center">
        <Select<string>
          size="small"
          aria-label={t('forms.designer.insertField')}
          placeholder={t('forms.designer.insertField')}
          value={null as unknown as string}
          showSearch={{ optionFilterProp: 'label' }}
          style={{ minWidth: 160 }}
          options={[
            ...(table
              ? [
                  {
                    label: t('forms.designer.rowColumns'),
                    options: names
                      .filter((n) => n.group === 'row')
                      .map((n) => ({ value: n.value, label: `${n.label} (${n.value})` })),
                  },
                ]
              : []),
            {
              label: t('forms.designer.formFields'),
              options: names
                .filter((n) => n.group === 'form')
                .map((n) => ({ value: n.value, label: `${n.label} (${n.value})` })),
            },
          ]}
          onChange={(v) => v && insert(v)}
        />
        {what === '公式'
          ? FUNCS.map((f) => (
              <Button key={f} size="small" onClick={() => insert(`${f}()`, 1)}>
                {f}()
              </Button>
            ))
          : null}
      </Flex>
      {problems.map((p) => (
        <Typography.Text key={p} type="danger" role="alert" style={{ fontSize: 12 }}>
          {p}
        </Typography.Text>
      ))}
      {what === '公式' ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('forms.designer.exprHelp')}
        </Typography.Text>
      ) : null}
    </Flex>
  );
}
