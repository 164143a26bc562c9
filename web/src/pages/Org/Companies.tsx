import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, InputNumber, Modal, Select, Table, Tag } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { access } from '../../access';
import { useMe } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryError';
import { useApiError } from '../../hooks/useApiError';
import { useI18n } from '../../i18n';
import {
  COMPANY_KINDS,
  type Company,
  createCompany,
  patchCompany,
  useCompanies,
  useDepartments,
} from './services';
import { compareCompanies } from './tree';

interface Values {
  name: string;
  kind: string;
  parent_id?: string | null;
  sort_order?: number | null;
}

const KIND_COLORS: Record<string, string> = { hq: 'blue', subsidiary: 'green', holding: 'gold' };

/** Companies in display order, each after its parent (holding → subsidiaries). */
export function orderCompanies(companies: Company[]): { company: Company; depth: number }[] {
  const ids = new Set(companies.map((c) => c.id));
  const out: { company: Company; depth: number }[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    for (const c of companies
      .filter((c) => (c.parent_id && ids.has(c.parent_id) ? c.parent_id : null) === parent)
      .sort(compareCompanies)) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      out.push({ company: c, depth });
      walk(c.id, depth + 1);
    }
  };
  walk(null, 0);
  // A parent cycle would hide companies: list them anyway.
  for (const c of companies) if (!seen.has(c.id)) out.push({ company: c, depth: 0 });
  return out;
}

/** 公司: the head company, subsidiaries and holdings; departments live inside them. */
export default function CompaniesPage() {
  const { t, te } = useI18n();
  const { data: me } = useMe();
  const canWrite = access(me).canWriteOrg;
  const companies = useCompanies();
  const departments = useDepartments();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [editing, setEditing] = useState<Company | 'new' | null>(null);
  const hqId = companies.data?.find((c) => c.kind === 'hq')?.id ?? null;

  useEffect(() => {
    document.title = `${t('menu.companies')} - ${t('app.name')}`;
  }, [t]);
  useEffect(() => {
    if (editing === null) return;
    form.resetFields();
    // A new company is most often a subsidiary of the head office.
    if (editing === 'new')
      form.setFieldsValue({
        kind: 'subsidiary',
        parent_id: hqId,
      });
    else
      form.setFieldsValue({
        name: editing.name,
        kind: editing.kind,
        parent_id: editing.parent_id ?? null,
        sort_order: editing.sort_order,
      });
  }, [editing, form, hqId]);

  const rows = useMemo(() => orderCompanies(companies.data ?? []), [companies.data]);
  const deptCount = useMemo(() => {
    const m = new Map<string, number>();
    for (const d of departments.data ?? []) m.set(d.company_id, (m.get(d.company_id) ?? 0) + 1);
    return m;
  }, [departments.data]);
  const nameOf = (id?: string | null) =>
    id ? (companies.data?.find((c) => c.id === id)?.name ?? id) : '-';

  const save = useMutation({
    mutationFn: (v: Values) => {
      const name = v.name.trim();
      if (editing && editing !== 'new')
        return patchCompany(editing.id, {
          name,
          kind: v.kind,
          ...(v.sort_order != null ? { sort_order: v.sort_order } : {}),
        });
      return createCompany({
        name,
        kind: v.kind,
        parent_id: v.parent_id ?? null,
        ...(v.sort_order != null ? { sort_order: v.sort_order } : {}),
      });
    },
    onSuccess: () => {
      setEditing(null);
      message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: ['org'] });
    },
    onError: (e) => showError(e, form),
  });

  const isNew = editing === 'new';
  return (
    <>
      <PageHeader
        title={t('menu.companies')}
        extra={
          canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t('company.create')}
            </Button>
          ) : null
        }
      />
      {companies.error ? (
        <QueryError error={companies.error} onRetry={() => void companies.refetch()} />
      ) : (
        <Table<{ company: Company; depth: number }>
          rowKey={(r) => r.company.id}
          loading={companies.isPending}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 'max-content' }}
          columns={[
            {
              title: t('company.name'),
              key: 'name',
              render: (_, r) => (
                <span
                  style={{ paddingInlineStart: r.depth * 16 }}
                  data-testid={`company-${r.company.name}`}
                >
                  {r.company.name}
                </span>
              ),
            },
            {
              title: t('company.kind'),
              key: 'kind',
              render: (_, r) => (
                <Tag color={KIND_COLORS[r.company.kind]}>{te('company.kind', r.company.kind)}</Tag>
              ),
            },
            {
              title: t('company.parent'),
              key: 'parent',
              render: (_, r) => nameOf(r.company.parent_id),
            },
            {
              title: t('company.departments'),
              key: 'departments',
              align: 'right',
              render: (_, r) => (
                <Link to="/org/departments">{deptCount.get(r.company.id) ?? 0}</Link>
              ),
            },
            { title: t('dept.sortOrder'), key: 'sort', render: (_, r) => r.company.sort_order },
            ...(canWrite
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, r: { company: Company }) => (
                      <Button
                        size="small"
                        type="link"
                        onClick={() => setEditing(r.company)}
                        aria-label={`${t('common.edit')} ${r.company.name}`}
                      >
                        {t('common.edit')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      <Modal
        open={editing !== null}
        title={
          editing && editing !== 'new'
            ? t('company.edit', { name: editing.name })
            : t('company.create')
        }
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        okText={isNew ? t('common.create') : t('common.save')}
        forceRender
      >
        <Form<Values>
          name="company-form"
          form={form}
          layout="vertical"
          onFinish={(v) => save.mutate(v)}
        >
          <Form.Item
            name="name"
            label={t('company.name')}
            rules={[{ required: true, whitespace: true, message: t('company.nameRequired') }]}
          >
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item
            name="kind"
            label={t('company.kind')}
            rules={[{ required: true, message: t('company.kindRequired') }]}
          >
            <Select
              options={COMPANY_KINDS.map((k) => ({ value: k, label: te('company.kind', k) }))}
            />
          </Form.Item>
          <Form.Item
            name="parent_id"
            label={t('company.parent')}
            extra={isNew ? t('company.parentHint') : t('company.parentFixed')}
          >
            <Select
              allowClear
              disabled={!isNew}
              placeholder={t('company.noParent')}
              showSearch={{ optionFilterProp: 'label' }}
              options={(companies.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
            />
          </Form.Item>
          <Form.Item name="sort_order" label={t('dept.sortOrder')}>
            <InputNumber min={0} style={{ width: 160 }} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
