import { App, type FormInstance } from 'antd';
import { useCallback } from 'react';
import { ApiError } from '../api/client';
import { useT } from '../i18n';

/**
 * Shows a failed call: field errors next to their inputs when a form has them,
 * everything else as a message in the user's language.
 */
export function useApiError() {
  const { message } = App.useApp();
  const t = useT();
  return useCallback(
    // biome-ignore lint/suspicious/noExplicitAny: any form's values
    (error: unknown, form?: FormInstance<any>, fieldMap: Record<string, string> = {}) => {
      if (error instanceof ApiError) {
        if (form && error.fields.length > 0) {
          const known = new Set(Object.keys(form.getFieldsValue() ?? {}));
          const placed = error.fields
            .map((f) => ({ ...f, name: fieldMap[f.field] ?? f.field }))
            .filter((f) => known.has(f.name));
          form.setFields(placed.map((f) => ({ name: f.name, errors: [f.message] })));
          if (placed.length === error.fields.length) return;
        }
        message.error(error.isNetwork ? t('error.networkRetry') : error.message);
        return;
      }
      message.error(t('error.unexpected'));
    },
    [message, t],
  );
}
