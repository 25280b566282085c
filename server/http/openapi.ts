import { OpenApiGeneratorV31, OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { Endpoint } from '../../shared/http/endpoint.ts';
import { ApiError } from '../../shared/schemas/errors.ts';

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ApiError } } });

/** Statuses particular endpoints answer besides the ones every endpoint of their kind does. */
const EXTRA_RESPONSES: Record<string, Record<number, { description: string; body: 'error' | 'response' }>> = {
  signIn: { 401: { description: 'Wrong username or password', body: 'error' }, 429: { description: 'Too many sign-in attempts; the message says when to retry', body: 'error' } },
  health: { 503: { description: 'Degraded: the database or the media workers do not answer (the same report)', body: 'response' } },
};

/**
 * OpenAPI 3.1 is JSON Schema 2020-12: there is no `nullable`, a value that may be null is
 * `anyOf: [<schema>, { type: 'null' }]`. The generator still writes `nullable`, and for a
 * nullable reference `allOf: [$ref, { type: [..., 'null'] }]`, which null can never satisfy
 * (the reference refuses it): both are rewritten, everywhere in the document.
 */
function nullableThe31Way(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableThe31Way);
  if (!node || typeof node !== 'object') return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const inner = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, nullableThe31Way(v)]));
  const allOf = Array.isArray(inner['allOf']) ? (inner['allOf'] as Record<string, unknown>[]) : null;
  const nullMarker = allOf?.findIndex((s) => Object.keys(s).length === 1 && Array.isArray(s['type']) && (s['type'] as unknown[]).includes('null')) ?? -1;
  if (nullable !== true && nullMarker < 0) return inner;
  const { description, ...schema } = inner;
  if (allOf && nullMarker >= 0) {
    const others = allOf.filter((_, i) => i !== nullMarker);
    delete schema['allOf'];
    const base = others.length === 1 && Object.keys(schema).length === 0 ? others[0]! : { ...schema, ...(others.length ? { allOf: others } : {}) };
    return { ...(description === undefined ? {} : { description }), anyOf: [base, { type: 'null' }] };
  }
  return { ...(description === undefined ? {} : { description }), anyOf: [schema, { type: 'null' }] };
}

/** The OpenAPI 3 document, generated from the same endpoint table the server binds and the client calls. */
export function buildOpenApiDocument(endpoints: Record<string, Endpoint>, version: string) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'tongbu_sid' });
  registry.registerComponent('securitySchemes', 'csrf', { type: 'apiKey', in: 'header', name: 'x-csrf-token' });

  for (const [operationId, e] of Object.entries(endpoints)) {
    const status = e.status ?? 200;
    const success =
      e.response === null
        ? { description: 'Done' }
        : 'file' in e.response
          ? { description: 'A file', content: Object.fromEntries(e.response.contentTypes.map((t) => [t, { schema: { type: 'string' as const, format: 'binary' } }])) }
          : { description: 'OK', content: { 'application/json': { schema: e.response as z.ZodType } } };
    // A multipart body: the file part, and a `data` part holding the request fields as JSON.
    const body = e.upload
      ? {
          content: {
            'multipart/form-data': {
              schema: z.object({
                [e.upload.field]: z.string().meta({ contentMediaType: 'application/octet-stream', description: `At most ${Math.round(e.upload.maxBytes / 1024)} KiB` }).optional(),
                ...(e.body ? { data: e.body } : {}),
              }),
              encoding: { [e.upload.field]: { contentType: e.upload.contentTypes.join(', ') }, ...(e.body ? { data: { contentType: 'application/json' } } : {}) },
            },
          },
        }
      : e.body
        ? { content: { 'application/json': { schema: e.body } } }
        : undefined;
    const route: RouteConfig = {
      method: e.method,
      path: e.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
      operationId,
      summary: e.summary,
      tags: [e.tag],
      ...(e.access === 'public' ? { security: [] } : {}),
      request: {
        ...(e.params ? { params: e.params as z.ZodObject } : {}),
        ...(e.query ? { query: e.query as z.ZodObject } : {}),
        ...(body ? { body } : {}),
      },
      responses: {
        [status]: success,
        400: errorResponse('Invalid input: every bad field with the reason'),
        ...(e.access === 'public' ? {} : { 401: errorResponse('Not signed in'), 403: errorResponse('Role may not do this') }),
        404: errorResponse('Unknown, or outside the caller\'s scope'),
        409: errorResponse('Conflicts with an existing record, which is named'),
        ...(e.body || e.upload
          ? { 413: errorResponse('The body (or its file) is too large'), 415: errorResponse('The body is not of the type the endpoint reads (content-type)') }
          : {}),
        431: { description: 'Request headers too large' },
        ...Object.fromEntries(
          Object.entries(EXTRA_RESPONSES[operationId] ?? {}).map(([code, r]) => [code, r.body === 'error' ? errorResponse(r.description) : { ...success, description: r.description }]),
        ),
      },
    };
    registry.registerPath(route);
  }

  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'tongbu API', version, description: '同步课堂 — synchronized classrooms for education communities' },
    servers: [{ url: '/' }],
    security: [{ session: [], csrf: [] }],
  });
  return nullableThe31Way(document) as typeof document;
}
