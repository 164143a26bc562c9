/**
 * The form designer: a palette of field kinds, a canvas to arrange them (drag and drop, or the
 * up/down buttons from the keyboard or a phone), the selected field's settings, previews as on
 * a desktop and on a phone, undo/redo, and the server's schema checks shown as you go.
 */
import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  CopyOutlined,
  DeleteOutlined,
  DesktopOutlined,
  EyeInvisibleOutlined,
  MobileOutlined,
  RedoOutlined,
  UndoOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Drawer,
  Empty,
  Flex,
  Modal,
  Segmented,
  Space,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import {
  type DragEvent,
  type KeyboardEvent,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useIsMobile } from '../../hooks/useIsMobile';
import { useI18n } from '../../i18n';
import { defaults } from '../compute';
import { checkForm } from '../design';
import { FormRenderer, useFormRenderer } from '../FormRenderer';
import type { FieldIssue } from '../messages';
import { type Field, type FormSpec, isDisplay, type Kind } from '../types';
import { FieldSettings } from './FieldSettings';
import {
  allKeys,
  copyField,
  createField,
  fieldAt,
  HISTORY_LIMIT,
  type History,
  insertField,
  moveField,
  removeField,
  replaceAt,
  type Sel,
  updateAt,
} from './model';

export interface FormDesignerProps {
  form: FormSpec;
  onChange: (form: FormSpec) => void;
}

/** The palette, in groups. */
export const PALETTE: readonly {
  group: 'basic' | 'choice' | 'org' | 'contact' | 'files' | 'advanced' | 'layout';
  kinds: readonly Kind[];
}[] = [
  {
    group: 'basic',
    kinds: ['text', 'textarea', 'number', 'money', 'percent', 'date', 'datetime', 'date_range'],
  },
  { group: 'choice', kinds: ['select', 'multi_select', 'radio', 'checkbox'] },
  { group: 'org', kinds: ['user', 'department'] },
  { group: 'contact', kinds: ['phone', 'email', 'id_card', 'address'] },
  { group: 'files', kinds: ['attachments', 'image', 'signature'] },
  { group: 'advanced', kinds: ['table', 'computed', 'serial', 'related'] },
  { group: 'layout', kinds: ['section', 'description'] },
];

const DRAG_KIND = 'application/x-xietong-kind';
const DRAG_FIELD = 'application/x-xietong-field';

type Drag = { kind: Kind } | { from: number };

/** Issues by where they point: the top-level index, and `i.j` for a column. */
function issuesBySel(issues: readonly FieldIssue[]): Map<string, FieldIssue[]> {
  const out = new Map<string, FieldIssue[]>();
  for (const i of issues) {
    const m = /^form\.fields\[(\d+)\](?:\.fields\[(\d+)\])?/.exec(i.field);
    const key = m ? (m[2] !== undefined ? `${m[1]}.${m[2]}` : `${m[1]}`) : 'form';
    out.set(key, [...(out.get(key) ?? []), i]);
  }
  return out;
}

const selKey = (s: Sel) => (s.column === undefined ? `${s.index}` : `${s.index}.${s.column}`);

export function FormDesigner({ form, onChange }: FormDesignerProps) {
  const { t, te, locale } = useI18n();
  const { modal } = App.useApp();
  const isMobile = useIsMobile();
  const [sel, setSel] = useState<Sel | undefined>();
  const [history, setHistory] = useState<History>({ past: [], future: [] });
  const [drag, setDrag] = useState<Drag | null>(null);
  const [drop, setDrop] = useState<number | null>(null);
  const [preview, setPreview] = useState<'desktop' | 'phone' | null>(null);
  const lastCommit = useRef<{ merge?: string; at: number } | null>(null);
  const emitted = useRef<FormSpec>(form);

  // A form replaced from outside (loaded, reset) starts a new history.
  useEffect(() => {
    if (form !== emitted.current && JSON.stringify(form) !== JSON.stringify(emitted.current)) {
      setHistory({ past: [], future: [] });
      lastCommit.current = null;
    }
    emitted.current = form;
  }, [form]);

  const kindName = useCallback((k: Kind) => te('forms.kind', k), [te]);
  const words = useCallback(
    (k: Kind) => ({
      label: kindName(k),
      option: (n: number) => t('forms.designer.optionN', { n }),
      column: kindName('text'),
    }),
    [kindName, t],
  );

  const commit = useCallback(
    (next: FormSpec, merge?: string) => {
      const now = Date.now();
      const l = lastCommit.current;
      const coalesce = Boolean(merge && l && l.merge === merge && now - l.at < 1500);
      setHistory((h) =>
        coalesce
          ? { past: h.past, future: [] }
          : { past: [...h.past, form].slice(-HISTORY_LIMIT), future: [] },
      );
      lastCommit.current = { merge, at: now };
      emitted.current = next;
      onChange(next);
    },
    [form, onChange],
  );

  const undo = useCallback(() => {
    const prev = history.past[history.past.length - 1];
    if (!prev) return;
    setHistory({ past: history.past.slice(0, -1), future: [form, ...history.future] });
    lastCommit.current = null;
    emitted.current = prev;
    onChange(prev);
  }, [history, form, onChange]);

  const redo = useCallback(() => {
    const [next, ...rest] = history.future;
    if (!next) return;
    setHistory({ past: [...history.past, form], future: rest });
    lastCommit.current = null;
    emitted.current = next;
    onChange(next);
  }, [history, form, onChange]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (!(e.ctrlKey || e.metaKey)) return;
    const key = e.key.toLowerCase();
    if (key === 'z' && !e.shiftKey) {
      e.preventDefault();
      undo();
    } else if ((key === 'z' && e.shiftKey) || key === 'y') {
      e.preventDefault();
      redo();
    }
  };

  const issues = useMemo(() => checkForm(form), [form]);
  const bySel = useMemo(() => issuesBySel(issues), [issues]);
  const text = (i: FieldIssue) => (locale === 'en' ? i.message.en : i.message.zh);

  const add = (kind: Kind, at?: number) => {
    const f = createField(kind, allKeys(form), words(kind));
    const index = at ?? (sel && sel.column === undefined ? sel.index + 1 : form.fields.length);
    commit(insertField(form, index, f));
    setSel({ index });
  };

  const move = (from: number, to: number) => {
    if (from === to || from + 1 === to) return;
    commit(moveField(form, from, to));
    setSel({ index: to > from ? to - 1 : to });
  };

  const remove = (index: number) => {
    const f = form.fields[index];
    const go = () => {
      commit(removeField(form, index));
      setSel(undefined);
    };
    if (f && (f.kind === 'table' || (f.fields?.length ?? 0) > 0))
      modal.confirm({
        title: t('forms.designer.removeConfirm', { name: f.label }),
        okButtonProps: { danger: true },
        okText: t('common.delete'),
        cancelText: t('common.cancel'),
        onOk: go,
      });
    else go();
  };

  const duplicate = (index: number) => {
    const f = form.fields[index];
    if (!f) return;
    commit(insertField(form, index + 1, copyField(f, allKeys(form))));
    setSel({ index: index + 1 });
  };

  // Native drag and drop: palette kinds and canvas fields, dropped before or after a field.
  const startDrag = (e: DragEvent, d: Drag) => {
    setDrag(d);
    e.dataTransfer.effectAllowed = 'kind' in d ? 'copy' : 'move';
    e.dataTransfer.setData(
      'kind' in d ? DRAG_KIND : DRAG_FIELD,
      'kind' in d ? d.kind : String(d.from),
    );
    e.dataTransfer.setData('text/plain', 'kind' in d ? d.kind : String(d.from));
  };
  const readDrag = (e: DragEvent): Drag | null => {
    if (drag) return drag;
    const kind = e.dataTransfer?.getData(DRAG_KIND);
    if (kind) return { kind: kind as Kind };
    const from = e.dataTransfer?.getData(DRAG_FIELD);
    return from ? { from: Number(from) } : null;
  };
  const overCard = (e: DragEvent<HTMLElement>, index: number, full: boolean) => {
    e.preventDefault();
    e.stopPropagation();
    const r = e.currentTarget.getBoundingClientRect();
    const before =
      full || columns === 1 ? e.clientY < r.top + r.height / 2 : e.clientX < r.left + r.width / 2;
    setDrop(before ? index : index + 1);
  };
  const dropAt = (e: DragEvent, at: number | null) => {
    e.preventDefault();
    const d = readDrag(e);
    setDrag(null);
    setDrop(null);
    if (!d || at === null) return;
    if ('kind' in d) add(d.kind, at);
    else move(d.from, at);
  };

  const columns = isMobile ? 1 : form.columns === 2 ? 2 : 1;
  const selected = fieldAt(form, sel);

  const palette = (
    <Flex vertical gap={12} data-testid="palette">
      {PALETTE.map((g) => (
        <div key={g.group}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(`forms.designer.group.${g.group}`)}
          </Typography.Text>
          <Flex wrap gap={6} style={{ marginTop: 4 }}>
            {g.kinds.map((k) => (
              <Button
                key={k}
                size="small"
                draggable
                onDragStart={(e) => startDrag(e, { kind: k })}
                onDragEnd={() => {
                  setDrag(null);
                  setDrop(null);
                }}
                onClick={() => add(k)}
                title={t('forms.designer.addKind', { kind: kindName(k) })}
                data-testid={`palette-${k}`}
                style={{ cursor: 'grab' }}
              >
                {kindName(k)}
              </Button>
            ))}
          </Flex>
        </div>
      ))}
    </Flex>
  );

  const card = (f: Field, i: number) => {
    const full =
      columns === 1 ||
      f.span === 2 ||
      f.kind === 'table' ||
      f.kind === 'section' ||
      f.kind === 'description';
    const problems = bySel.get(`${i}`) ?? [];
    const columnProblems = [...bySel.entries()].filter(([k]) => k.startsWith(`${i}.`));
    const isSel = sel?.index === i && sel.column === undefined;
    const marker =
      drop === i
        ? full
          ? 'inset 0 3px 0 #1677ff'
          : 'inset 3px 0 0 #1677ff'
        : drop === i + 1 && i === form.fields.length - 1
          ? full
            ? 'inset 0 -3px 0 #1677ff'
            : 'inset -3px 0 0 #1677ff'
          : undefined;
    return (
      <div
        key={`${f.key}-${i}`}
        role="option"
        aria-selected={isSel}
        tabIndex={0}
        draggable
        data-testid={`canvas-field-${i}`}
        onDragStart={(e) => startDrag(e, { from: i })}
        onDragEnd={() => {
          setDrag(null);
          setDrop(null);
        }}
        onDragOver={(e) => overCard(e, i, full)}
        onDrop={(e) => {
          e.stopPropagation();
          dropAt(e, drop);
        }}
        onClick={() => setSel({ index: i })}
        onKeyDown={(e) => {
          if (e.target !== e.currentTarget) return;
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            setSel({ index: i });
          } else if (e.altKey && e.key === 'ArrowUp' && i > 0) {
            e.preventDefault();
            move(i, i - 1);
          } else if (e.altKey && e.key === 'ArrowDown' && i < form.fields.length - 1) {
            e.preventDefault();
            move(i, i + 2);
          } else if (e.key === 'Delete') {
            e.preventDefault();
            remove(i);
          }
        }}
        style={{
          gridColumn: full ? '1 / -1' : undefined,
          border: `1px solid ${problems.length || columnProblems.length ? '#ff4d4f' : isSel ? '#1677ff' : '#f0f0f0'}`,
          background: isSel ? '#e6f4ff' : '#fff',
          borderRadius: 8,
          padding: '8px 10px',
          cursor: 'grab',
          boxShadow: marker,
          opacity: drag && 'from' in drag && drag.from === i ? 0.5 : 1,
          outlineOffset: 2,
        }}
      >
        <Flex align="center" gap={6} wrap>
          {f.kind === 'section' ? (
            <Typography.Text strong style={{ fontSize: 15 }}>
              {f.label}
            </Typography.Text>
          ) : (
            <Typography.Text strong>
              {f.required ? <span style={{ color: '#ff4d4f', marginRight: 2 }}>*</span> : null}
              {f.label || (
                <Typography.Text type="secondary">{t('forms.designer.noLabel')}</Typography.Text>
              )}
            </Typography.Text>
          )}
          <Tag style={{ marginInlineEnd: 0 }}>{kindName(f.kind)}</Tag>
          {!isDisplay(f.kind) ? (
            <Typography.Text type="secondary" code style={{ fontSize: 12 }}>
              {f.key}
            </Typography.Text>
          ) : null}
          {f.visible_when ? (
            <Tooltip title={f.visible_when}>
              <EyeInvisibleOutlined
                aria-label={t('forms.designer.hasRule')}
                style={{ color: '#faad14' }}
              />
            </Tooltip>
          ) : null}
          {problems.length || columnProblems.length ? (
            <Tooltip
              title={[...problems, ...columnProblems.flatMap(([, v]) => v)].map(text).join('\n')}
            >
              <WarningOutlined
                style={{ color: '#ff4d4f' }}
                aria-label={t('forms.designer.hasProblems')}
              />
            </Tooltip>
          ) : null}
          <span style={{ flex: 1 }} />
          <Space.Compact size="small" onClick={(e) => e.stopPropagation()}>
            <Button
              size="small"
              type="text"
              icon={<ArrowUpOutlined />}
              disabled={i === 0}
              aria-label={t('forms.designer.moveUpField', { name: f.label })}
              onClick={() => move(i, i - 1)}
            />
            <Button
              size="small"
              type="text"
              icon={<ArrowDownOutlined />}
              disabled={i === form.fields.length - 1}
              aria-label={t('forms.designer.moveDownField', { name: f.label })}
              onClick={() => move(i, i + 2)}
            />
            <Button
              size="small"
              type="text"
              icon={<CopyOutlined />}
              aria-label={t('forms.designer.copyField', { name: f.label })}
              onClick={() => duplicate(i)}
            />
            <Button
              size="small"
              type="text"
              danger
              icon={<DeleteOutlined />}
              aria-label={t('forms.designer.removeField', { name: f.label })}
              onClick={() => remove(i)}
            />
          </Space.Compact>
        </Flex>
        {f.kind === 'table' ? (
          <Flex wrap gap={4} style={{ marginTop: 6 }}>
            {(f.fields ?? []).map((c, j) => {
              const on = sel?.index === i && sel.column === j;
              const bad = bySel.has(`${i}.${j}`);
              return (
                <Tag
                  // biome-ignore lint/suspicious/noArrayIndexKey: keys may repeat while being edited
                  key={`${c.key}-${j}`}
                  color={bad ? 'error' : on ? 'processing' : undefined}
                  style={{ cursor: 'pointer' }}
                  data-testid={`canvas-column-${i}-${j}`}
                  onClick={(e) => {
                    e.stopPropagation();
                    setSel({ index: i, column: j });
                  }}
                >
                  {c.label} · {kindName(c.kind)}
                </Tag>
              );
            })}
          </Flex>
        ) : f.kind === 'description' ? (
          <Typography.Paragraph
            type="secondary"
            ellipsis={{ rows: 2 }}
            style={{ margin: '4px 0 0', fontSize: 12 }}
          >
            {f.content}
          </Typography.Paragraph>
        ) : f.kind === 'computed' ? (
          <Typography.Text code style={{ fontSize: 12 }}>
            = {f.expr || '…'}
          </Typography.Text>
        ) : f.kind !== 'section' ? (
          <div
            style={{
              marginTop: 6,
              height: 26,
              border: '1px solid #e5e5e5',
              borderRadius: 6,
              background: '#fafafa',
              color: '#bfbfbf',
              fontSize: 12,
              padding: '3px 8px',
              overflow: 'hidden',
              whiteSpace: 'nowrap',
            }}
          >
            {f.placeholder || f.help || ''}
          </div>
        ) : null}
      </div>
    );
  };

  const canvas = (
    <div
      data-testid="canvas"
      role="listbox"
      aria-label={t('forms.designer.canvas')}
      onDragOver={(e) => {
        e.preventDefault();
        if (form.fields.length === 0 || e.target === e.currentTarget) setDrop(form.fields.length);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDrop(null);
      }}
      onDrop={(e) => dropAt(e, drop ?? form.fields.length)}
      style={{
        display: 'grid',
        gridTemplateColumns: columns === 2 ? '1fr 1fr' : '1fr',
        gap: 8,
        alignContent: 'start',
        minHeight: 320,
        padding: 12,
        background: '#f5f5f5',
        borderRadius: 8,
        border: drag ? '1px dashed #1677ff' : '1px dashed transparent',
      }}
    >
      {form.fields.length === 0 ? (
        <div style={{ gridColumn: '1 / -1' }}>
          <Empty description={t('forms.designer.empty')} />
        </div>
      ) : (
        form.fields.map(card)
      )}
    </div>
  );

  const formIssues = bySel.get('form') ?? [];
  const settings =
    sel && selected ? (
      <FieldSettings
        key={selKey(sel)}
        form={form}
        sel={sel}
        issues={bySel.get(selKey(sel)) ?? []}
        onSelect={setSel}
        onForm={(next) => commit(next)}
        onReplace={(field) => commit(replaceAt(form, sel, field))}
        onPatch={(patch, merge) =>
          commit(updateAt(form, sel, patch), merge ? `${selKey(sel)}:${merge}` : undefined)
        }
      />
    ) : (
      <Flex vertical gap={12}>
        <Typography.Title level={5} style={{ marginTop: 0 }}>
          {t('forms.designer.formSettings')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('forms.designer.pickField')}</Typography.Text>
      </Flex>
    );

  const toolbar = (
    <Flex wrap gap={8} align="center" style={{ marginBottom: 8 }}>
      <Tooltip title="Ctrl+Z">
        <Button icon={<UndoOutlined />} disabled={history.past.length === 0} onClick={undo}>
          {t('forms.designer.undo')}
        </Button>
      </Tooltip>
      <Tooltip title="Ctrl+Shift+Z">
        <Button icon={<RedoOutlined />} disabled={history.future.length === 0} onClick={redo}>
          {t('forms.designer.redo')}
        </Button>
      </Tooltip>
      <Segmented<number>
        aria-label={t('forms.designer.layout')}
        value={form.columns === 2 ? 2 : 1}
        options={[
          { value: 1, label: t('forms.designer.oneColumn') },
          { value: 2, label: t('forms.designer.twoColumns') },
        ]}
        onChange={(v) => {
          const { columns: _, ...rest } = form;
          commit(v === 2 ? { ...rest, columns: 2 } : rest);
        }}
      />
      <span style={{ flex: 1 }} />
      <Button icon={<DesktopOutlined />} onClick={() => setPreview('desktop')}>
        {t('forms.designer.previewDesktop')}
      </Button>
      <Button icon={<MobileOutlined />} onClick={() => setPreview('phone')}>
        {t('forms.designer.previewPhone')}
      </Button>
    </Flex>
  );

  const problems =
    issues.length > 0 ? (
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 8 }}
        data-testid="schema-problems"
        title={t('forms.designer.problems', { n: issues.length })}
        description={
          <Flex vertical gap={2}>
            {issues.slice(0, 8).map((i, n) => {
              const m = /^form\.fields\[(\d+)\](?:\.fields\[(\d+)\])?/.exec(i.field);
              return (
                <Typography.Link
                  // biome-ignore lint/suspicious/noArrayIndexKey: issues may repeat
                  key={n}
                  onClick={() =>
                    m &&
                    setSel({
                      index: Number(m[1]),
                      column: m[2] === undefined ? undefined : Number(m[2]),
                    })
                  }
                  style={{ fontSize: 12 }}
                >
                  {text(i)}
                </Typography.Link>
              );
            })}
            {formIssues.length === 0 && issues.length > 8 ? <span>…</span> : null}
          </Flex>
        }
      />
    ) : null;

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: undo/redo shortcuts for the whole designer
    <div onKeyDown={onKeyDown} data-testid="form-designer">
      {toolbar}
      {problems}
      {isMobile ? (
        <Flex vertical gap={12}>
          <Card size="small" title={t('forms.designer.palette')}>
            {palette}
          </Card>
          {canvas}
          <Drawer
            open={Boolean(sel && selected)}
            onClose={() => setSel(undefined)}
            placement="bottom"
            size="large"
            title={selected?.label}
          >
            {settings}
          </Drawer>
        </Flex>
      ) : (
        <div
          style={{ display: 'grid', gridTemplateColumns: '200px minmax(0, 1fr) 340px', gap: 12 }}
        >
          <Card size="small" title={t('forms.designer.palette')} styles={{ body: { padding: 10 } }}>
            {palette}
          </Card>
          {canvas}
          <Card size="small" styles={{ body: { maxHeight: '75vh', overflow: 'auto' } }}>
            {settings}
          </Card>
        </div>
      )}
      <Preview form={form} mode={preview} onMode={setPreview} />
    </div>
  );
}

/** The form as people will fill it in, on a desktop or in a 375px phone frame. */
function Preview({
  form,
  mode,
  onMode,
}: {
  form: FormSpec;
  mode: 'desktop' | 'phone' | null;
  onMode: (m: 'desktop' | 'phone' | null) => void;
}) {
  const { t } = useI18n();
  const [value, setValue] = useState<Record<string, unknown>>({});
  const [result, setResult] = useState<number | null>(null);
  const { ref, validate } = useFormRenderer();
  useEffect(() => {
    if (mode) {
      setValue(defaults(form));
      setResult(null);
    }
  }, [mode, form]);
  return (
    <Modal
      open={mode !== null}
      onCancel={() => onMode(null)}
      title={
        <Flex align="center" gap={12}>
          {t('forms.designer.preview')}
          <Segmented<'desktop' | 'phone'>
            size="small"
            value={mode ?? 'desktop'}
            onChange={onMode}
            options={[
              { value: 'desktop', icon: <DesktopOutlined />, label: t('forms.designer.desktop') },
              { value: 'phone', icon: <MobileOutlined />, label: t('forms.designer.phone') },
            ]}
          />
        </Flex>
      }
      width={mode === 'phone' ? 460 : 960}
      footer={
        <Flex align="center" justify="space-between">
          <span data-testid="preview-result">
            {result === null ? null : result === 0 ? (
              <Typography.Text type="success">{t('forms.designer.previewValid')}</Typography.Text>
            ) : (
              <Typography.Text type="danger">
                {t('forms.designer.previewInvalid', { n: result })}
              </Typography.Text>
            )}
          </span>
          <Space>
            <Button onClick={() => setValue(defaults(form))}>{t('common.reset')}</Button>
            <Button type="primary" onClick={() => setResult(validate().length)}>
              {t('forms.designer.tryValidate')}
            </Button>
          </Space>
        </Flex>
      }
      destroyOnHidden
    >
      {mode === 'phone' ? (
        <div
          data-testid="phone-frame"
          style={{
            width: 375,
            height: 667,
            margin: '0 auto',
            border: '10px solid #222',
            borderRadius: 28,
            overflow: 'auto',
            padding: 12,
            background: '#fff',
          }}
        >
          <FormRenderer
            ref={ref}
            form={form}
            value={value}
            onChange={setValue}
            mode="edit"
            layout="phone"
          />
        </div>
      ) : (
        <div style={{ maxHeight: '70vh', overflow: 'auto' }}>
          <FormRenderer
            ref={ref}
            form={form}
            value={value}
            onChange={setValue}
            mode="edit"
            layout="desktop"
          />
        </div>
      )}
    </Modal>
  );
}

export default FormDesigner;
