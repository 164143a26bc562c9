import { useQuery } from '@tanstack/react-query';
import { api, call, type Schemas, upload } from '../../api/client';

export type Company = Schemas['CompanyView'];
export type CompanyCreate = Schemas['CreateCompany'];
export type CompanyPatch = Schemas['UpdateCompany'];
/** The kinds of company the server knows: 总部, 子公司, 控股公司. */
export const COMPANY_KINDS = ['hq', 'subsidiary', 'holding'] as const;
export type CompanyKind = (typeof COMPANY_KINDS)[number];
export type Department = Schemas['DepartmentView'];
export type DepartmentCreate = Schemas['CreateDepartment'];
export type DepartmentPatch = Schemas['UpdateDepartment'];
export type Post = Schemas['PostView'];
export type PostCreate = Schemas['CreatePost'];
export type PostPatch = Schemas['UpdatePost'];
export type Role = Schemas['RoleView'];
export type RoleKey = Schemas['Role'];
export type User = Schemas['UserView'];
export type UserPage = Schemas['Page_UserView'];
export type UserCreate = Schemas['CreateUserRequest'];
export type UserCreated = Schemas['CreatedUser'];
export type UserPatch = Schemas['UpdateUserRequest'];
export type UserStatus = 'active' | 'disabled';
export type ImportResult = Schemas['ImportResult'];
/** One bad row of a rejected import (`details.rows` of `org.import_rejected`). */
export interface ImportRejectedRow {
  row: number;
  column: string;
  message: string;
}

export interface UserQuery {
  q?: string;
  department_id?: string;
  include_sub?: boolean;
  status?: UserStatus;
  page: number;
  page_size: number;
}

export const orgKeys = {
  companies: ['org', 'companies'] as const,
  departments: ['org', 'departments'] as const,
  posts: ['org', 'posts'] as const,
  roles: ['org', 'roles'] as const,
  users: ['org', 'users'] as const,
  userList: (q: UserQuery) => ['org', 'users', 'list', q] as const,
};

export const listCompanies = (): Promise<Company[]> => call(api.GET('/api/v1/companies'));
export const createCompany = (body: CompanyCreate): Promise<Company> =>
  call(api.POST('/api/v1/companies', { body }));
export const patchCompany = (id: string, body: CompanyPatch): Promise<Company> =>
  call(api.PATCH('/api/v1/companies/{id}', { params: { path: { id } }, body }));
export const listDepartments = (): Promise<Department[]> => call(api.GET('/api/v1/departments'));
export const createDepartment = (body: DepartmentCreate): Promise<Department> =>
  call(api.POST('/api/v1/departments', { body }));
export const patchDepartment = (id: string, body: DepartmentPatch): Promise<Department> =>
  call(api.PATCH('/api/v1/departments/{id}', { params: { path: { id } }, body }));
export const deleteDepartment = (id: string): Promise<void> =>
  call(api.DELETE('/api/v1/departments/{id}', { params: { path: { id } } }));

export const listPosts = (): Promise<Post[]> => call(api.GET('/api/v1/posts'));
export const createPost = (body: PostCreate): Promise<Post> =>
  call(api.POST('/api/v1/posts', { body }));
export const patchPost = (id: string, body: PostPatch): Promise<Post> =>
  call(api.PATCH('/api/v1/posts/{id}', { params: { path: { id } }, body }));
export const deletePost = (id: string): Promise<void> =>
  call(api.DELETE('/api/v1/posts/{id}', { params: { path: { id } } }));

export const listRoles = (): Promise<Role[]> => call(api.GET('/api/v1/roles'));

export const listUsers = (query: UserQuery): Promise<UserPage> =>
  call(api.GET('/api/v1/users', { params: { query } }));
export const createUser = (body: UserCreate): Promise<UserCreated> =>
  call(api.POST('/api/v1/users', { body }));
export const patchUser = (id: string, body: UserPatch): Promise<User> =>
  call(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body }));
export const disableUser = (id: string): Promise<User> =>
  call(api.POST('/api/v1/users/{id}/disable', { params: { path: { id } } }));
export const reactivateUser = (id: string): Promise<User> =>
  call(api.POST('/api/v1/users/{id}/reactivate', { params: { path: { id } } }));
export const resetUserPassword = (id: string): Promise<string> =>
  call(api.POST('/api/v1/users/{id}/reset-password', { params: { path: { id } } })).then(
    (r) => r.one_time_password,
  );

export function importOrg(file: File): Promise<ImportResult> {
  const form = new FormData();
  form.append('file', file);
  return upload<ImportResult>('/api/v1/org/import', form);
}

export const exportOrgUrl = (format: 'xlsx' | 'csv'): string =>
  `/api/v1/org/export?format=${format}`;

export const useCompanies = () => useQuery({ queryKey: orgKeys.companies, queryFn: listCompanies });
export const useDepartments = () =>
  useQuery({ queryKey: orgKeys.departments, queryFn: listDepartments });
export const usePosts = () => useQuery({ queryKey: orgKeys.posts, queryFn: listPosts });
export const useRoles = () => useQuery({ queryKey: orgKeys.roles, queryFn: listRoles });
