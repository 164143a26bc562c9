import { api, call, type Schemas } from '../../api/client';

export type Catalog = Schemas['Catalog'];
export type CatalogGroup = Schemas['CatalogGroup'];
export type CatalogItem = Schemas['CatalogItem'];
export type StartForm = Schemas['StartForm'];
export type ChosenNode = Schemas['ChosenNode'];
export type Draft = Schemas['DraftView'];
export type RouteStep = Schemas['RouteStep'];
export type StartedInstance = Schemas['InstanceView'];

/** Form data by field key, as the start and draft APIs take it. */
export type FormValue = Record<string, unknown>;
/** People the initiator chose (自选审批人), by node key. */
export type Chosen = Record<string, string[]>;

/** What a start (or its preview) sends. */
export interface StartBody {
  template_id: string;
  form: FormValue;
  chosen?: Chosen;
}

/**
 * Query keys, under `['flow', …]` like the approval lists: starting invalidates `['flow']`, which
 * refreshes the catalogue's recently used, the drafts, the counts and 我发起的 together.
 */
export const startKeys = {
  catalog: ['flow', 'catalog'] as const,
  form: (templateId: string) => ['flow', 'catalog', templateId] as const,
  drafts: ['flow', 'drafts'] as const,
  draft: (id: string) => ['flow', 'drafts', id] as const,
};

// The generated types say `Record<string, never>` for free-form JSON objects.
type Json = Record<string, never>;
const asJson = (v: FormValue): Json => v as Json;

export const getCatalog = (): Promise<Catalog> => call(api.GET('/api/v1/flow/catalog'));

export const getStartForm = (id: string): Promise<StartForm> =>
  call(api.GET('/api/v1/flow/catalog/{id}', { params: { path: { id } } }));

export const addFavourite = (template_id: string): Promise<void> =>
  call(api.PUT('/api/v1/flow/favourites/{template_id}', { params: { path: { template_id } } }));

export const removeFavourite = (template_id: string): Promise<void> =>
  call(api.DELETE('/api/v1/flow/favourites/{template_id}', { params: { path: { template_id } } }));

export const listDrafts = (): Promise<Draft[]> => call(api.GET('/api/v1/flow/drafts'));

export const getDraft = (id: string): Promise<Draft> =>
  call(api.GET('/api/v1/flow/drafts/{id}', { params: { path: { id } } }));

export const createDraft = (template_id: string, form: FormValue): Promise<Draft> =>
  call(api.POST('/api/v1/flow/drafts', { body: { template_id, form: asJson(form) } }));

export const updateDraft = (id: string, form: FormValue): Promise<Draft> =>
  call(
    api.PUT('/api/v1/flow/drafts/{id}', { params: { path: { id } }, body: { form: asJson(form) } }),
  );

export const deleteDraft = (id: string): Promise<void> =>
  call(api.DELETE('/api/v1/flow/drafts/{id}', { params: { path: { id } } }));

const startBody = (b: StartBody) => ({
  template_id: b.template_id,
  form: asJson(b.form),
  ...(b.chosen ? { chosen: b.chosen } : {}),
});

/** Who would act, in order, if everyone agreed (nothing is written). */
export const previewRoute = (b: StartBody): Promise<RouteStep[]> =>
  call(api.POST('/api/v1/flow/instances/preview', { body: startBody(b) }));

/** Starts an instance; a retry with the same `key` answers with the first one's instance. */
export const startInstance = (b: StartBody, key: string): Promise<StartedInstance> =>
  call(
    api.POST('/api/v1/flow/instances', {
      params: { header: { 'Idempotency-Key': key } },
      body: startBody(b),
    }),
  );
