import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, call, type Schemas } from '../../api/client';

export type Template = Schemas['TemplateView'];

export const templatesKey = ['flow', 'templates'] as const;

const listTemplates = (): Promise<Template[]> => call(api.GET('/api/v1/flow/templates'));

/**
 * Template names by id. The server lists every template to flow administrators and the ones a
 * person may start to everyone else, so a supervised template may be missing: callers fall back.
 */
export function useTemplates() {
  const query = useQuery({ queryKey: templatesKey, queryFn: listTemplates, staleTime: 60_000 });
  const names = useMemo(
    () => new Map((query.data ?? []).map((t) => [t.id, t.name] as const)),
    [query.data],
  );
  return { templates: query.data ?? [], names };
}

/** Options for a template filter: the given templates, then any other id seen, once each. */
export function templateOptions(
  templates: readonly { id: string; name: string }[],
  seen: readonly (string | undefined)[],
  names: ReadonlyMap<string, string>,
  unknown: string,
): { value: string; label: string }[] {
  const out = templates.map((t) => ({ value: t.id, label: t.name }));
  for (const id of seen)
    if (id && !out.some((o) => o.value === id))
      out.push({ value: id, label: names.get(id) ?? unknown });
  return out;
}
