import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Form, Input, InputNumber, Modal, Popconfirm, Table, Tag } from 'antd';
import { useState } from 'react';
import { QueryError } from '../../components/QueryError';
import { SecretOnce } from '../../components/SecretOnce';
import { useApiError } from '../../hooks/useApiError';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useI18n } from '../../i18n';
import {
  type ApiToken,
  type ApiTokenCreate,
  createToken,
  deleteToken,
  listTokens,
  settingsKeys,
} from './services';

interface Values {
  name: string;
  scopes: ApiTokenCreate['scopes'];
  expires_in_days?: number | null;
}

/** Personal API tokens: shown once on creation, revocable. */
export function Tokens() {
  const { t, te } = useI18n();
  const fmt = useFormatTime();
  const queryClient = useQueryClient();
  const showError = useApiError();
  const [form] = Form.useForm<Values>();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const query = useQuery({ queryKey: settingsKeys.tokens, queryFn: listTokens });
  const invalidate = () => queryClient.invalidateQueries({ queryKey: settingsKeys.tokens });

  const create = useMutation({
    mutationFn: (v: Values) =>
      createToken({
        name: v.name.trim(),
        scopes: v.scopes,
        expires_in_days: v.expires_in_days ?? null,
      }),
    onSuccess: (res) => {
      setCreating(false);
      form.resetFields();
      setSecret(res.token);
      void invalidate();
    },
    onError: (e) => showError(e, form),
  });
  const remove = useMutation({
    mutationFn: deleteToken,
    onSuccess: () => void invalidate(),
    onError: (e) => showError(e),
  });

  if (query.error) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;

  return (
    <>
      <Button
        type="primary"
        icon={<PlusOutlined />}
        onClick={() => setCreating(true)}
        style={{ marginBottom: 16 }}
      >
        {t('tokens.create')}
      </Button>
      <Table<ApiToken>
        rowKey="id"
        loading={query.isPending}
        dataSource={query.data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('tokens.name'), dataIndex: 'name' },
          {
            title: t('tokens.scopes'),
            dataIndex: 'scopes',
            render: (scopes: ApiToken['scopes']) =>
              scopes.map((s) => <Tag key={s}>{te('tokens.scope', s)}</Tag>),
          },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: fmt },
          {
            title: t('tokens.expiresAt'),
            dataIndex: 'expires_at',
            render: (v: string | null | undefined) => (v ? fmt(v) : t('tokens.never')),
          },
          {
            title: t('tokens.lastUsed'),
            dataIndex: 'last_used_at',
            render: (v: string | null | undefined) => (v ? fmt(v) : '-'),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, row) => (
              <Popconfirm title={t('tokens.revokeConfirm')} onConfirm={() => remove.mutate(row.id)}>
                <Button danger type="link" size="small">
                  {t('tokens.revoke')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('tokens.create')}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        confirmLoading={create.isPending}
        okText={t('common.create')}
        destroyOnHidden
      >
        <Form<Values>
          name="token-form"
          form={form}
          layout="vertical"
          initialValues={{ scopes: ['read'], expires_in_days: 90 }}
          onFinish={(v) => create.mutate(v)}
        >
          <Form.Item
            name="name"
            label={t('tokens.name')}
            rules={[{ required: true, whitespace: true, message: t('tokens.nameRequired') }]}
          >
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item
            name="scopes"
            label={t('tokens.scopes')}
            rules={[{ required: true, type: 'array', min: 1, message: t('tokens.scopesRequired') }]}
          >
            <Checkbox.Group
              options={[
                { value: 'read', label: t('tokens.scope.read') },
                { value: 'write', label: t('tokens.scope.write') },
              ]}
            />
          </Form.Item>
          <Form.Item
            name="expires_in_days"
            label={t('tokens.expiresInDays')}
            extra={t('tokens.expiresHint')}
          >
            <InputNumber min={1} max={3650} style={{ width: 160 }} />
          </Form.Item>
        </Form>
      </Modal>
      <SecretOnce
        open={secret !== null}
        title={t('tokens.created')}
        secret={secret ?? ''}
        onClose={() => setSecret(null)}
        testId="new-token"
      />
    </>
  );
}
