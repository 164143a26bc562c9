import { useQuery } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../api/client';

export type TenantDetail = Schemas['TenantDetail'];
export type TenantPatch = Schemas['UpdateTenant'];
export type TenantSettings = Schemas['TenantSettings'];
export type RoleKey = Schemas['Role'];

export const tenantKey = ['tenant'] as const;

export const getTenant = (): Promise<TenantDetail> => call(api.GET('/api/v1/tenant'));
export const patchTenant = (body: TenantPatch): Promise<TenantDetail> =>
  call(api.PATCH('/api/v1/tenant', { body }));

export const useTenant = () => useQuery({ queryKey: tenantKey, queryFn: getTenant });
