import type { ApiError } from '../schemas/errors.ts';
import { fillPath, type BodyIn, type Endpoint, type ParamsIn, type QueryIn, type ResponseOf } from './endpoint.ts';

export interface CallInput<E extends Endpoint> {
  params?: ParamsIn<E>;
  query?: QueryIn<E>;
  body?: BodyIn<E>;
  /** For upload endpoints: the file to send beside the JSON body. */
  file?: Blob & { name?: string };
}

export type CallResult<E extends Endpoint> =
  | { ok: true; status: number; data: ResponseOf<E> }
  | { ok: false; status: number; error: ApiError['error'] };

export interface CallerOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Headers added to every request (cookie in tests, CSRF token and locale in the browser). */
  headers?: () => Record<string, string>;
  /** Called with every response, e.g. to keep a cookie jar. */
  onResponse?: (res: Response) => void;
}

/**
 * Calls an endpoint of the shared table. Never throws for an HTTP error: the
 * result says ok or carries the API's error (with its fields and conflict).
 */
export function createCaller(options: CallerOptions = {}) {
  const doFetch = options.fetch ?? fetch;
  return async function call<E extends Endpoint>(e: E, input: CallInput<E> = {}): Promise<CallResult<E>> {
    let url = (options.baseUrl ?? '') + fillPath(e.path, input.params as Record<string, unknown> | undefined);
    if (input.query) {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(input.query as Record<string, unknown>)) if (v !== undefined && v !== null) qs.set(k, String(v));
      const s = qs.toString();
      if (s) url += `?${s}`;
    }
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers?.() };
    let body: BodyInit | undefined;
    if (e.upload) {
      const form = new FormData();
      form.set('data', JSON.stringify(input.body ?? {}));
      if (input.file) form.set(e.upload.field, input.file, input.file.name ?? 'upload');
      body = form;
    } else if (input.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(input.body);
    }
    const res = await doFetch(url, { method: e.method.toUpperCase(), headers, body, credentials: 'same-origin' });
    options.onResponse?.(res);
    if (!res.ok) {
      const parsed = (await res.json().catch(() => null)) as ApiError | null;
      return { ok: false, status: res.status, error: parsed?.error ?? { code: 'internal', message: `HTTP ${res.status}` } };
    }
    if (res.status === 204 || e.response === null) return { ok: true, status: res.status, data: undefined as ResponseOf<E> };
    const data = 'file' in (e.response as object) ? await res.blob() : await res.json();
    return { ok: true, status: res.status, data: data as ResponseOf<E> };
  };
}

export type Call = ReturnType<typeof createCaller>;
