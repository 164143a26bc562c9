/**
 * One renderer for every place a template's form shows: the start form (all editable), the
 * approval view (per-field edit/read/hidden at the current node), read-only, print (A4) and
 * the phone (one column below 768px). Visibility rules and computed fields update live; a page
 * validates before submitting through the ref (`FormRendererHandle`) and gets the server's
 * messages; the server's own field errors (`errors`) show on their fields until changed.
 */
import { Col, Descriptions, Divider, Flex, Form, Row, Typography } from 'antd';
import {
  type ReactNode,
  type Ref,
  useCallback,
  useImperativeHandle,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useIsMobile } from '../hooks/useIsMobile';
import { useTimeZone } from '../hooks/useTenantTime';
import { useI18n } from '../i18n';
import { todayInZone } from '../utils/time';
import { normalised } from './compute';
import { FieldInput, FieldView, Upper } from './FieldInput';
import { type Bilingual, issueText } from './messages';
import { TableField } from './TableField';
import { type Field, type FormSpec, isDisplay, isMoney, type Perm } from './types';
import { type ValidationIssue, validate } from './validate';

export type RenderMode = 'edit' | 'approve' | 'read' | 'print';

/** An error to show on a field: the server's (`message` in the request language) or ours. */
export interface ShownError {
  field: string;
  code?: string;
  message: string | Bilingual;
}

export interface FormRendererHandle {
  /** Checks what the current user may change, shows the problems on their fields, returns them. */
  validate(): ValidationIssue[];
  /** Hides the problems shown by `validate`. */
  clearErrors(): void;
}

export interface FormRendererProps {
  form: FormSpec;
  value: Record<string, unknown>;
  onChange?: (value: Record<string, unknown>) => void;
  mode: RenderMode;
  /** Per field key, at the current node (approval view); missing keys default by mode. */
  permissions?: Record<string, Perm>;
  /** Problems the server reported (`form.amount`, `form.items[0].price`). */
  errors?: readonly ShownError[];
  /** The instance's serial number (流水号), once it has one. */
  serial?: string;
  /** `phone` forces one column (the designer's phone preview); `auto` follows the screen. */
  layout?: 'auto' | 'desktop' | 'phone';
  /** A heading for the print view. */
  title?: string;
  ref?: Ref<FormRendererHandle>;
}

/** What the viewer may do with a field in a mode. */
export function permissionIn(
  mode: RenderMode,
  field: Field,
  permissions?: Record<string, Perm>,
): Perm {
  const given = permissions?.[field.key];
  if (given === 'hidden') return 'hidden';
  if (mode === 'read' || mode === 'print') return 'read';
  if (field.kind === 'computed' || isDisplay(field.kind)) return 'read';
  if (mode === 'edit') return given ?? 'edit';
  return given ?? 'read';
}

/** The top-level key of an error path: `form.items[0].x` → `items`. */
export function topKey(path: string): string {
  const p = path.startsWith('form.') ? path.slice(5) : path;
  return p.split(/[.[]/)[0] ?? p;
}

const stripForm = (path: string) => (path.startsWith('form.') ? path.slice(5) : path);

/**
 * The problems a user would be refused for: at the start every visible field; at an approval
 * node only the editable fields present (the server checks the changed ones like a start).
 */
export function validateFor(
  form: FormSpec,
  value: Record<string, unknown>,
  opts: { mode: RenderMode; permissions?: Record<string, Perm>; today?: string },
): ValidationIssue[] {
  if (opts.mode === 'read' || opts.mode === 'print') return [];
  const editable = new Set(
    form.fields
      .filter((f) => permissionIn(opts.mode, f, opts.permissions) === 'edit')
      .map((f) => f.key),
  );
  const input =
    opts.mode === 'edit'
      ? value
      : Object.fromEntries(Object.entries(value).filter(([k]) => editable.has(k)));
  return validate(form, input, { partial: opts.mode === 'approve', today: opts.today }).filter(
    (i) => i.code === 'form.unknown_field' || editable.has(topKey(i.field)),
  );
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

interface Group {
  section?: Field;
  fields: Field[];
}

/** Fields grouped under their section titles. */
function groups(fields: readonly Field[]): Group[] {
  const out: Group[] = [{ fields: [] }];
  for (const f of fields) {
    if (f.kind === 'section') out.push({ section: f, fields: [] });
    else (out[out.length - 1] as Group).fields.push(f);
  }
  return out.filter((g) => g.section || g.fields.length > 0);
}

const fullRow = (f: Field) => f.span === 2 || f.kind === 'table' || f.kind === 'description';

const PRINT_CSS = `
.xt-form-print { max-width: 190mm; margin: 0 auto; color: #000; }
.xt-form-print .ant-descriptions { margin-bottom: 12px; }
.xt-form-print .ant-descriptions-item-label { width: 22%; }
@media print {
  .xt-form-print { max-width: none; font-size: 12px; }
  .xt-form-print .ant-descriptions-row, .xt-form-print tr { break-inside: avoid; }
  .xt-form-print a { color: #000; text-decoration: none; }
}`;

export function FormRenderer({
  form,
  value,
  onChange,
  mode,
  permissions,
  errors,
  serial,
  layout = 'auto',
  title,
  ref,
}: FormRendererProps) {
  const { t, locale } = useI18n();
  const isMobile = useIsMobile();
  const phone = layout === 'phone' || (layout === 'auto' && isMobile);
  const columns = phone ? 1 : form.columns === 2 ? 2 : 1;
  const tz = useTimeZone();
  const root = useRef<HTMLDivElement>(null);

  const { data: kept, hidden } = useMemo(() => normalised(form, value), [form, value]);
  const perm = useCallback((f: Field) => permissionIn(mode, f, permissions), [mode, permissions]);

  // Our own checks: shown once the page asked for them, then kept up to date.
  const [checked, setChecked] = useState(false);
  const today = todayInZone(tz);
  const ownIssues = useMemo(
    () => (checked ? validateFor(form, value, { mode, permissions, today }) : []),
    [checked, form, value, mode, permissions, today],
  );

  // The server's errors, each shown until its field changes.
  const [server, setServer] = useState({ errors, value });
  // Compared by content: a page may pass a fresh array on every render.
  if (server.errors !== errors && !same(server.errors ?? [], errors ?? []))
    setServer({ errors, value });

  const messages = useMemo(() => {
    const out = new Map<string, string>();
    for (const e of server.errors ?? []) {
      const key = topKey(e.field);
      if (!same(value[key], server.value[key])) continue;
      const path = stripForm(e.field);
      if (!out.has(path)) out.set(path, issueText(e, locale));
    }
    for (const i of ownIssues) {
      const path = stripForm(i.field);
      if (!out.has(path)) out.set(path, issueText(i, locale));
    }
    return out;
  }, [server, value, ownIssues, locale]);

  const latest = useRef({ form, value, mode, permissions, today });
  latest.current = { form, value, mode, permissions, today };
  useImperativeHandle(
    ref,
    () => ({
      validate() {
        const l = latest.current;
        const issues = validateFor(l.form, l.value, l);
        setChecked(true);
        const first = issues[0];
        if (first) {
          const el = root.current?.querySelector(`[data-field="${topKey(first.field)}"]`);
          (el as HTMLElement | null)?.scrollIntoView?.({ block: 'center', behavior: 'smooth' });
        }
        return issues;
      },
      clearErrors() {
        setChecked(false);
      },
    }),
    [],
  );

  const set = (key: string, v: unknown) => onChange?.({ ...value, [key]: v });
  const shown = (f: Field) => !hidden.includes(f.key) && perm(f) !== 'hidden';
  const visibleGroups = groups(form.fields.filter(shown)).filter(
    (g) => g.fields.length > 0 || g.section,
  );

  const body = (f: Field): ReactNode => {
    const editable = perm(f) === 'edit' && Boolean(onChange);
    const error = messages.get(f.key);
    if (f.kind === 'table')
      return (
        <TableField
          field={f}
          value={value[f.key]}
          computed={kept[f.key]}
          editable={editable}
          phone={phone}
          errors={messages}
          onChange={(rows) => set(f.key, rows)}
        />
      );
    if (f.kind === 'computed') {
      const v = kept[f.key];
      return (
        <Flex vertical gap={2}>
          <Typography.Text strong data-testid={`computed-${f.key}`}>
            <FieldView field={f} value={v} compact />
          </Typography.Text>
          {isMoney(f) ? <Upper value={v} /> : null}
        </Flex>
      );
    }
    if (editable)
      return (
        <FieldInput
          id={`form-${f.key}`}
          field={f}
          value={value[f.key]}
          status={error ? 'error' : undefined}
          onChange={(v) => set(f.key, v)}
        />
      );
    return <FieldView field={f} value={kept[f.key] ?? value[f.key]} serial={serial} />;
  };

  if (mode === 'print') {
    return (
      <div className="xt-form-print" data-testid="form-print">
        <style>{PRINT_CSS}</style>
        {title ? (
          <Typography.Title level={3} style={{ textAlign: 'center' }}>
            {title}
          </Typography.Title>
        ) : null}
        {serial && !form.fields.some((f) => f.kind === 'serial') ? (
          <Typography.Paragraph style={{ textAlign: 'right' }}>
            {t('forms.serialNo')}: {serial}
          </Typography.Paragraph>
        ) : null}
        {visibleGroups.map((g, gi) => (
          <Descriptions
            key={g.section?.key ?? `g${gi}`}
            bordered
            size="small"
            column={columns}
            title={g.section?.label}
            items={g.fields.map((f) => ({
              key: f.key,
              label: f.label,
              span: fullRow(f) || f.span === 2 ? columns : 1,
              children:
                f.kind === 'table' ? (
                  <TableField
                    field={f}
                    value={kept[f.key]}
                    computed={kept[f.key]}
                    editable={false}
                    phone={false}
                    errors={messages}
                  />
                ) : (
                  body(f)
                ),
            }))}
          />
        ))}
      </div>
    );
  }

  return (
    <Form component={false} layout="vertical">
      <div
        ref={root}
        className="xt-form"
        data-testid="form-renderer"
        data-layout={phone ? 'phone' : 'desktop'}
      >
        {visibleGroups.map((g, gi) => (
          <section key={g.section?.key ?? `g${gi}`}>
            {g.section ? (
              <Divider titlePlacement="start" style={{ marginTop: gi === 0 ? 0 : 8 }}>
                <span data-field={g.section.key}>{g.section.label}</span>
              </Divider>
            ) : null}
            {g.section?.help ? (
              <Typography.Paragraph type="secondary">{g.section.help}</Typography.Paragraph>
            ) : null}
            <Row gutter={[24, 0]}>
              {g.fields.map((f) => {
                const span = columns === 2 && !fullRow(f) ? 12 : 24;
                const error = messages.get(f.key);
                const editable = perm(f) === 'edit' && Boolean(onChange);
                if (f.kind === 'description')
                  return (
                    <Col span={span} key={f.key} data-field={f.key}>
                      <div style={{ marginBottom: 16 }}>
                        {f.label ? <Typography.Text strong>{f.label}</Typography.Text> : null}
                        {body(f)}
                      </div>
                    </Col>
                  );
                return (
                  <Col span={span} key={f.key} data-field={f.key}>
                    <Form.Item
                      label={f.label}
                      htmlFor={editable ? `form-${f.key}` : undefined}
                      required={editable && Boolean(f.required)}
                      validateStatus={error ? 'error' : undefined}
                      help={error}
                      extra={f.help || undefined}
                    >
                      {body(f)}
                    </Form.Item>
                  </Col>
                );
              })}
            </Row>
          </section>
        ))}
      </div>
    </Form>
  );
}

/** A ref for `FormRenderer` and a `validate()` that runs through it. */
export function useFormRenderer() {
  const ref = useRef<FormRendererHandle>(null);
  const check = useCallback((): ValidationIssue[] => ref.current?.validate() ?? [], []);
  return { ref, validate: check };
}

export default FormRenderer;
