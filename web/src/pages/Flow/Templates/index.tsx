import {
  AppstoreAddOutlined,
  DownloadOutlined,
  EditOutlined,
  ImportOutlined,
  PlusOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  AutoComplete,
  Button,
  Card,
  Flex,
  Form,
  Input,
  Modal,
  Select,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { PageHeader } from '../../../components/PageHeader';
import { QueryError } from '../../../components/QueryError';
import { useApiError } from '../../../hooks/useApiError';
import { useFormatTime } from '../../../hooks/useTenantTime';
import { useI18n, useT } from '../../../i18n';
import { IconPicker } from './IconPicker';
import { TemplateIcon } from './icons';
import {
  createTemplate,
  downloadText,
  exportTemplate,
  fileName,
  importTemplate,
  installBuiltins,
  listTemplates,
  readFileText,
  readTemplateFile,
  setEnabled,
  type Template,
  templateKeys,
} from './services';

/** The tag colour of a template status. */
export function statusColor(status: string): string {
  if (status === 'active') return 'success';
  if (status === 'disabled') return 'default';
  return 'processing';
}

/** Pure: templates matching a search text and a category. */
export function filterTemplates(
  templates: readonly Template[],
  q: string,
  category: string | undefined,
): Template[] {
  const text = q.trim().toLowerCase();
  return templates.filter(
    (t) =>
      (!category || t.category === category) &&
      (!text || t.name.toLowerCase().includes(text) || t.description.toLowerCase().includes(text)),
  );
}

/** The categories in use, sorted, once each. */
export const categoriesOf = (templates: readonly { category: string }[]): string[] =>
  [...new Set(templates.map((t) => t.category).filter(Boolean))].sort((a, b) =>
    a.localeCompare(b, 'zh-CN'),
  );

/** 流程模板: every template with its state; create, import, export, enable and disable. */
export default function TemplatesPage() {
  const { t, te } = useI18n();
  const fmt = useFormatTime();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const showError = useApiError();
  const [q, setQ] = useState('');
  const [category, setCategory] = useState<string>();
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    document.title = `${t('menu.flowTemplates')} - ${t('app.name')}`;
  }, [t]);

  const list = useQuery({ queryKey: templateKeys.all, queryFn: listTemplates });
  const templates = list.data ?? [];
  const categories = useMemo(() => categoriesOf(templates), [templates]);
  const shown = useMemo(() => filterTemplates(templates, q, category), [templates, q, category]);

  const toggle = useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) => setEnabled(id, enabled),
    onSuccess: (saved) => {
      message.success(t(saved.status === 'active' ? 'tpl.enabledNow' : 'tpl.disabledNow'));
      void queryClient.invalidateQueries({ queryKey: templateKeys.all });
    },
    onError: (e) => showError(e),
  });

  const exporting = useMutation({
    mutationFn: (tpl: Template) => exportTemplate(tpl.id),
    onSuccess: (file, tpl) =>
      downloadText(JSON.stringify(file, null, 2), fileName(tpl.name, '.json'), 'application/json'),
    onError: (e) => showError(e),
  });

  const importing = useMutation({
    mutationFn: async (file: File) => {
      const read = readTemplateFile(await readFileText(file));
      if ('error' in read) throw new Error(read.error);
      return importTemplate(read.file);
    },
    onSuccess: (created) => {
      message.success(t('tpl.imported', { name: created.name }));
      void queryClient.invalidateQueries({ queryKey: templateKeys.all });
      navigate(`/flow/templates/${created.id}`);
    },
    onError: (e) => {
      if (e instanceof Error && (e.message === 'json' || e.message === 'format'))
        message.error(t(e.message === 'json' ? 'tpl.importNotJson' : 'tpl.importBadFormat'));
      else showError(e);
    },
  });

  const builtins = useMutation({
    mutationFn: installBuiltins,
    onSuccess: ({ added, available }) => {
      if (added > 0) message.success(t('tpl.builtinsAdded', { added, available }));
      else message.info(t('tpl.builtinsNone', { available }));
      void queryClient.invalidateQueries({ queryKey: templateKeys.all });
    },
    onError: (e) => showError(e),
  });

  return (
    <>
      <PageHeader
        title={t('menu.flowTemplates')}
        extra={
          <>
            <Button
              icon={<AppstoreAddOutlined />}
              loading={builtins.isPending}
              onClick={() => builtins.mutate()}
            >
              {t('tpl.installBuiltins')}
            </Button>
            <Upload
              accept=".json,application/json"
              showUploadList={false}
              beforeUpload={(file) => {
                importing.mutate(file);
                return false;
              }}
            >
              <Button icon={<ImportOutlined />} loading={importing.isPending}>
                {t('tpl.import')}
              </Button>
            </Upload>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('tpl.new')}
            </Button>
          </>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex wrap gap={12}>
          <Input.Search
            allowClear
            aria-label={t('common.search')}
            placeholder={t('tpl.searchPlaceholder')}
            onSearch={setQ}
            onChange={(e) => setQ(e.target.value)}
            style={{ width: 240, maxWidth: '100%' }}
          />
          <Select<string>
            allowClear
            aria-label={t('tpl.category')}
            placeholder={t('tpl.allCategories')}
            value={category}
            onChange={setCategory}
            options={categories.map((c) => ({ value: c, label: c }))}
            style={{ width: 180, maxWidth: '100%' }}
          />
        </Flex>
      </Card>
      {list.error ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<Template>
          rowKey="id"
          size="small"
          loading={list.isPending}
          dataSource={shown}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('tpl.empty') }}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          columns={[
            {
              title: t('tpl.name'),
              dataIndex: 'name',
              render: (name: string, tpl) => (
                <Flex gap={8} align="center">
                  <TemplateIcon name={tpl.icon} size={24} />
                  <Link to={`/flow/templates/${tpl.id}`}>{name}</Link>
                </Flex>
              ),
            },
            { title: t('tpl.category'), dataIndex: 'category' },
            {
              title: t('tpl.status'),
              dataIndex: 'status',
              render: (s: string) => (
                <Tag color={statusColor(s)} data-testid="template-status">
                  {te('tpl.status', s)}
                </Tag>
              ),
            },
            {
              title: t('tpl.latestVersion'),
              dataIndex: 'latest_version',
              render: (v: number) =>
                v > 0 ? (
                  `v${v}`
                ) : (
                  <Typography.Text type="secondary">{t('tpl.unpublished')}</Typography.Text>
                ),
            },
            { title: t('tpl.updatedAt'), dataIndex: 'updated_at', render: fmt },
            {
              title: t('tpl.enabled'),
              dataIndex: 'status',
              key: 'enabled',
              render: (s: string, tpl) => {
                const sw = (
                  <Switch
                    size="small"
                    aria-label={t('tpl.enabledOf', { name: tpl.name })}
                    checked={s === 'active'}
                    disabled={s === 'draft'}
                    loading={toggle.isPending && toggle.variables?.id === tpl.id}
                    onChange={(enabled) => toggle.mutate({ id: tpl.id, enabled })}
                  />
                );
                return s === 'draft' ? <Tooltip title={t('tpl.publishFirst')}>{sw}</Tooltip> : sw;
              },
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_: unknown, tpl) => (
                <Flex gap={4}>
                  <Link to={`/flow/templates/${tpl.id}`}>
                    <Button size="small" type="link" icon={<EditOutlined />}>
                      {t('tpl.design')}
                    </Button>
                  </Link>
                  <Button
                    size="small"
                    type="link"
                    icon={<DownloadOutlined />}
                    loading={exporting.isPending && exporting.variables?.id === tpl.id}
                    onClick={() => exporting.mutate(tpl)}
                  >
                    {t('tpl.export')}
                  </Button>
                </Flex>
              ),
            },
          ]}
        />
      )}
      <CreateModal
        open={creating}
        categories={categories}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          void queryClient.invalidateQueries({ queryKey: templateKeys.all });
          navigate(`/flow/templates/${created.id}`);
        }}
      />
    </>
  );
}

interface CreateValues {
  name: string;
  category?: string;
  icon?: string;
}

function CreateModal({
  open,
  categories,
  onClose,
  onCreated,
}: {
  open: boolean;
  categories: string[];
  onClose: () => void;
  onCreated: (t: Template) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const showError = useApiError();
  const [form] = Form.useForm<CreateValues>();
  const create = useMutation({
    mutationFn: (v: CreateValues) =>
      createTemplate({
        name: v.name.trim(),
        category: v.category?.trim() || undefined,
        icon: v.icon || 'file',
      }),
    onSuccess: (created) => {
      message.success(t('tpl.created'));
      form.resetFields();
      onCreated(created);
    },
    onError: (e) => showError(e, form),
  });
  return (
    <Modal
      open={open}
      title={t('tpl.new')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      forceRender
    >
      <Form<CreateValues>
        form={form}
        name="new-template"
        layout="vertical"
        initialValues={{ icon: 'file' }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item
          name="name"
          label={t('tpl.name')}
          rules={[{ required: true, whitespace: true, message: t('tpl.nameRequired') }]}
        >
          <Input maxLength={64} placeholder={t('tpl.namePlaceholder')} />
        </Form.Item>
        <Form.Item name="category" label={t('tpl.category')} extra={t('tpl.categoryHint')}>
          <AutoComplete
            options={categories.map((c) => ({ value: c }))}
            placeholder={t('tpl.categoryPlaceholder')}
            maxLength={64}
          />
        </Form.Item>
        <Form.Item name="icon" label={t('tpl.icon')} style={{ marginBottom: 0 }}>
          <IconPicker />
        </Form.Item>
      </Form>
    </Modal>
  );
}
