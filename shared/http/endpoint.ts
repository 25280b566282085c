import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A file the endpoint answers with instead of JSON (exports, attachments). */
export interface FileResponse {
  readonly file: true;
  readonly contentTypes: readonly string[];
}

/**
 * One REST endpoint: the server binds a handler to it, the client calls it,
 * and the OpenAPI document is generated from it — one declaration, three uses.
 */
export interface Endpoint {
  readonly method: HttpMethod;
  /** Express-style path, e.g. `/api/communities/:communityId`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** `public` endpoints need no session (sign-in, health, calendar feeds with a token). */
  readonly access?: 'public' | 'session';
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** Multipart upload with these file fields (the rest of the form is validated by `body`). */
  readonly upload?: { readonly field: string; readonly maxBytes: number; readonly contentTypes: readonly string[] };
  readonly response: z.ZodType | FileResponse | null;
  /** 200 by default; 201 for creations, 204 when `response` is null. */
  readonly status?: 200 | 201 | 202 | 204;
}

export const endpoint = <const E extends Endpoint>(e: E): E => e;
export const file = (...contentTypes: string[]): FileResponse => ({ file: true, contentTypes });

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;
type In<T> = T extends z.ZodType ? z.input<T> : undefined;

/** What a handler receives (parsed, defaults applied). */
export type ParamsOf<E extends Endpoint> = Out<E['params']>;
export type QueryOf<E extends Endpoint> = Out<E['query']>;
export type BodyOf<E extends Endpoint> = Out<E['body']>;
/** What a client sends (before defaults). */
export type ParamsIn<E extends Endpoint> = In<E['params']>;
export type QueryIn<E extends Endpoint> = In<E['query']>;
export type BodyIn<E extends Endpoint> = In<E['body']>;
/** What the endpoint answers. */
export type ResponseOf<E extends Endpoint> = E['response'] extends z.ZodType
  ? z.output<E['response']>
  : E['response'] extends FileResponse
    ? Blob
    : void;

/** `/api/x/:id` + `{ id: 'a b' }` → `/api/x/a%20b`. */
export function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(String(value));
  });
}
