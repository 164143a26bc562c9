import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Descriptions, Form, Input, Modal, Radio } from 'antd';
import { useApiError } from '../../../hooks/useApiError';
import { useI18n } from '../../../i18n';
import { violationKeys } from '../Violations/services';
import {
  recordViolation,
  type SupervisedTask,
  VIOLATION_KINDS,
  type ViolationKind,
} from './services';

interface Values {
  kind: ViolationKind;
  note: string;
}

/** 记录考核: a violation on the handler of one supervised task, at its step. */
export function ViolationDialog({
  task,
  onClose,
}: {
  task: SupervisedTask | null;
  onClose: () => void;
}) {
  const { t, te } = useI18n();
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const showError = useApiError();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (v: Values) => {
      if (!task) throw new Error('no task');
      return recordViolation({
        instance_id: task.instance_id,
        node_key: task.node_key,
        person_id: task.assignee_id,
        kind: v.kind,
        note: v.note.trim(),
      });
    },
    onSuccess: () => {
      message.success(t('violation.recorded'));
      void queryClient.invalidateQueries({ queryKey: violationKeys.all });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  return (
    <Modal
      open={task !== null}
      title={t('violation.recordTitle')}
      okText={t('common.save')}
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
              { key: 'person', label: t('violation.person'), children: task.assignee_name ?? '-' },
              { key: 'title', label: t('supervision.title'), children: task.title },
              { key: 'node', label: t('supervision.node'), children: task.node_name },
            ]}
          />
          <Form<Values>
            form={form}
            name="violation"
            layout="vertical"
            initialValues={{ kind: task.overdue ? 'overdue' : 'other', note: '' }}
            onFinish={(v) => save.mutate(v)}
          >
            <Form.Item name="kind" label={t('violation.kind')} rules={[{ required: true }]}>
              <Radio.Group
                options={VIOLATION_KINDS.map((k) => ({ value: k, label: te('violation.kind', k) }))}
              />
            </Form.Item>
            <Form.Item
              name="note"
              label={t('violation.note')}
              rules={[
                { required: true, whitespace: true, message: t('violation.noteRequired') },
                { max: 500 },
              ]}
            >
              <Input.TextArea
                rows={4}
                maxLength={500}
                showCount
                placeholder={t('violation.notePlaceholder')}
              />
            </Form.Item>
          </Form>
        </>
      ) : null}
    </Modal>
  );
}
