import { api, call, type Schemas } from '../../api/client';

export type Delegation = Schemas['DelegationView'];
export type DelegationPage = Schemas['Page_DelegationView'];
export type NewDelegation = Schemas['NewDelegation'];
export type OnBehalfTask = Schemas['OnBehalfTask'];
export type OnBehalfPage = Schemas['Page_OnBehalfTask'];
export type Template = Schemas['TemplateView'];

export type Scope = 'mine' | 'all';

export const delegationKeys = {
  all: ['delegations'] as const,
  list: (scope: Scope, history: boolean, page: number, pageSize: number) =>
    ['delegations', scope, history, page, pageSize] as const,
  onBehalf: (page: number, pageSize: number) =>
    ['delegations', 'on-behalf', page, pageSize] as const,
  templates: ['flow', 'templates'] as const,
};

export const listDelegations = (
  scope: Scope,
  history: boolean,
  page: number,
  page_size: number,
): Promise<DelegationPage> =>
  call(
    api.GET('/api/v1/delegations', {
      params: { query: { scope, history: history || undefined, page, page_size } },
    }),
  );

export const createDelegation = (body: NewDelegation): Promise<Delegation> =>
  call(api.POST('/api/v1/delegations', { body }));

export const cancelDelegation = (id: string): Promise<Delegation> =>
  call(api.POST('/api/v1/delegations/{id}/cancel', { params: { path: { id } } }));

export const listOnBehalf = (page: number, page_size: number): Promise<OnBehalfPage> =>
  call(api.GET('/api/v1/delegations/on-behalf', { params: { query: { page, page_size } } }));

export const listTemplates = (): Promise<Template[]> => call(api.GET('/api/v1/flow/templates'));
