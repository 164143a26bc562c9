import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, App, Checkbox, DatePicker, Form, Input, Modal, Radio, Select } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { useApiError } from '../../hooks/useApiError';
import { useT } from '../../i18n';
import { UserPicker } from '../Org/pickers';
import { type DelegationFormValues, FIELD_MAP, toNewDelegation } from './delegations';
import { createDelegation, delegationKeys, listTemplates } from './services';

/** "设置委托": a stand-in for a period, all flows or some; HR may set one for someone else. */
export function DelegationModal({
  open,
  me,
  isHr,
  onClose,
  onCreated,
}: {
  open: boolean;
  me?: string;
  isHr: boolean;
  onClose: () => void;
  onCreated: () => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const showError = useApiError();
  const [form] = Form.useForm<DelegationFormValues>();
  // Overlaps and loops concern the whole request, not a field: they show above the form.
  const [conflict, setConflict] = useState<string>();
  const scope = Form.useWatch('scope', form);
  const delegator = Form.useWatch('delegator_id', form);
  const templates = useQuery({
    queryKey: delegationKeys.templates,
    queryFn: listTemplates,
    enabled: open && scope === 'some',
  });

  const create = useMutation({
    mutationFn: (v: DelegationFormValues) => createDelegation(toNewDelegation(v)),
    onSuccess: () => {
      message.success(t('delegation.created'));
      form.resetFields();
      onCreated();
    },
    onError: (e) => {
      if (e instanceof ApiError && e.status === 409) setConflict(e.message);
      else showError(e, form, FIELD_MAP);
    },
  });

  const close = () => {
    setConflict(undefined);
    onClose();
  };

  return (
    <Modal
      open={open}
      title={t('delegation.new')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={close}
      width={560}
    >
      {conflict ? (
        <Alert
          type="error"
          showIcon
          title={conflict}
          style={{ marginBottom: 16 }}
          data-testid="delegation-conflict"
        />
      ) : null}
      <Form<DelegationFormValues>
        form={form}
        layout="vertical"
        initialValues={{ scope: 'all', move_open_tasks: false }}
        onValuesChange={() => setConflict(undefined)}
        onFinish={(v) => create.mutate(v)}
      >
        {isHr ? (
          <Form.Item
            name="delegator_id"
            label={t('delegation.delegator')}
            extra={t('delegation.delegatorHint')}
          >
            <UserPicker />
          </Form.Item>
        ) : null}
        <Form.Item
          name="delegate_id"
          label={t('delegation.delegate')}
          rules={[{ required: true, message: t('delegation.delegateRequired') }]}
        >
          <UserPicker excludeId={delegator || me} />
        </Form.Item>
        <Form.Item
          name="period"
          label={t('delegation.period')}
          rules={[{ required: true, message: t('delegation.periodRequired') }]}
        >
          <DatePicker.RangePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            disabledDate={(d) => d.isBefore(dayjs().startOf('day'))}
            style={{ width: '100%' }}
          />
        </Form.Item>
        <Form.Item name="scope" label={t('delegation.scope')}>
          <Radio.Group
            options={[
              { value: 'all', label: t('delegation.allTemplates') },
              { value: 'some', label: t('delegation.someTemplates') },
            ]}
          />
        </Form.Item>
        {scope === 'some' ? (
          <Form.Item
            name="template_ids"
            rules={[{ required: true, message: t('delegation.templatesRequired') }]}
          >
            <Select
              mode="multiple"
              aria-label={t('delegation.someTemplates')}
              loading={templates.isPending}
              showSearch={{ optionFilterProp: 'label' }}
              options={(templates.data ?? []).map((tp) => ({ value: tp.id, label: tp.name }))}
            />
          </Form.Item>
        ) : null}
        <Form.Item name="reason" label={t('delegation.reason')}>
          <Input.TextArea rows={2} maxLength={500} showCount />
        </Form.Item>
        <Form.Item name="move_open_tasks" valuePropName="checked">
          <Checkbox>
            {delegator ? t('delegation.moveOpenTasksOf') : t('delegation.moveOpenTasks')}
          </Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}
