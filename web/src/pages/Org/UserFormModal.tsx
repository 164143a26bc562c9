import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Col, Flex, Form, Input, Modal, Row, Select } from 'antd';
import { useEffect, useState } from 'react';
import { access } from '../../access';
import { useMe } from '../../auth/session';
import { useApiError } from '../../hooks/useApiError';
import { useT } from '../../i18n';
import { DepartmentPicker, PostPicker, UserPicker } from './pickers';
import {
  createUser,
  patchUser,
  type RoleKey,
  type User,
  type UserCreated,
  useRoles,
} from './services';

interface Values {
  username: string;
  display_name: string;
  department_id: string;
  post_id?: string | null;
  supervisor_id?: string | null;
  email?: string;
  phone?: string;
  roles: RoleKey[];
  part_time?: { department_id: string; post_id?: string | null }[];
}

const blankToNull = (v?: string | null) => (v?.trim() ? v.trim() : null);

/** Creates a user (showing the initial password once) or edits one. */
export function UserFormModal({
  open,
  user,
  defaultDepartmentId,
  onClose,
  onCreated,
  onSaved,
}: {
  open: boolean;
  user: User | null;
  defaultDepartmentId?: string;
  onClose: () => void;
  onCreated: (res: UserCreated) => void;
  onSaved: (u: User) => void;
}) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const showError = useApiError();
  const roles = useRoles();
  const { data: me } = useMe();
  const canAssignRoles = access(me).canAssignRoles;
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (user)
      form.setFieldsValue({
        username: user.username,
        display_name: user.display_name,
        department_id: user.department_id,
        post_id: user.post_id ?? null,
        supervisor_id: user.supervisor_id ?? null,
        email: user.email ?? '',
        phone: user.phone ?? '',
        roles: user.roles,
        part_time: user.part_time.map((p) => ({
          department_id: p.department_id,
          post_id: p.post_id ?? null,
        })),
      });
    else form.setFieldsValue({ roles: ['member'], department_id: defaultDepartmentId });
  }, [open, user, defaultDepartmentId, form]);

  const submit = async (v: Values) => {
    setBusy(true);
    const common = {
      username: v.username.trim(),
      display_name: v.display_name.trim(),
      department_id: v.department_id,
      post_id: v.post_id ?? null,
      supervisor_id: v.supervisor_id ?? null,
      email: blankToNull(v.email),
      phone: blankToNull(v.phone),
      // Only people who may assign roles send them; the server would refuse the rest.
      ...(canAssignRoles ? { roles: v.roles } : {}),
    };
    try {
      if (user) {
        onSaved(
          await patchUser(user.id, {
            ...common,
            part_time: (v.part_time ?? []).map((p) => ({
              department_id: p.department_id,
              post_id: p.post_id ?? null,
            })),
          }),
        );
      } else {
        onCreated(await createUser(common));
      }
    } catch (e) {
      showError(e, form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={user ? t('user.edit', { name: user.display_name }) : t('user.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={user ? t('common.save') : t('common.create')}
      confirmLoading={busy}
      width={720}
      forceRender
    >
      <Form<Values> name="user-form" form={form} layout="vertical" onFinish={submit}>
        <Row gutter={16}>
          <Col xs={24} sm={12}>
            <Form.Item
              name="display_name"
              label={t('user.displayName')}
              rules={[{ required: true, whitespace: true, message: t('user.displayNameRequired') }]}
            >
              <Input maxLength={64} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="username"
              label={t('user.username')}
              rules={[
                { required: true, whitespace: true, message: t('user.usernameRequired') },
                { pattern: /^[A-Za-z0-9._-]+$/, message: t('user.usernameInvalid') },
              ]}
            >
              <Input maxLength={64} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="department_id"
              label={t('user.department')}
              rules={[{ required: true, message: t('user.departmentRequired') }]}
            >
              <DepartmentPicker />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="post_id" label={t('user.post')}>
              <PostPicker />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="supervisor_id"
              label={t('user.supervisor')}
              extra={t('user.supervisorHint')}
            >
              <UserPicker initialLabel={user?.supervisor_name} excludeId={user?.id} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="roles" label={t('user.roles')}>
              <Select
                mode="multiple"
                disabled={!canAssignRoles}
                loading={roles.isPending}
                options={(roles.data ?? []).map((r) => ({ value: r.key, label: r.name }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="email"
              label={t('user.email')}
              rules={[{ type: 'email', message: t('user.emailInvalid') }]}
            >
              <Input type="email" autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="phone" label={t('user.phone')}>
              <Input type="tel" autoComplete="off" />
            </Form.Item>
          </Col>
        </Row>
        {user ? (
          <Form.List name="part_time">
            {(fields, { add, remove }) => (
              <fieldset style={{ border: 'none', padding: 0, margin: 0 }}>
                <legend style={{ fontSize: 14, marginBottom: 8 }}>{t('user.partTime')}</legend>
                {fields.map((field) => (
                  <Flex key={field.key} gap={8} align="baseline" wrap>
                    <Form.Item
                      name={[field.name, 'department_id']}
                      label={t('user.department')}
                      rules={[{ required: true, message: t('user.departmentRequired') }]}
                      style={{ flex: '1 1 220px' }}
                    >
                      <DepartmentPicker />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'post_id']}
                      label={t('user.post')}
                      style={{ flex: '1 1 160px' }}
                    >
                      <PostPicker />
                    </Form.Item>
                    <Button
                      type="text"
                      icon={<MinusCircleOutlined />}
                      aria-label={t('common.remove')}
                      onClick={() => remove(field.name)}
                    />
                  </Flex>
                ))}
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => add({ department_id: undefined })}
                >
                  {t('user.addPartTime')}
                </Button>
              </fieldset>
            )}
          </Form.List>
        ) : null}
      </Form>
    </Modal>
  );
}
