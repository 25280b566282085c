import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { api } from '../../shared/api/index.ts';
import type { Endpoint } from '../../shared/http/endpoint.ts';
import { hashPassword } from '../../server/accounts/password.ts';
import { accounts } from '../../server/db/schema/index.ts';
import { DEMO_PASSWORD, startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';

/**
 * I-INPUT-SHAPE: no client input produces a 5xx. Every endpoint of the shared REST table
 * gets the inputs that once did (NUL and other control characters in any string, nesting
 * 20,000 deep, malformed and oversized JSON, a body of the wrong type, malformed multipart),
 * as an anonymous caller and as a signed-in one; each answer is a 4xx, and where the input
 * itself is at fault the 400 names the field.
 */
let platform: TestPlatform;
let admin: SignedInClient;

beforeAll(async () => {
  // No demo county: the input is refused before any record could matter, and seeding is the slow part.
  platform = await startTestPlatform({
    seed: false,
    beforeStart: async (db) => void (await db.insert(accounts).values({ username: 'admin', displayName: '系统管理员', passwordHash: await hashPassword(DEMO_PASSWORD), role: 'admin' })),
  });
  admin = await platform.signIn('admin');
});
afterAll(() => platform?.close());

const NUL = 'a\u0000b';
const keysOf = (schema: z.ZodType | undefined): string[] => (schema instanceof z.ZodObject ? Object.keys(schema.shape) : []);
/** JSON text of an array nested `levels` deep (JSON.stringify itself would overflow). */
const deep = (levels: number): string => `${'['.repeat(levels)}"x"${']'.repeat(levels)}`;

function pathOf(e: Endpoint, bad?: string): string {
  return e.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => encodeURIComponent(name === bad ? NUL : randomUUID()));
}

interface Case {
  readonly name: string;
  readonly path: string;
  readonly init: RequestInit;
  /** A 400 naming this field is expected (whoever calls: the input is checked before anything else). */
  readonly field?: string;
}

const json = (body: string): RequestInit => ({ body, headers: { 'content-type': 'application/json' } });

function casesOf(e: Endpoint): Case[] {
  const cases: Case[] = [];
  for (const p of e.path.match(/:([A-Za-z0-9_]+)/g) ?? []) cases.push({ name: `NUL in path ${p}`, path: pathOf(e, p.slice(1)), init: {} });
  for (const q of [...keysOf(e.query), 'unknown']) cases.push({ name: `NUL in query ${q}`, path: `${pathOf(e)}?${q}=a%00b`, init: {}, field: `query.${q}` });
  cases.push({ name: 'control character in a query key', path: `${pathOf(e)}?a%01=1`, init: {}, field: 'query' });
  if (e.method === 'get') return cases;
  for (const k of [...keysOf(e.body), 'username']) {
    cases.push({ name: `NUL in body ${k}`, path: pathOf(e), init: json(JSON.stringify({ [k]: NUL })), field: k });
    cases.push({ name: `NUL in an array in body ${k}`, path: pathOf(e), init: json(JSON.stringify({ [k]: ['ok', NUL] })), field: `${k}.1` });
    cases.push({ name: `body ${k} 20,000 deep`, path: pathOf(e), init: json(`{${JSON.stringify(k)}:${deep(20_000)}}`), field: `${k}${'.0'.repeat(15)}` });
  }
  cases.push({ name: 'malformed JSON', path: pathOf(e), init: json('{"username": "x",'), field: '(body)' });
  cases.push({ name: 'JSON over the size limit', path: pathOf(e), init: json(JSON.stringify({ username: 'x'.repeat(1_100_000) })) });
  cases.push({ name: 'JSON in an unsupported charset', path: pathOf(e), init: { body: '{}', headers: { 'content-type': 'application/json; charset=ebcdic' } } });
  cases.push({ name: 'a body of the wrong type', path: pathOf(e), init: { body: 'username=x', headers: { 'content-type': 'text/plain' } } });
  const boundary = 'fuzzboundary';
  const part = (headers: string, content: string) => `--${boundary}\r\n${headers}\r\n\r\n${content}\r\n`;
  const multipart = (body: string, type = `multipart/form-data; boundary=${boundary}`): RequestInit => ({ body: Buffer.from(body, 'latin1'), headers: { 'content-type': type } });
  const file = (name: string) => part(`Content-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: image/png`, '\x89PNG\r\n\x1a\n0000');
  cases.push({ name: 'multipart truncated', path: pathOf(e), init: multipart(`${file('a.png')}--${boundary}\r\nContent-Disposition: form-da`) });
  cases.push({ name: 'multipart with NUL in the file name', path: pathOf(e), init: multipart(`${file('evil\u0000.png')}--${boundary}--\r\n`) });
  cases.push({ name: 'multipart with an encoded NUL in the file name', path: pathOf(e), init: multipart(`${part(`Content-Disposition: form-data; name="file"; filename*=UTF-8''evil%00.png\r\nContent-Type: image/png`, '\x89PNG')}--${boundary}--\r\n`) });
  cases.push({ name: 'multipart without a boundary', path: pathOf(e), init: multipart(`${file('a.png')}--${boundary}--\r\n`, 'multipart/form-data') });
  cases.push({ name: 'multipart data with NUL', path: pathOf(e), init: multipart(`${part('Content-Disposition: form-data; name="data"', JSON.stringify({ title: NUL }))}--${boundary}--\r\n`) });
  cases.push({ name: 'multipart data 20,000 deep', path: pathOf(e), init: multipart(`${part('Content-Disposition: form-data; name="data"', `{"title":${deep(20_000)}}`)}--${boundary}--\r\n`) });
  cases.push({ name: 'multipart data not JSON', path: pathOf(e), init: multipart(`${part('Content-Disposition: form-data; name="data"', '{"title":')}--${boundary}--\r\n`) });
  return cases;
}

async function fuzz(who: 'anonymous' | 'signed in', headers: Record<string, string>): Promise<void> {
  const failures: string[] = [];
  const queue = (Object.entries(api) as [string, Endpoint][])
    // Signing out would turn the signed-in pass into a second anonymous one.
    .filter(([, e]) => !(who === 'signed in' && e === api.signOut))
    .flatMap(([name, e]) => casesOf(e).map((c) => ({ name, e, c })));
  const total = queue.length;
  const send = async ({ name, e, c }: (typeof queue)[number]) => {
    const init = { ...c.init, method: e.method.toUpperCase(), headers: { ...headers, ...(c.init.headers as Record<string, string> | undefined) } };
    const res = await fetch(`${platform.url}${c.path}`, init);
    const text = await res.text();
    if (res.status >= 500) failures.push(`${name} ${c.name}: ${res.status} ${text.slice(0, 200)}`);
    else if (c.field !== undefined) {
      const fields = res.status === 400 ? ((JSON.parse(text) as { error: { fields?: { field: string }[] } }).error.fields ?? []).map((f) => f.field) : [];
      if (!fields.includes(c.field)) failures.push(`${name} ${c.name}: expected a 400 naming ${c.field}, got ${res.status} ${text.slice(0, 200)}`);
    }
  };
  // A few requests in flight at a time, as a fuzzer would send them.
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await send(next);
  }));
  expect(total).toBeGreaterThan(Object.keys(api).length * 3);
  expect(failures).toEqual([]);
}

describe('I-INPUT-SHAPE: no client input produces a 5xx', () => {
  it('I-INPUT-SHAPE: every endpoint, anonymous: 4xx only, a bad string or body named', async () => {
    await fuzz('anonymous', {});
  }, 300_000);

  it('I-INPUT-SHAPE: every endpoint, signed in with a CSRF token: 4xx only, a bad string or body named', async () => {
    await fuzz('signed in', { cookie: admin.cookie, 'x-csrf-token': admin.me.csrfToken });
    // The session survived the fuzzing: nothing crashed halfway through it.
    expect((await admin.call(api.me)).ok).toBe(true);
  }, 300_000);
});
