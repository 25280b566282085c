import { useCallback, useState } from 'react';
import type { ApiErrorBody, CallResult, Endpoint } from '../app/api.ts';
import { useServerT, useT } from '../i18n/index.ts';
import { useFieldT } from '../i18n/fieldMessages.ts';

export interface ApiForm {
  submitting: boolean;
  /** The last failed answer, if any. */
  error: ApiErrorBody | null;
  /** Translated message(s) for a field and its sub-fields (`memberSchoolIds` also gets `memberSchoolIds.1`). */
  of(field: string): string | undefined;
  /** Per-index messages of an array field: `{ 1: 'unknown school' }` for `memberSchoolIds.1`. */
  items(field: string): Record<number, string>;
  /** A 409's description (translated), shown prominently above the form. */
  conflict: string | null;
  /** Everything not shown beside a field: other fields' messages, refusals, network trouble. */
  general: string[];
  /** Runs a call; on failure keeps its errors for the fields. Resolves to the data or null. */
  submit<E extends Endpoint>(run: () => Promise<CallResult<E>>): Promise<CallResult<E> | null>;
  /** Forgets the errors of one field (when the user edits it) or all of them. */
  clear(field?: string): void;
  /** Shows an error the client found itself. */
  fail(error: ApiErrorBody): void;
}

const under = (field: string, path: string) => path === field || path.startsWith(`${field}.`);

/**
 * Form state for one API write. `fields` are the fields the form shows: the
 * 400's `error.fields[]` for them appear under the inputs, the rest in `general`.
 */
export function useApiForm(fields: readonly string[]): ApiForm {
  const t = useT();
  const tServer = useServerT();
  const tField = useFieldT();
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const fieldErrors = error?.fields ?? [];
  const shown = (path: string) => fields.some((f) => under(f, path));

  const of = (field: string) => {
    const messages = fieldErrors.filter((e) => under(field, e.field)).map((e) => tField(e));
    return messages.length ? [...new Set(messages)].join(t('common.listSeparator')) : undefined;
  };

  const items = (field: string) => {
    const out: Record<number, string> = {};
    for (const e of fieldErrors) {
      const m = new RegExp(`^${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)(?:\\.|$)`).exec(e.field);
      if (m) out[Number(m[1])] = tField(e);
    }
    return out;
  };

  const general: string[] = [];
  if (error) {
    if (error.code === 'validation') {
      for (const e of fieldErrors) if (!shown(e.field)) general.push(`${e.field === '(root)' || e.field === '(body)' ? '' : `${e.field}: `}${tField(e)}`);
      if (fieldErrors.length === 0) general.push(tServer(error.message));
    } else if (error.code === 'conflict') {
      // shown as `conflict`
    } else if (error.code === 'forbidden') general.push(t('errors.forbidden'));
    else if (error.code === 'not_found') general.push(t('errors.notFound'));
    else if (error.message === 'network') general.push(t('errors.network'));
    else general.push(tServer(error.message));
  }

  const conflict = error?.code === 'conflict' ? tServer(error.conflict?.description ?? error.message) : null;

  const submit = useCallback(async <E extends Endpoint>(run: () => Promise<CallResult<E>>) => {
    setSubmitting(true);
    try {
      const res = await run();
      setError(res.ok ? null : res.error);
      // Bring the first problem into view (long forms, small screens).
      if (!res.ok) window.requestAnimationFrame(() => document.querySelector('.overlay .field--invalid, .overlay .alert, .field--invalid, .form .alert')?.scrollIntoView({ block: 'nearest' }));
      return res;
    } finally {
      setSubmitting(false);
    }
  }, []);

  const clear = useCallback((field?: string) => {
    setError((e) => {
      if (!e || field === undefined) return null;
      if (e.code === 'conflict') return null;
      const rest = (e.fields ?? []).filter((f) => !under(field, f.field));
      return rest.length === (e.fields ?? []).length ? e : rest.length ? { ...e, fields: rest } : null;
    });
  }, []);

  return { submitting, error, of, items, conflict, general, submit, clear, fail: setError };
}
