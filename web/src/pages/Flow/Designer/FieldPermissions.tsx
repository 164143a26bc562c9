import { Button, Flex, Radio, Table, Typography } from 'antd';
import { type Field, type FormSpec, type Perm, permissionAt } from '../../../forms/types';
import { useT } from '../../../i18n';

const PERMS: readonly Perm[] = ['edit', 'read', 'hidden'];

/** Fields that hold or show something a viewer may be kept from (not static text). */
export const permissionFields = (form: FormSpec): Field[] =>
  (form.fields ?? []).filter((f) => f.kind !== 'description' && f.kind !== 'section');

/**
 * Pure: the form with `perm` for `fields` at `node`. `read`, the default away from the start, is
 * not stored; a node left with no entries is dropped.
 */
export function setPermissions(
  form: FormSpec,
  node: string,
  fields: readonly string[],
  perm: Perm,
): FormSpec {
  const atNode = { ...(form.permissions?.[node] ?? {}) };
  for (const f of fields) {
    const field = form.fields.find((x) => x.key === f);
    // An older `hidden_at` still hides the field: say `read` explicitly to override it.
    if (perm === 'read' && !field?.hidden_at?.includes(node)) delete atNode[f];
    else atNode[f] = perm;
  }
  const permissions = { ...(form.permissions ?? {}) };
  if (Object.keys(atNode).length > 0) permissions[node] = atNode;
  else delete permissions[node];
  const next: FormSpec = { ...form, permissions };
  if (Object.keys(permissions).length === 0) delete next.permissions;
  return next;
}

/** Pure: the form without the permissions of nodes that are gone. */
export function dropPermissions(form: FormSpec, nodes: readonly string[]): FormSpec {
  if (!form.permissions || !nodes.some((n) => form.permissions?.[n])) return form;
  const permissions = { ...form.permissions };
  for (const n of nodes) delete permissions[n];
  const next: FormSpec = { ...form, permissions };
  if (Object.keys(permissions).length === 0) delete next.permissions;
  return next;
}

/** What each form field is at one node: editable, read-only or hidden. */
export function FieldPermissions({
  form,
  node,
  onChange,
}: {
  form: FormSpec;
  node: string;
  onChange: (form: FormSpec) => void;
}) {
  const t = useT();
  const fields = permissionFields(form);
  if (fields.length === 0)
    return <Typography.Text type="secondary">{t('designer.perm.noFields')}</Typography.Text>;
  const label = (p: Perm) => t(`designer.perm.${p}`);
  return (
    <Flex vertical gap={8}>
      <Flex gap={6} wrap align="center">
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('designer.perm.all')}
        </Typography.Text>
        {PERMS.map((p) => (
          <Button
            key={p}
            size="small"
            onClick={() =>
              onChange(
                setPermissions(
                  form,
                  node,
                  fields.map((f) => f.key),
                  p,
                ),
              )
            }
          >
            {label(p)}
          </Button>
        ))}
      </Flex>
      <Table<Field>
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={fields}
        data-testid="field-permissions"
        columns={[
          {
            title: t('designer.perm.field'),
            dataIndex: 'label',
            render: (l: string, f) => (
              <span title={f.key} style={{ wordBreak: 'break-all' }}>
                {l}
              </span>
            ),
          },
          {
            title: t('designer.perm.access'),
            key: 'perm',
            width: 190,
            render: (_: unknown, f) => (
              <Radio.Group
                size="small"
                optionType="button"
                aria-label={f.label}
                value={permissionAt(form, node, f)}
                onChange={(e) => onChange(setPermissions(form, node, [f.key], e.target.value))}
                options={PERMS.map((p) => ({ value: p, label: label(p) }))}
              />
            ),
          },
        ]}
      />
    </Flex>
  );
}
