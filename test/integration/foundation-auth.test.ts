import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { createCaller } from '../../shared/http/caller.ts';
import { authSessions, accounts } from '../../server/db/schema/index.ts';
import { startTestPlatform, DEMO_PASSWORD, type TestPlatform } from '../support/platform.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ env: { SIGNIN_RATE_LIMIT: '5' } });
});
afterAll(() => platform?.close());

describe('sign-in and sessions', () => {
  it('refuses a wrong password and an unknown user with the same 401', async () => {
    const call = platform.anonymous();
    const wrong = await call(api.signIn, { body: { username: 'teacher.wang', password: 'not-the-password' } });
    const unknown = await call(api.signIn, { body: { username: 'nobody.here', password: 'not-the-password' } });
    expect(wrong).toMatchObject({ ok: false, status: 401 });
    expect(unknown).toMatchObject({ ok: false, status: 401 });
    if (!wrong.ok && !unknown.ok) expect(wrong.error.message).toBe(unknown.error.message);
  });

  it('signs in with an httpOnly SameSite cookie and stores only a hash of the token', async () => {
    const res = await fetch(`${platform.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'coord.shiyan', password: DEMO_PASSWORD }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tongbu_sid='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const token = cookie.split(';')[0]!.split('=')[1]!;
    const stored = await platform.database.db.select().from(authSessions);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.some((s) => s.tokenHash === token)).toBe(false);
    const me = (await res.json()) as { account: { role: string; communityIds: string[] } };
    expect(me.account.role).toBe('coordinator');
    expect(me.account.communityIds).toHaveLength(1);
  });

  it('requires a session for the API and a CSRF token for writes', async () => {
    const anon = await platform.anonymous()(api.listCommunities);
    expect(anon).toMatchObject({ ok: false, status: 401 });

    const admin = await platform.signIn('admin');
    const noCsrf = createCaller({ baseUrl: platform.url, headers: () => ({ cookie: admin.cookie }) });
    const refused = await noCsrf(api.createSubject, { body: { code: 'calligraphy', nameZh: '书法', nameEn: 'Calligraphy' } });
    expect(refused).toMatchObject({ ok: false, status: 403 });
    const reads = await noCsrf(api.listSubjects);
    expect(reads.ok).toBe(true);
    const created = await admin.call(api.createSubject, { body: { code: 'calligraphy', nameZh: '书法', nameEn: 'Calligraphy' } });
    expect(created).toMatchObject({ ok: true, status: 201 });
  });

  it('signs out: the same cookie no longer works', async () => {
    const teacher = await platform.signIn('teacher.wang');
    expect((await teacher.call(api.me)).ok).toBe(true);
    expect((await teacher.call(api.signOut)).status).toBe(204);
    const replay = createCaller({ baseUrl: platform.url, headers: () => ({ cookie: teacher.cookie }) });
    expect(await replay(api.me)).toMatchObject({ ok: false, status: 401 });
  });

  it('expires sessions', async () => {
    const teacher = await platform.signIn('teacher.li');
    const [account] = await platform.database.db.select().from(accounts).where(eq(accounts.username, 'teacher.li'));
    await platform.database.db.update(authSessions).set({ expiresAt: sql`now() - interval '1 minute'` }).where(eq(authSessions.accountId, account!.id));
    expect(await teacher.call(api.me)).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a disabled account', async () => {
    const admin = await platform.signIn('admin');
    const list = await admin.call(api.listAccounts);
    if (!list.ok) throw new Error('list failed');
    const target = list.data.find((a) => a.username === 'class.liuli')!;
    const teacherSession = await platform.signIn('class.liuli');
    expect((await admin.call(api.updateAccount, { params: { id: target.id }, body: { disabled: true } })).ok).toBe(true);
    expect(await teacherSession.call(api.me)).toMatchObject({ ok: false, status: 401 });
    expect(await platform.anonymous()(api.signIn, { body: { username: 'class.liuli', password: DEMO_PASSWORD } })).toMatchObject({ ok: false, status: 401 });
  });

  it('rate-limits sign-in attempts per address and username', async () => {
    const call = platform.anonymous();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await call(api.signIn, { body: { username: 'coord.junior', password: 'wrong-password-x' } })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // Another username from the same address is not locked out by it.
    expect((await call(api.signIn, { body: { username: 'coord.xiangyang', password: DEMO_PASSWORD } })).status).toBe(200);
  });
});
