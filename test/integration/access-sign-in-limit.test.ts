import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { DEMO_PASSWORD, startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * The sign-in limiter counts per address and username — the username sign-in will look up
 * (one normalisation for both) — and, with REDIS_URL, in Redis, so two processes count together.
 */
const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const LIMIT = 4;
const env = { REDIS_URL: redisUrl, REDIS_STREAM_NAME: `tongbu-test-${randomBytes(4).toString('hex')}`, SIGNIN_RATE_LIMIT: String(LIMIT), SIGNIN_RATE_WINDOW_SECONDS: '600' };

let nodeA: TestPlatform;
let nodeB: RunningServer;

beforeAll(async () => {
  nodeA = await startTestPlatform({ env });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  nodeB = await startServer({ config, database: nodeA.database, media: null, log: createLogger(config) }, { port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await nodeB?.close();
  await nodeA?.close();
});

async function signIn(url: string, body: unknown): Promise<{ status: number; body: { error?: { fields?: { field: string }[] } } }> {
  const res = await fetch(`${url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { error?: { fields?: { field: string }[] } } };
}

describe('sign-in rate limit', () => {
  it('a padded, wide or upper-case username signs in as the plain one', async () => {
    for (const username of ['\u2003teacher.li ', 'ＴＥＡＣＨＥＲ.ＬＩ', '\u3000Teacher.Li\u00a0']) {
      expect((await signIn(nodeA.url, { username, password: DEMO_PASSWORD })).status).toBe(200);
    }
  });

  it('padded variants of a username count against the same limit as the plain one, and stay locked with the right password', async () => {
    const variants = ['teacher.wang', ' teacher.wang', 'teacher.wang\u2003', 'TEACHER.WANG', 'ｔｅａｃｈｅｒ.ｗａｎｇ'];
    const statuses = [];
    for (const username of variants) statuses.push((await signIn(nodeA.url, { username, password: 'wrong-password-x' })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    for (const username of ['\u2003teacher.wang', 'teacher.wang\t', 'Teacher.Wang']) {
      expect((await signIn(nodeA.url, { username, password: DEMO_PASSWORD })).status).toBe(429);
    }
  });

  it('with REDIS_URL two server processes count one username together', async () => {
    const statuses = [];
    for (let i = 0; i < LIMIT; i++) statuses.push((await signIn(i % 2 ? nodeB.url : nodeA.url, { username: 'coord.junior', password: 'wrong-password-x' })).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
    expect((await signIn(nodeB.url, { username: ' coord.junior', password: DEMO_PASSWORD })).status).toBe(429);
    expect((await signIn(nodeA.url, { username: 'coord.junior', password: DEMO_PASSWORD })).status).toBe(429);
    // Another username from the same address is not locked.
    expect((await signIn(nodeB.url, { username: 'coord.shiyan', password: DEMO_PASSWORD })).status).toBe(200);
  });

  it('a username that is not a string is a 400 naming the field, even a 20,000-deep array', async () => {
    const deep = `{"username":${'['.repeat(20_000)}${']'.repeat(20_000)},"password":"x"}`;
    for (const body of [deep, { username: ['admin'], password: 'x' }, { username: 42, password: 'x' }, { username: { toString: 'admin' }, password: 'x' }]) {
      const res = await signIn(nodeA.url, body);
      expect(res.status).toBe(400);
      // The field is named by its path: `username`, or where inside it the input went wrong (`username.0.0…`).
      const named = res.body.error?.fields?.map((f) => f.field.split('.')[0]);
      expect(named).toContain('username');
    }
  });
});
