import {
  ArrowLeftOutlined,
  CloudUploadOutlined,
  DownloadOutlined,
  ImportOutlined,
  SaveOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Badge,
  Button,
  Flex,
  Form,
  Input,
  Modal,
  Skeleton,
  Tabs,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../../api/client';
import { FlowDiagram, parseBpmnDiagram } from '../../../components/FlowDiagram';
import { PageHeader } from '../../../components/PageHeader';
import { QueryError } from '../../../components/QueryError';
import type { FormSpec } from '../../../forms/types';
import { useApiError } from '../../../hooks/useApiError';
import { useI18n } from '../../../i18n';
import { categoriesOf, statusColor } from '../Templates';
import { TemplateIcon } from '../Templates/icons';
import {
  type Definition,
  downloadText,
  exportTemplate,
  fileName,
  getTemplate,
  listTemplates,
  publishTemplate,
  readFileText,
  saveDraft,
  type Template,
  type TemplateDraft,
  templateKeys,
} from '../Templates/services';
import { conditionProblem } from './conditions';
import { dropPermissions } from './FieldPermissions';
import { FlowTab } from './FlowTab';
import { FormTab } from './FormTab';
import { useOrgNames, useUserNames } from './pickers';
import {
  fromSettingsValues,
  SETTINGS_FIELDS,
  SettingsTab,
  type SettingsValues,
  toSettingsValues,
} from './SettingsTab';
import {
  asTree,
  type CheckMessages,
  checkTree,
  emptyProblems,
  type FlowTree,
  findNode,
  isBlock,
  locateServerErrors,
  mergeProblems,
  nodeKeys,
  type Problems,
  problemCount,
} from './tree';
import { VersionsTab } from './VersionsTab';

type TabKey = 'settings' | 'form' | 'flow' | 'versions';

/** The designer's working copy of the definition. */
type Working = { kind: 'tree'; tree: FlowTree } | { kind: 'bpmn'; bpmn: string };

function toWorking(d: Template['definition'], key: string): Working {
  const def = d as unknown as Definition;
  return def.kind === 'bpmn'
    ? { kind: 'bpmn', bpmn: def.bpmn }
    : { kind: 'tree', tree: asTree(def.tree, key) };
}

const toDefinition = (w: Working): Definition =>
  w.kind === 'bpmn' ? { kind: 'bpmn', bpmn: w.bpmn } : { kind: 'tree', tree: w.tree };

const asForm = (f: Template['form']): FormSpec => {
  const form = (f ?? {}) as unknown as FormSpec;
  return { ...form, fields: form.fields ?? [] };
};

/** Pure: whether text is a BPMN 2.0 document with a process (the server checks the rest). */
export function looksLikeBpmn(text: string): boolean {
  if (typeof DOMParser === 'undefined') return false;
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) return false;
  return (
    doc.documentElement.localName === 'definitions' &&
    Array.from(doc.getElementsByTagName('*')).some((e) => e.localName === 'process')
  );
}

/** The server's problems a tab has, above it. */
function ProblemList({ list }: { list: readonly string[] }) {
  if (list.length === 0) return null;
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 12 }}
      title={list.map((m) => <div key={m}>{m}</div>)}
    />
  );
}

/** Drops the server's problems of nodes and branches that changed since. */
function forgetChanged(p: Problems, before: FlowTree, after: FlowTree): Problems {
  const out: Problems = { nodes: {}, branches: {}, general: p.general };
  for (const [key, list] of Object.entries(p.nodes))
    if (findNode(before, key)?.node === findNode(after, key)?.node) out.nodes[key] = list;
  for (const [id, list] of Object.entries(p.branches)) {
    const [block, index] = id.split('#');
    const was = findNode(before, block ?? '')?.node;
    const now = findNode(after, block ?? '')?.node;
    const i = Number(index);
    if (was && now && isBlock(was) && isBlock(now) && was.branches[i] === now.branches[i])
      out.branches[id] = list;
  }
  return out;
}

/** 流程模板设计: settings, form, flow and versions of one template. */
export default function TemplateDesignerPage() {
  const { id = '' } = useParams();
  // Not refetched behind the designer's back: its working copy is the truth until saved.
  const query = useQuery({
    queryKey: templateKeys.one(id),
    queryFn: () => getTemplate(id),
    refetchOnWindowFocus: false,
  });
  if (query.error) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  if (query.isPending) return <Skeleton active />;
  return <Editor key={query.data.id} initial={query.data} />;
}

function Editor({ initial }: { initial: Template }) {
  const { t, te } = useI18n();
  const { message, modal } = App.useApp();
  const showError = useApiError();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const id = initial.id;
  const live = useQuery({
    queryKey: templateKeys.one(id),
    queryFn: () => getTemplate(id),
    initialData: initial,
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  }).data;
  const list = useQuery({ queryKey: templateKeys.all, queryFn: listTemplates });
  const categories = useMemo(() => categoriesOf(list.data ?? []), [list.data]);
  const flowKey = `flow_${id.replace(/-/g, '')}`;

  const [settingsForm] = Form.useForm<SettingsValues>();
  const [settingsInitial] = useState(() => toSettingsValues(initial));
  const [formSpec, setFormSpec] = useState<FormSpec>(() => asForm(initial.form));
  const [working, setWorking] = useState<Working>(() => toWorking(initial.definition, flowKey));
  const [dirty, setDirty] = useState(false);
  const [tab, setTab] = useState<TabKey>('settings');
  const [showLocal, setShowLocal] = useState(false);
  const [server, setServer] = useState<Problems>(emptyProblems);
  const [settingsErrors, setSettingsErrors] = useState(false);
  /** The server's problems with the form, and with settings no input shows. */
  const [formProblems, setFormProblems] = useState<string[]>([]);
  const [settingsProblems, setSettingsProblems] = useState<string[]>([]);
  const [publishing, setPublishing] = useState(false);
  const [notes, setNotes] = useState('');

  useEffect(() => {
    document.title = `${live.name} - ${t('menu.flowTemplates')} - ${t('app.name')}`;
  }, [live.name, t]);

  // Unsaved changes: the browser asks before leaving the page.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const checkMessages: CheckMessages = useMemo(
    () => ({
      noParticipants: t('designer.check.noParticipants'),
      noCondition: t('designer.check.noCondition'),
      badCondition: (error) => t('designer.badCondition', { error }),
      unknownField: (field) => t('designer.unknownField', { field }),
      tooFewBranches: t('designer.check.tooFewBranches'),
      duplicateKey: t('designer.check.duplicateKey'),
      badRatio: t('designer.check.badRatio'),
      badTimeLimit: t('designer.check.badTimeLimit'),
      remindNeedsLimit: t('designer.check.remindNeedsLimit'),
      ruleIncomplete: t('designer.check.ruleIncomplete'),
    }),
    [t],
  );
  const formKeys = useMemo(() => formSpec.fields.map((f) => f.key), [formSpec]);
  const local = useMemo(
    () =>
      working.kind === 'tree'
        ? checkTree(working.tree, checkMessages, (c) =>
            conditionProblem(c, formKeys, {
              bad: checkMessages.badCondition,
              unknown: checkMessages.unknownField,
            }),
          )
        : emptyProblems(),
    [working, checkMessages, formKeys],
  );
  const problems = useMemo(
    () => mergeProblems(showLocal ? local : emptyProblems(), server),
    [showLocal, local, server],
  );

  // Who may start, in words, for the initiator's card.
  const starterUsers: string[] = Form.useWatch('starter_users', settingsForm) ?? [];
  const starterDepts: string[] = Form.useWatch('starter_departments', settingsForm) ?? [];
  const starterRoles: string[] = Form.useWatch('starter_roles', settingsForm) ?? [];
  const userNames = useUserNames(starterUsers);
  const orgNames = useOrgNames();
  const starters =
    starterUsers.length + starterDepts.length + starterRoles.length === 0
      ? t('designer.everyone')
      : [
          ...starterUsers.map((u) => userNames.get(u) ?? t('flow.unknownPerson')),
          ...starterDepts.map((d) => orgNames.department.get(d) ?? t('flow.unknownName')),
          ...starterRoles.map((r) => orgNames.role.get(r) ?? r),
        ].join('、');

  const setTree = (tree: FlowTree) => {
    const before = working.kind === 'tree' ? working.tree : null;
    if (before) setServer((p) => forgetChanged(p, before, tree));
    setWorking({ kind: 'tree', tree });
    setDirty(true);
  };
  const setForm = (f: FormSpec) => {
    setFormSpec(f);
    setDirty(true);
  };

  /** Puts a refused save or publish where it belongs: settings fields, cards, or a message. */
  const handleError = useCallback(
    (e: unknown) => {
      if (!(e instanceof ApiError) || e.status !== 422 || e.fields.length === 0) {
        showError(e);
        return;
      }
      const settingsFields: { name: keyof SettingsValues; errors: string[] }[] = [];
      const messages: string[] = [];
      const located: { key: string; message: string }[] = [];
      const other: string[] = [];
      const formErrs: string[] = [];
      const settingsErrs: string[] = [];
      for (const f of e.fields) {
        const name = SETTINGS_FIELDS[f.field];
        if (name) settingsFields.push({ name, errors: [f.message] });
        else if (f.field === 'form' || f.field.startsWith('form.')) formErrs.push(f.message);
        else if (f.field === 'settings' || f.field.startsWith('settings.'))
          settingsErrs.push(f.message);
        else if (f.field === 'definition') {
          const errs = e.details.errors;
          if (Array.isArray(errs) && errs.length > 0)
            messages.push(...errs.filter((x): x is string => typeof x === 'string'));
          else messages.push(f.message);
        } else if (f.field.startsWith('definition.'))
          located.push({ key: f.field.slice('definition.'.length), message: f.message });
        else other.push(f.message);
      }
      if (settingsFields.length || settingsErrs.length) {
        settingsForm.setFields(settingsFields);
        setSettingsErrors(true);
      }
      setFormProblems(formErrs);
      setSettingsProblems(settingsErrs);
      const placed =
        working.kind === 'tree'
          ? locateServerErrors(working.tree, messages, located)
          : { ...emptyProblems(), general: [...messages, ...located.map((l) => l.message)] };
      placed.general.push(...other);
      setServer(placed);
      if (problemCount(placed) > 0) setTab('flow');
      else if (settingsFields.length || settingsErrs.length) setTab('settings');
      else if (formErrs.length) setTab('form');
      message.error(e.message);
    },
    [showError, settingsForm, working, message],
  );

  const draft = async (): Promise<TemplateDraft> => {
    const values = await settingsForm.validateFields().catch(() => {
      setSettingsErrors(true);
      setTab('settings');
      throw new Error('settings');
    });
    setSettingsErrors(false);
    const keys = working.kind === 'tree' ? new Set(nodeKeys(working.tree)) : null;
    const stale = keys ? Object.keys(formSpec.permissions ?? {}).filter((k) => !keys.has(k)) : [];
    return {
      ...fromSettingsValues({ ...toSettingsValues(live), ...values }),
      form: dropPermissions(formSpec, stale),
      definition: toDefinition(working),
    };
  };

  const afterSave = (saved: Template) => {
    queryClient.setQueryData(templateKeys.one(id), saved);
    void queryClient.invalidateQueries({ queryKey: templateKeys.all, exact: true });
    setDirty(false);
    setServer(emptyProblems());
    setFormProblems([]);
    setSettingsProblems([]);
  };

  const save = useMutation({
    mutationFn: async (body: TemplateDraft) => saveDraft(id, body),
    onSuccess: (saved) => {
      afterSave(saved);
      message.success(t('designer.saved'));
    },
    onError: handleError,
  });

  const publish = useMutation({
    mutationFn: async ({ body, notes }: { body: TemplateDraft | null; notes: string }) => {
      if (body) afterSave(await saveDraft(id, body));
      return publishTemplate(id, notes);
    },
    onSuccess: (version) => {
      message.success(t('designer.published', { n: version.version }));
      setPublishing(false);
      setNotes('');
      void queryClient.invalidateQueries({ queryKey: ['flow', 'templates'] });
    },
    onError: (e) => {
      setPublishing(false);
      handleError(e);
    },
  });

  const onSave = async () => {
    let body: TemplateDraft;
    try {
      body = await draft();
    } catch {
      message.error(t('designer.fixSettings'));
      return;
    }
    setShowLocal(true);
    const n = problemCount(local);
    if (n > 0) {
      const go = await modal.confirm({
        title: t('designer.saveWithProblems', { n }),
        content: t('designer.saveWithProblemsHint'),
        okText: t('designer.saveAnyway'),
        cancelText: t('common.cancel'),
      });
      if (!go) return;
    }
    save.mutate(body);
  };

  const onPublish = async () => {
    try {
      const values = await draft();
      if (!values.supervisor_id) {
        settingsForm.setFields([{ name: 'supervisor', errors: [t('tpl.supervisorRequired')] }]);
        setSettingsErrors(true);
        setTab('settings');
        message.error(t('tpl.supervisorRequired'));
        return;
      }
    } catch {
      message.error(t('designer.fixSettings'));
      return;
    }
    setShowLocal(true);
    if (problemCount(local) > 0) {
      setTab('flow');
      message.error(t('designer.fixFlow', { n: problemCount(local) }));
      return;
    }
    setPublishing(true);
  };

  const confirmPublish = async () => {
    let body: TemplateDraft | null = null;
    if (dirty) {
      try {
        body = await draft();
      } catch {
        setPublishing(false);
        return;
      }
    }
    publish.mutate({ body, notes: notes.trim() });
  };

  const importBpmn = useMutation({
    mutationFn: (bpmn: string) => saveDraft(id, { definition: { kind: 'bpmn', bpmn } }),
    onSuccess: (saved) => {
      queryClient.setQueryData(templateKeys.one(id), saved);
      setWorking(toWorking(saved.definition, flowKey));
      setServer(emptyProblems());
      message.success(t('designer.bpmnImported'));
    },
    onError: handleError,
  });

  const onBpmnFile = async (file: File) => {
    const text = await readFileText(file);
    if (!looksLikeBpmn(text)) {
      message.error(t('designer.notBpmn'));
      return;
    }
    const go = await modal.confirm({
      title: t('designer.importBpmnConfirm'),
      content: t('designer.importBpmnHint'),
      okText: t('designer.importBpmn'),
      cancelText: t('common.cancel'),
    });
    if (go) importBpmn.mutate(text);
  };

  const downloadDraft = useMutation({
    mutationFn: () => exportTemplate(id),
    onSuccess: (file) => downloadText(file.bpmn, fileName(live.name, '.bpmn'), 'application/xml'),
    onError: handleError,
  });

  const bpmnTools = (
    <>
      <Upload
        accept=".bpmn,.xml,application/xml,text/xml"
        showUploadList={false}
        beforeUpload={(file) => {
          void onBpmnFile(file);
          return false;
        }}
      >
        <Button icon={<ImportOutlined />} loading={importBpmn.isPending}>
          {t('designer.importBpmn')}
        </Button>
      </Upload>
      <Button
        icon={<DownloadOutlined />}
        loading={downloadDraft.isPending}
        onClick={() => {
          if (dirty) message.warning(t('designer.saveFirst'));
          else downloadDraft.mutate();
        }}
      >
        {t('designer.downloadBpmn')}
      </Button>
    </>
  );

  const flowTab =
    working.kind === 'tree' ? (
      <FlowTab
        tree={working.tree}
        onChange={setTree}
        form={formSpec}
        onFormChange={setForm}
        problems={problems}
        starters={starters}
        onEditStarters={() => setTab('settings')}
        toolbar={bpmnTools}
      />
    ) : (
      <Flex vertical gap={12}>
        <Alert type="info" showIcon title={t('designer.bpmnMode')} />
        <Flex gap={8} wrap>
          {bpmnTools}
          <Button
            onClick={async () => {
              const go = await modal.confirm({
                title: t('designer.toTreeConfirm'),
                okText: t('designer.toTree'),
                cancelText: t('common.cancel'),
              });
              if (!go) return;
              setWorking({ kind: 'tree', tree: { key: flowKey, nodes: [] } });
              setServer(emptyProblems());
              setDirty(true);
            }}
          >
            {t('designer.toTree')}
          </Button>
        </Flex>
        {problems.general.length > 0 ? (
          <Alert
            type="error"
            showIcon
            data-testid="flow-problems"
            title={problems.general.map((m) => <div key={m}>{m}</div>)}
          />
        ) : null}
        {parseBpmnDiagram(working.bpmn) ? (
          <FlowDiagram bpmn={working.bpmn} />
        ) : (
          <Alert type="warning" showIcon title={t('designer.bpmnNoDiagram')} />
        )}
      </Flex>
    );

  const flowProblems = problemCount(problems);
  const label = (text: string, bad: boolean) =>
    bad ? (
      <Badge dot offset={[6, 0]}>
        {text}
      </Badge>
    ) : (
      text
    );

  return (
    <>
      <PageHeader
        title={
          <Flex gap={10} align="center" wrap>
            <TemplateIcon name={live.icon} size={30} />
            <span>{live.name}</span>
            <Tag color={statusColor(live.status)}>{te('tpl.status', live.status)}</Tag>
            {live.latest_version > 0 ? (
              <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 'normal' }}>
                v{live.latest_version}
              </Typography.Text>
            ) : null}
            {dirty ? (
              <Typography.Text type="warning" style={{ fontSize: 13, fontWeight: 'normal' }}>
                {t('designer.unsaved')}
              </Typography.Text>
            ) : null}
          </Flex>
        }
        extra={
          <>
            <Button
              icon={<ArrowLeftOutlined />}
              onClick={async () => {
                const leave =
                  !dirty ||
                  (await modal.confirm({
                    title: t('designer.leaveUnsaved'),
                    okText: t('designer.leave'),
                    cancelText: t('common.cancel'),
                  }));
                if (leave) navigate('/flow/templates');
              }}
            >
              {t('designer.back')}
            </Button>
            <Button icon={<SaveOutlined />} loading={save.isPending} onClick={() => void onSave()}>
              {t('designer.saveDraft')}
            </Button>
            <Button
              type="primary"
              icon={<CloudUploadOutlined />}
              loading={publish.isPending}
              onClick={() => void onPublish()}
            >
              {t('designer.publish')}
            </Button>
          </>
        }
      />
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as TabKey)}
        items={[
          {
            key: 'settings',
            label: label(t('designer.tab.settings'), settingsErrors),
            forceRender: true,
            children: (
              <>
                <ProblemList list={settingsProblems} />
                <SettingsTab
                  form={settingsForm}
                  initialValues={settingsInitial}
                  formSpec={formSpec}
                  categories={categories}
                  onValuesChange={() => setDirty(true)}
                />
              </>
            ),
          },
          {
            key: 'form',
            label: label(t('designer.tab.form'), formProblems.length > 0),
            children: (
              <>
                <ProblemList list={formProblems} />
                <FormTab form={formSpec} onChange={setForm} />
              </>
            ),
          },
          {
            key: 'flow',
            label: label(t('designer.tab.flow'), flowProblems > 0),
            children: flowTab,
          },
          {
            key: 'versions',
            label: t('designer.tab.versions'),
            children: (
              <VersionsTab
                templateId={id}
                templateName={live.name}
                currentVersionId={live.current_version_id}
              />
            ),
          },
        ]}
      />
      <Modal
        open={publishing}
        title={t('designer.publishTitle', { n: live.latest_version + 1 })}
        okText={t('designer.publish')}
        cancelText={t('common.cancel')}
        confirmLoading={publish.isPending}
        onOk={() => void confirmPublish()}
        onCancel={() => setPublishing(false)}
      >
        <Typography.Paragraph type="secondary">{t('designer.publishHint')}</Typography.Paragraph>
        <Input.TextArea
          aria-label={t('designer.versionNotes')}
          placeholder={t('designer.versionNotesPlaceholder')}
          value={notes}
          maxLength={2000}
          showCount
          autoSize={{ minRows: 3, maxRows: 8 }}
          onChange={(e) => setNotes(e.target.value)}
        />
      </Modal>
    </>
  );
}
