import { DeleteOutlined, EditOutlined, PlusOutlined, TeamOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Row,
  Select,
  Spin,
  Tree,
  type TreeProps,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { access } from '../../access';
import { useMe } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryError';
import { useApiError } from '../../hooks/useApiError';
import { useT } from '../../i18n';
import { DepartmentPicker, UserPicker } from './pickers';
import {
  createDepartment,
  type Department,
  deleteDepartment,
  patchDepartment,
  useCompanies,
  useDepartments,
} from './services';
import {
  buildOrgTree,
  departmentPath,
  descendantsOf,
  groupedByCompany,
  type MoveTarget,
  type OrgNode,
  planMove,
  siblings,
} from './tree';

interface CreateValues {
  company_id: string;
  parent_id?: string;
  name: string;
  sort_order?: number;
}

interface EditValues {
  name: string;
  parent_id?: string | null;
  sort_order: number;
  head_user_id: string | null;
  leader_user_id: string | null;
}

type DataNode = NonNullable<TreeProps['treeData']>[number] & { node: OrgNode };

function toTreeData(nodes: OrgNode[]): DataNode[] {
  return nodes.map((n) => ({
    key: n.key,
    title: n.title,
    node: n,
    isLeaf: n.children.length === 0 && Boolean(n.departmentId),
    children: toTreeData(n.children),
  }));
}

/** The department tree: drag to move, create, rename, set head and leader in charge. */
export default function DepartmentsPage() {
  const t = useT();
  const { data: me } = useMe();
  const canWrite = access(me).canWriteOrg;
  const companies = useCompanies();
  const departments = useDepartments();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [creating, setCreating] = useState<{ companyId?: string; parentId?: string } | null>(null);
  const [editing, setEditing] = useState(false);
  const [moving, setMoving] = useState(false);

  useEffect(() => {
    document.title = `${t('menu.departments')} - ${t('app.name')}`;
  }, [t]);

  const depts = departments.data ?? [];
  // One company: its departments at the root; several: grouped under company headings.
  const tree = useMemo(
    () => groupedByCompany(buildOrgTree(companies.data ?? [], depts)),
    [companies.data, depts],
  );
  const treeData = useMemo(() => toTreeData(tree), [tree]);
  const selected = depts.find((d) => d.id === selectedId) ?? null;
  // Everything starts expanded, new departments included; only what the user folds stays folded.
  const [folded, setFolded] = useState<Set<string>>(() => new Set());
  const allKeys = useMemo(() => {
    const keys: string[] = [];
    const walk = (ns: OrgNode[]) => {
      for (const n of ns) {
        keys.push(n.key);
        walk(n.children);
      }
    };
    walk(tree);
    return keys;
  }, [tree]);
  const expandedKeys = allKeys.filter((k) => !folded.has(k));
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['org'] });

  const onDrop: TreeProps<DataNode>['onDrop'] = async (info) => {
    const dragId = (info.dragNode as DataNode).node.departmentId;
    const drop = (info.node as DataNode).node;
    if (!dragId) return;
    const pos = info.node.pos.split('-');
    const relative = info.dropPosition - Number(pos[pos.length - 1]);
    let target: MoveTarget;
    if (!info.dropToGap || !drop.departmentId) {
      target = { companyId: drop.companyId, parentId: drop.departmentId ?? null, index: 0 };
    } else {
      const dropDept = depts.find((d) => d.id === drop.departmentId);
      if (!dropDept) return;
      const parentId = dropDept.parent_id ?? null;
      const list = siblings(depts, dropDept.company_id, parentId).filter((d) => d.id !== dragId);
      const at = list.findIndex((d) => d.id === dropDept.id);
      target = { companyId: dropDept.company_id, parentId, index: relative === -1 ? at : at + 1 };
    }
    const plan = planMove(depts, dragId, target);
    if (!plan.ok) {
      message.warning(t(`dept.move.${plan.reason}`));
      return;
    }
    if (plan.patches.length === 0) return;
    setMoving(true);
    try {
      for (const p of plan.patches) await patchDepartment(p.id, p.patch);
      message.success(t('dept.moved'));
    } catch (e) {
      showError(e);
    } finally {
      setMoving(false);
      void refresh();
    }
  };

  const error = companies.error ?? departments.error;
  if (error)
    return (
      <QueryError
        error={error}
        onRetry={() => {
          void companies.refetch();
          void departments.refetch();
        }}
      />
    );

  return (
    <>
      <PageHeader
        title={t('menu.departments')}
        extra={
          canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating({})}>
              {t('dept.create')}
            </Button>
          ) : null
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} md={10} lg={9}>
          <Card
            size="small"
            title={t('dept.tree')}
            extra={
              canWrite ? (
                <Typography.Text type="secondary">{t('dept.dragHint')}</Typography.Text>
              ) : null
            }
          >
            <Spin spinning={companies.isPending || departments.isPending || moving}>
              {tree.length === 0 ? (
                <Empty description={t('common.noData')} />
              ) : (
                <Tree<DataNode>
                  treeData={treeData}
                  expandedKeys={expandedKeys}
                  onExpand={(keys) => {
                    const open = new Set(keys.map(String));
                    setFolded(new Set(allKeys.filter((k) => !open.has(k))));
                  }}
                  blockNode
                  showLine
                  draggable={
                    canWrite
                      ? {
                          icon: false,
                          nodeDraggable: (n) => Boolean((n as DataNode).node.departmentId),
                        }
                      : false
                  }
                  onDrop={onDrop}
                  selectedKeys={selectedId ? [selectedId] : []}
                  onSelect={(_, { node }) => setSelectedId(node.node.departmentId ?? null)}
                  titleRender={(n) => (
                    <span data-testid={n.node.departmentId ? `dept-${n.node.title}` : undefined}>
                      {n.node.departmentId ? null : <TeamOutlined />} {n.node.title}
                    </span>
                  )}
                />
              )}
            </Spin>
          </Card>
        </Col>
        <Col xs={24} md={14} lg={15}>
          <Card size="small" title={selected ? selected.name : t('dept.details')}>
            {selected ? (
              <DepartmentDetails
                department={selected}
                path={departmentPath(depts, companies.data ?? [], selected.id)}
                canWrite={canWrite}
                onEdit={() => setEditing(true)}
                onAddChild={() =>
                  setCreating({ companyId: selected.company_id, parentId: selected.id })
                }
                onDeleted={() => {
                  setSelectedId(null);
                  void refresh();
                }}
              />
            ) : (
              <Empty description={t('dept.selectHint')} />
            )}
          </Card>
        </Col>
      </Row>
      <CreateDepartmentModal
        open={creating !== null}
        initial={creating ?? {}}
        onClose={() => setCreating(null)}
        onCreated={(d) => {
          setCreating(null);
          setSelectedId(d.id);
          void refresh();
        }}
      />
      {selected ? (
        <EditDepartmentModal
          open={editing}
          department={selected}
          departments={depts}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            void refresh();
          }}
        />
      ) : null}
    </>
  );
}

function DepartmentDetails({
  department: d,
  path,
  canWrite,
  onEdit,
  onAddChild,
  onDeleted,
}: {
  department: Department;
  path: string;
  canWrite: boolean;
  onEdit: () => void;
  onAddChild: () => void;
  onDeleted: () => void;
}) {
  const t = useT();
  const showError = useApiError();
  const { message } = App.useApp();
  const remove = async () => {
    try {
      await deleteDepartment(d.id);
      message.success(t('common.deleted'));
      onDeleted();
    } catch (e) {
      showError(e);
    }
  };
  return (
    <>
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('dept.path')}>{path}</Descriptions.Item>
        <Descriptions.Item label={t('dept.head')}>{d.head_name ?? '-'}</Descriptions.Item>
        <Descriptions.Item label={t('dept.leader')}>{d.leader_name ?? '-'}</Descriptions.Item>
        <Descriptions.Item label={t('dept.members')}>
          <Link to={`/org/users?department_id=${encodeURIComponent(d.id)}`}>{d.member_count}</Link>
        </Descriptions.Item>
        <Descriptions.Item label={t('dept.sortOrder')}>{d.sort_order}</Descriptions.Item>
      </Descriptions>
      {canWrite ? (
        <Flex gap={8} wrap style={{ marginTop: 16 }}>
          <Button icon={<EditOutlined />} onClick={onEdit}>
            {t('common.edit')}
          </Button>
          <Button icon={<PlusOutlined />} onClick={onAddChild}>
            {t('dept.addChild')}
          </Button>
          <Popconfirm
            title={t('dept.deleteConfirm', { name: d.name })}
            onConfirm={() => void remove()}
          >
            <Button danger icon={<DeleteOutlined />}>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Flex>
      ) : null}
    </>
  );
}

function CreateDepartmentModal({
  open,
  initial,
  onClose,
  onCreated,
}: {
  open: boolean;
  initial: { companyId?: string; parentId?: string };
  onClose: () => void;
  onCreated: (d: Department) => void;
}) {
  const t = useT();
  const [form] = Form.useForm<CreateValues>();
  const companies = useCompanies();
  const showError = useApiError();
  const [busy, setBusy] = useState(false);
  const companyId = Form.useWatch('company_id', form);

  useEffect(() => {
    if (open)
      form.setFieldsValue({
        company_id: initial.companyId ?? companies.data?.[0]?.id,
        parent_id: initial.parentId,
        name: '',
        sort_order: undefined,
      });
  }, [open, initial.companyId, initial.parentId, companies.data, form]);

  const submit = async (v: CreateValues) => {
    setBusy(true);
    try {
      const d = await createDepartment({
        company_id: v.company_id,
        parent_id: v.parent_id ?? null,
        name: v.name.trim(),
        ...(v.sort_order != null ? { sort_order: v.sort_order } : {}),
      });
      form.resetFields();
      onCreated(d);
    } catch (e) {
      showError(e, form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('dept.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.create')}
      confirmLoading={busy}
      forceRender
    >
      <Form<CreateValues> name="dept-create" form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="company_id"
          label={t('dept.company')}
          rules={[{ required: true, message: t('dept.companyRequired') }]}
        >
          <Select
            options={(companies.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
            loading={companies.isPending}
            onChange={() => form.setFieldValue('parent_id', undefined)}
          />
        </Form.Item>
        <Form.Item name="parent_id" label={t('dept.parent')} extra={t('dept.parentHint')}>
          <DepartmentPicker
            companyId={companyId}
            allowClear
            placeholder={t('dept.parentPlaceholder')}
          />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('dept.name')}
          rules={[{ required: true, whitespace: true, message: t('dept.nameRequired') }]}
        >
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="sort_order" label={t('dept.sortOrder')}>
          <InputNumber min={0} style={{ width: 160 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function EditDepartmentModal({
  open,
  department: d,
  departments,
  onClose,
  onSaved,
}: {
  open: boolean;
  department: Department;
  departments: Department[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const t = useT();
  const [form] = Form.useForm<EditValues>();
  const showError = useApiError();
  const [busy, setBusy] = useState(false);
  const exclude = useMemo(() => descendantsOf(departments, d.id), [departments, d.id]);

  useEffect(() => {
    if (open)
      form.setFieldsValue({
        name: d.name,
        parent_id: d.parent_id ?? null,
        sort_order: d.sort_order,
        head_user_id: d.head_user_id ?? null,
        leader_user_id: d.leader_user_id ?? null,
      });
  }, [open, d, form]);

  const submit = async (v: EditValues) => {
    setBusy(true);
    try {
      await patchDepartment(d.id, {
        name: v.name.trim(),
        parent_id: v.parent_id ?? null,
        sort_order: v.sort_order,
        head_user_id: v.head_user_id ?? null,
        leader_user_id: v.leader_user_id ?? null,
      });
      onSaved();
    } catch (e) {
      showError(e, form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('dept.edit', { name: d.name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      confirmLoading={busy}
      forceRender
    >
      <Form<EditValues> name="dept-edit" form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="name"
          label={t('dept.name')}
          rules={[{ required: true, whitespace: true, message: t('dept.nameRequired') }]}
        >
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="parent_id" label={t('dept.parent')} extra={t('dept.parentHint')}>
          <DepartmentPicker
            companyId={d.company_id}
            exclude={exclude}
            allowClear
            placeholder={t('dept.parentPlaceholder')}
          />
        </Form.Item>
        <Form.Item name="sort_order" label={t('dept.sortOrder')} rules={[{ required: true }]}>
          <InputNumber min={0} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="head_user_id" label={t('dept.head')}>
          <UserPicker initialLabel={d.head_name} />
        </Form.Item>
        <Form.Item name="leader_user_id" label={t('dept.leader')} extra={t('dept.leaderHint')}>
          <UserPicker initialLabel={d.leader_name} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
