import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ seed: false });
});
afterAll(() => platform?.close());

describe('system endpoints', () => {
  it('health reports the database engine and its state', async () => {
    const r = await platform.anonymous()(api.health);
    if (!r.ok) throw new Error(`health ${r.status}`);
    expect(r.data.database).toMatchObject({ kind: process.env['TEST_DB'] === 'postgres' ? 'postgres' : 'pglite', ok: true });
    expect(r.data.status).toBe('ok');
  });

  it('serves an OpenAPI 3 document that passes a standard validator and covers every endpoint', async () => {
    const doc = (await (await fetch(`${platform.url}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
    expect(doc.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    const operationIds = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(operationIds.sort()).toEqual(Object.keys(api).sort());
  });

  it('sends secure headers', async () => {
    const res = await fetch(`${platform.url}/api/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
