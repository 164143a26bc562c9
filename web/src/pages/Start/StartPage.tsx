import { ArrowLeftOutlined, EyeOutlined, SaveOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Drawer, Flex, Form, Spin, Tag, Typography, theme } from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { bottomBarStyle } from '../../components/bottomBar';
import { QueryError } from '../../components/QueryError';
import { defaults, FormRenderer, type FormSpec, useFormRenderer } from '../../forms';
import { useIsMobile } from '../../hooks/useIsMobile';
import { useFormatTime } from '../../hooks/useTenantTime';
import { useT } from '../../i18n';
import { MultiUserPicker } from '../Approvals/Pickers';
import { newIdempotencyKey } from '../Approvals/services';
import {
  chosenToSend,
  fitDraft,
  type PlacedErrors,
  placeErrors,
  startPath,
  startPermissions,
  writable,
} from './catalog';
import { type PreviewState, RoutePreview } from './RoutePreview';
import {
  type Chosen,
  type ChosenNode,
  createDraft,
  type Draft,
  deleteDraft,
  type FormValue,
  getDraft,
  getStartForm,
  previewRoute,
  type StartForm,
  startInstance,
  startKeys,
  updateDraft,
} from './services';

const NO_ERRORS: PlacedErrors = { fields: [], chosen: {}, general: [] };

/** The approval page of a started instance. */
export const instancePath = (id: string): string => `/approvals/instances/${id}`;

/**
 * 发起: a template's start form (`/start/:templateId`), or a draft of it resumed
 * (`?draft=<id>`): fill in, choose the people of 自选 steps, save as a draft, preview the route,
 * submit.
 */
export default function StartPage() {
  const { templateId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const draftParam = params.get('draft') ?? undefined;
  // A draft saved here goes into the URL (for a reload) without the page loading it again.
  const [adopted, setAdopted] = useState<{ id: string; from?: string }>();
  const draftId = adopted && adopted.id === draftParam ? adopted.from : draftParam;
  return (
    <Loader
      key={`${templateId}:${draftId ?? ''}`}
      templateId={templateId}
      draftId={draftId}
      onDraftCreated={(id) => {
        setAdopted({ id, from: draftId });
        setParams({ draft: id }, { replace: true });
      }}
    />
  );
}

/** Loaded once: a form being filled in does not change under the user's hands. */
const ONCE = { staleTime: Number.POSITIVE_INFINITY, refetchOnWindowFocus: false } as const;

function Loader({
  templateId,
  draftId,
  onDraftCreated,
}: {
  templateId: string;
  draftId?: string;
  onDraftCreated: (id: string) => void;
}) {
  const spec = useQuery({
    queryKey: startKeys.form(templateId),
    queryFn: () => getStartForm(templateId),
    ...ONCE,
  });
  const draft = useQuery({
    queryKey: startKeys.draft(draftId ?? ''),
    queryFn: () => getDraft(draftId ?? ''),
    enabled: Boolean(draftId),
    ...ONCE,
  });
  const failed = (!spec.data && spec.error) || (draftId && !draft.data && draft.error);
  if (failed)
    return (
      <>
        <BackLink />
        <QueryError
          error={failed}
          onRetry={() => {
            void spec.refetch();
            if (draftId) void draft.refetch();
          }}
        />
      </>
    );
  if (!spec.data || (draftId && !draft.data))
    return (
      <Flex justify="center" style={{ padding: 48 }}>
        <Spin />
      </Flex>
    );
  // A draft of another template: open it where it belongs.
  if (draft.data && draft.data.template_id !== templateId)
    return <Navigate to={startPath(draft.data.template_id, draft.data.id)} replace />;
  return (
    <Editor
      spec={spec.data}
      draft={draftId ? draft.data : undefined}
      onDraftCreated={onDraftCreated}
    />
  );
}

function BackLink() {
  const t = useT();
  return (
    <Link to="/start" style={{ display: 'inline-block', marginBottom: 8 }}>
      <ArrowLeftOutlined /> {t('start.back')}
    </Link>
  );
}

function Editor({
  spec,
  draft,
  onDraftCreated,
}: {
  spec: StartForm;
  draft?: Draft;
  onDraftCreated: (id: string) => void;
}) {
  const t = useT();
  const fmt = useFormatTime();
  const navigate = useNavigate();
  const isMobile = useIsMobile();
  const { token } = theme.useToken();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  // The generated schema types the form loosely; it is the forms module's `FormSpec`.
  const form = spec.form as unknown as FormSpec;
  const nodes = spec.chosen_nodes;
  // A draft, or the form's defaults; never values of fields the initiator may not fill in.
  const [initial] = useState(() =>
    draft ? fitDraft(form, draft.form as FormValue) : { value: defaults(form), dropped: [] },
  );
  const [value, setValue] = useState<FormValue>(() => writable(form, initial.value));
  const [chosen, setChosen] = useState<Chosen>({});
  const [saved, setSaved] = useState<Draft | undefined>(draft);
  const [errors, setErrors] = useState<PlacedErrors>(NO_ERRORS);
  const [preview, setPreview] = useState<PreviewState>();
  // One key per page: a submit retried after a lost answer does not start a second instance.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const { ref, validate } = useFormRenderer();

  useEffect(() => {
    document.title = `${spec.name} - ${t('app.name')}`;
  }, [spec.name, t]);

  const body = () => ({
    template_id: spec.template_id,
    form: writable(form, value),
    chosen: chosenToSend(chosen, nodes),
  });

  const nobody = (n: ChosenNode) => t('start.chosenNobody', { node: n.name || n.key });
  /**
   * Shows a failed call's problems where they belong (and, unless the preview drawer lists them,
   * in a toast); returns them.
   */
  const failed = (e: unknown, toast = true): PlacedErrors => {
    if (!(e instanceof ApiError) || e.isNetwork) {
      const text = e instanceof ApiError ? t('error.networkRetry') : t('error.unexpected');
      if (toast) message.error(text);
      return { ...NO_ERRORS, general: [text] };
    }
    const placed = placeErrors(e, nodes, nobody);
    setErrors(placed);
    if (!toast) return placed;
    if (placed.fields.length > 0) message.error(t('start.fixForm', { n: placed.fields.length }));
    else message.error(placed.general[0] ?? Object.values(placed.chosen)[0] ?? e.message);
    return placed;
  };

  /** Our own checks first (the server's words); false when something must be fixed. */
  const checked = (): boolean => {
    const issues = validate();
    if (issues.length === 0) return true;
    message.error(t('start.fixForm', { n: issues.length }));
    return false;
  };

  const saveDraft = useMutation({
    mutationFn: () =>
      saved
        ? updateDraft(saved.id, writable(form, value))
        : createDraft(spec.template_id, writable(form, value)),
    onSuccess: (d) => {
      queryClient.setQueryData(startKeys.draft(d.id), d);
      void queryClient.invalidateQueries({ queryKey: startKeys.drafts, exact: true });
      const created = !saved;
      setSaved(d);
      if (created) onDraftCreated(d.id);
      message.success(t('start.draftSaved'));
    },
    onError: (e) => failed(e),
  });

  const previewing = useMutation({
    mutationFn: () => previewRoute(body()),
    onMutate: () => {
      setErrors(NO_ERRORS);
      setPreview({ kind: 'loading' });
    },
    onSuccess: (steps) => setPreview({ kind: 'route', steps }),
    onError: (e) => setPreview({ kind: 'refused', errors: failed(e, false) }),
  });

  const submit = useMutation({
    mutationFn: () => startInstance(body(), idempotencyKey),
    onMutate: () => setErrors(NO_ERRORS),
    onSuccess: async (instance) => {
      // The draft has served its purpose; a failure to delete it costs nothing.
      if (saved) {
        await deleteDraft(saved.id).catch(() => undefined);
        queryClient.removeQueries({ queryKey: startKeys.draft(saved.id) });
      }
      // Counts, 我发起的, recently used and drafts.
      void queryClient.invalidateQueries({ queryKey: ['flow'] });
      message.success(t('start.submitted'));
      navigate(instancePath(instance.id));
    },
    onError: (e) => {
      setPreview(undefined);
      failed(e);
    },
  });

  const busy = saveDraft.isPending || previewing.isPending || submit.isPending;
  const onPreview = () => {
    if (checked()) previewing.mutate();
  };
  const onSubmit = () => {
    if (checked()) submit.mutate();
  };

  const actions: ReactNode[] = [
    <Button
      key="draft"
      icon={<SaveOutlined />}
      loading={saveDraft.isPending}
      disabled={busy && !saveDraft.isPending}
      onClick={() => saveDraft.mutate()}
      style={isMobile ? { flex: 1 } : undefined}
    >
      {t('start.saveDraft')}
    </Button>,
    <Button
      key="preview"
      icon={<EyeOutlined />}
      loading={previewing.isPending}
      disabled={busy && !previewing.isPending}
      onClick={onPreview}
      style={isMobile ? { flex: 1 } : undefined}
    >
      {t('start.preview')}
    </Button>,
    <Button
      key="submit"
      type="primary"
      icon={<SendOutlined />}
      loading={submit.isPending}
      disabled={busy && !submit.isPending}
      onClick={onSubmit}
      style={isMobile ? { flex: 1 } : undefined}
    >
      {t('start.submit')}
    </Button>,
  ];

  const barStyle = bottomBarStyle(token, isMobile);

  const general = errors.general;

  return (
    <div style={{ maxWidth: 960, margin: '0 auto', paddingBottom: isMobile ? 72 : 0 }}>
      <BackLink />
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {spec.name}
        </Typography.Title>
        {saved ? (
          <Flex align="center" gap={4}>
            <Tag color="blue">{t('start.draft')}</Tag>
            <Typography.Text type="secondary" data-testid="draft-saved-at">
              {t('start.draftSavedAt', { when: fmt(saved.updated_at) })}
            </Typography.Text>
          </Flex>
        ) : null}
      </Flex>
      {spec.description ? (
        <Typography.Paragraph type="secondary">{spec.description}</Typography.Paragraph>
      ) : null}
      {initial.dropped.length > 0 ? (
        <Alert
          type="info"
          showIcon
          closable
          style={{ marginBottom: 16 }}
          title={t('start.draftDropped', {
            n: initial.dropped.length,
            keys: initial.dropped.join('、'),
          })}
        />
      ) : null}
      {general.length > 0 ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="start-refused"
          style={{ marginBottom: 16 }}
          title={t('start.refused')}
          description={
            general.length === 1 ? (
              general[0]
            ) : (
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {general.map((g) => (
                  <li key={g}>{g}</li>
                ))}
              </ul>
            )
          }
        />
      ) : null}
      <Card size="small" styles={{ body: { padding: isMobile ? 12 : 24 } }}>
        <FormRenderer
          ref={ref}
          form={form}
          mode="edit"
          permissions={startPermissions(form)}
          value={value}
          onChange={setValue}
          errors={errors.fields}
        />
      </Card>
      {nodes.length > 0 ? (
        <Card size="small" title={t('start.chosen')} style={{ marginTop: 16 }} data-testid="chosen">
          <Typography.Paragraph type="secondary">{t('start.chosenHint')}</Typography.Paragraph>
          <Form component={false} layout="vertical">
            {nodes.map((n) => {
              const error = errors.chosen[n.key];
              return (
                <Form.Item
                  key={n.key}
                  label={n.name || n.key}
                  htmlFor={`chosen-${n.key}`}
                  validateStatus={error ? 'error' : undefined}
                  help={error}
                >
                  <MultiUserPicker
                    id={`chosen-${n.key}`}
                    value={chosen[n.key] ?? []}
                    onChange={(people) => {
                      setChosen((c) => ({ ...c, [n.key]: people }));
                      if (error)
                        setErrors((e) => {
                          const { [n.key]: _gone, ...rest } = e.chosen;
                          return { ...e, chosen: rest };
                        });
                    }}
                  />
                </Form.Item>
              );
            })}
          </Form>
        </Card>
      ) : null}
      <div style={barStyle} role="toolbar" aria-label={t('start.actions')} data-testid="submit-bar">
        <Flex gap={8} justify={isMobile ? 'stretch' : 'flex-end'}>
          {actions}
        </Flex>
      </div>
      <Drawer
        open={preview !== undefined}
        title={t('start.previewTitle')}
        size={isMobile ? '100%' : 420}
        onClose={() => setPreview(undefined)}
        destroyOnHidden
        footer={
          <Flex gap={8} justify="flex-end">
            <Button onClick={() => setPreview(undefined)}>{t('common.cancel')}</Button>
            <Button
              type="primary"
              icon={<SendOutlined />}
              disabled={preview?.kind !== 'route'}
              loading={submit.isPending}
              onClick={() => submit.mutate()}
            >
              {t('start.submit')}
            </Button>
          </Flex>
        }
      >
        {preview ? <RoutePreview state={preview} /> : null}
      </Drawer>
    </div>
  );
}
