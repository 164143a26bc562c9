import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Descriptions, Form, Input, Modal } from 'antd';
import { useApiError } from '../../../hooks/useApiError';
import { useT } from '../../../i18n';
import { UserPicker } from '../../Org/pickers';
import { nameOr } from '../flow';
import { replaceHandler, type SupervisedTask, supervisionKeys } from './services';

interface Values {
  to: string | null;
  reason: string;
}

/** 换人: hands one supervised task to someone else, with a reason. */
export function ReplaceDialog({
  task,
  onClose,
}: {
  task: SupervisedTask | null;
  onClose: () => void;
}) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const showError = useApiError();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (v: Values) => {
      if (!task || !v.to) throw new Error('no task or person');
      return replaceHandler(task, { to: v.to, reason: v.reason.trim() });
    },
    onSuccess: () => {
      message.success(t('supervision.replaced'));
      void queryClient.invalidateQueries({ queryKey: supervisionKeys.all });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  return (
    <Modal
      open={task !== null}
      title={t('supervision.replaceTitle')}
      okText={t('supervision.replace')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      {task ? (
        <>
          <Descriptions
            size="small"
            column={1}
            style={{ marginBottom: 16 }}
            items={[
              { key: 'title', label: t('supervision.title'), children: task.title },
              { key: 'node', label: t('supervision.node'), children: task.node_name },
              {
                key: 'handler',
                label: t('supervision.handler'),
                children: nameOr(task.assignee_name, t('flow.unknownPerson')),
              },
            ]}
          />
          <Form<Values>
            form={form}
            name="replace-handler"
            layout="vertical"
            initialValues={{ to: null, reason: '' }}
            onFinish={(v) => save.mutate(v)}
          >
            <Form.Item
              name="to"
              label={t('supervision.replaceTo')}
              rules={[{ required: true, message: t('supervision.replaceToRequired') }]}
            >
              <UserPicker excludeId={task.assignee_id} />
            </Form.Item>
            <Form.Item
              name="reason"
              label={t('supervision.replaceReason')}
              rules={[
                {
                  required: true,
                  whitespace: true,
                  message: t('supervision.replaceReasonRequired'),
                },
                { max: 500 },
              ]}
            >
              <Input.TextArea
                rows={3}
                maxLength={500}
                showCount
                placeholder={t('supervision.replaceReasonPlaceholder')}
              />
            </Form.Item>
          </Form>
        </>
      ) : null}
    </Modal>
  );
}
