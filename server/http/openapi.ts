import { OpenApiGeneratorV3, OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import type { Endpoint } from '../../shared/http/endpoint.ts';
import { ApiError } from '../../shared/schemas/errors.ts';

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ApiError } } });

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
    const body = e.upload
      ? {
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object' as const,
                properties: {
                  [e.upload.field]: { type: 'string' as const, format: 'binary' },
                  data: { type: 'string' as const, description: 'JSON of the request fields' },
                },
              },
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
      },
    };
    registry.registerPath(route);
  }

  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: { title: 'tongbu API', version, description: '同步课堂 — synchronized classrooms for education communities' },
    servers: [{ url: '/' }],
    security: [{ session: [], csrf: [] }],
  });
}
