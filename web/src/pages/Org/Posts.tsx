import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
} from 'antd';
import { useEffect, useState } from 'react';
import { access } from '../../access';
import { useMe } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { QueryError } from '../../components/QueryError';
import { useApiError } from '../../hooks/useApiError';
import { useT } from '../../i18n';
import {
  createPost,
  deletePost,
  orgKeys,
  type Post,
  patchPost,
  useCompanies,
  usePosts,
} from './services';

interface Values {
  name: string;
  rank: number;
  company_id?: string | null;
}

/** 岗位: posts with a rank, used for approval by post and rank. */
export default function PostsPage() {
  const t = useT();
  const { data: me } = useMe();
  const canWrite = access(me).canWriteOrg;
  const posts = usePosts();
  const companies = useCompanies();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [editing, setEditing] = useState<Post | 'new' | null>(null);

  useEffect(() => {
    document.title = `${t('menu.posts')} - ${t('app.name')}`;
  }, [t]);
  useEffect(() => {
    if (editing === null) return;
    form.resetFields();
    if (editing !== 'new')
      form.setFieldsValue({
        name: editing.name,
        rank: editing.rank,
        company_id: editing.company_id ?? null,
      });
  }, [editing, form]);

  const refresh = () => queryClient.invalidateQueries({ queryKey: orgKeys.posts });
  const save = useMutation({
    mutationFn: (v: Values) => {
      const body = { name: v.name.trim(), rank: v.rank, company_id: v.company_id ?? null };
      return editing && editing !== 'new' ? patchPost(editing.id, body) : createPost(body);
    },
    onSuccess: () => {
      setEditing(null);
      message.success(t('common.saved'));
      void refresh();
    },
    onError: (e) => showError(e, form),
  });
  const remove = useMutation({
    mutationFn: deletePost,
    onSuccess: () => void refresh(),
    onError: (e) => showError(e),
  });
  const companyName = (id?: string | null) =>
    id ? (companies.data?.find((c) => c.id === id)?.name ?? id) : t('post.allCompanies');

  return (
    <>
      <PageHeader
        title={t('menu.posts')}
        extra={
          canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t('post.create')}
            </Button>
          ) : null
        }
      />
      {posts.error ? (
        <QueryError error={posts.error} onRetry={() => void posts.refetch()} />
      ) : (
        <Table<Post>
          rowKey="id"
          loading={posts.isPending}
          dataSource={(posts.data ?? []).slice().sort((a, b) => b.rank - a.rank)}
          pagination={false}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('post.name'), dataIndex: 'name' },
            { title: t('post.rank'), dataIndex: 'rank' },
            { title: t('post.company'), dataIndex: 'company_id', render: companyName },
            ...(canWrite
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, p: Post) => (
                      <Space>
                        <Button size="small" type="link" onClick={() => setEditing(p)}>
                          {t('common.edit')}
                        </Button>
                        <Popconfirm
                          title={t('post.deleteConfirm', { name: p.name })}
                          onConfirm={() => remove.mutate(p.id)}
                        >
                          <Button size="small" type="link" danger>
                            {t('common.delete')}
                          </Button>
                        </Popconfirm>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('post.create') : t('post.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        okText={t('common.save')}
        forceRender
      >
        <Form<Values>
          name="post-form"
          form={form}
          layout="vertical"
          onFinish={(v) => save.mutate(v)}
          initialValues={{ rank: 1 }}
        >
          <Form.Item
            name="name"
            label={t('post.name')}
            rules={[{ required: true, whitespace: true, message: t('post.nameRequired') }]}
          >
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item
            name="rank"
            label={t('post.rank')}
            extra={t('post.rankHint')}
            rules={[{ required: true }]}
          >
            <InputNumber min={0} max={100} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="company_id" label={t('post.company')}>
            <Select
              allowClear
              placeholder={t('post.allCompanies')}
              options={(companies.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
