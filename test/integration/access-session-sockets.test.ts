import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { sessionKeyOf } from '../../server/accounts/sessions.ts';
import { loadConfig } from '../../server/config.ts';
import { accounts, authSessions } from '../../server/db/schema/index.ts';
import { createLogger } from '../../server/log.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';

/**
 * S-SESSION-END: every way a sign-in session ends closes its open sockets — on whichever
 * server process they are connected (two nodes share one database and one Redis here).
 */
const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const env = { REDIS_URL: redisUrl, REDIS_STREAM_NAME: `tongbu-test-${randomBytes(4).toString('hex')}` };

let nodeA: TestPlatform;
let nodeB: RunningServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  nodeA = await startTestPlatform({ env });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  nodeB = await startServer({ config, database: nodeA.database, media: null, log: createLogger(config) }, { port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await nodeB?.close();
  await nodeA?.close();
});

interface Watched {
  readonly socket: Socket;
  /** Resolves with the reason when the server disconnects the socket. */
  readonly closed: Promise<string>;
}

function socketTo(url: string, cookie: string): Promise<Watched> {
  const socket = connect(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
  sockets.push(socket);
  const closed = new Promise<string>((resolve) => socket.on('disconnect', (reason) => resolve(reason)));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('connect_error', reject);
  });
}

/**
 * Whether a socket the server should have left alone is still connected. Called after a socket of the
 * same node was seen closed by the same disconnect, so a wrongly closed one would be closing too; the
 * short pause only lets its close frame arrive.
 */
async function stillConnected(w: Watched): Promise<boolean> {
  await new Promise((r) => setTimeout(r, 500));
  return w.socket.connected;
}

const serverClosed = (w: Watched) => expect(w.closed).resolves.toBe('io server disconnect');

describe('S-SESSION-END: sockets end with their session', () => {
  it('S-SESSION-END: signing out disconnects that session\'s sockets on every node, and only that session\'s', async () => {
    const first = await nodeA.signIn('teacher.wang');
    const second = await nodeA.signIn('teacher.wang');
    const onA = await socketTo(nodeA.url, first.cookie);
    const onB = await socketTo(nodeB.url, first.cookie);
    const other = await socketTo(nodeB.url, second.cookie);
    expect((await first.call(api.signOut)).ok).toBe(true);
    await serverClosed(onA);
    await serverClosed(onB);
    expect(await stillConnected(other)).toBe(true);
    await expect(socketTo(nodeB.url, first.cookie)).rejects.toThrow(/unauthenticated/);
  });

  it('S-SESSION-END: disabling an account ends its sessions and disconnects their sockets', async () => {
    const admin = await nodeA.signIn('admin');
    const terminal = await nodeA.signIn('class.liuli');
    const socket = await socketTo(nodeB.url, terminal.cookie);
    const adminSocket = await socketTo(nodeA.url, admin.cookie);
    expect((await admin.call(api.updateAccount, { params: { id: terminal.me.account.id }, body: { disabled: true } })).ok).toBe(true);
    await serverClosed(socket);
    expect(await terminal.call(api.me)).toMatchObject({ ok: false, status: 401 });
    expect(await stillConnected(adminSocket)).toBe(true);
    // Enabling it again does not revive the ended session: a new sign-in is needed.
    expect((await admin.call(api.updateAccount, { params: { id: terminal.me.account.id }, body: { disabled: false } })).ok).toBe(true);
    expect(await terminal.call(api.me)).toMatchObject({ ok: false, status: 401 });
    await nodeA.signIn('class.liuli');
  });

  it("S-SESSION-END: an administrator's password reset ends every session of the account and their sockets", async () => {
    const admin = await nodeA.signIn('admin');
    const phone = await nodeA.signIn('teacher.li');
    const laptop = await nodeA.signIn('teacher.li');
    const [s1, s2] = await Promise.all([socketTo(nodeA.url, phone.cookie), socketTo(nodeB.url, laptop.cookie)]);
    const reset = await admin.call(api.updateAccount, { params: { id: phone.me.account.id }, body: { password: 'reset-by-admin-2026' } });
    expect(reset.ok).toBe(true);
    await serverClosed(s1);
    await serverClosed(s2);
    expect(await phone.call(api.me)).toMatchObject({ ok: false, status: 401 });
    expect(await laptop.call(api.me)).toMatchObject({ ok: false, status: 401 });
    const { db } = nodeA.database;
    const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(authSessions).where(eq(authSessions.accountId, phone.me.account.id));
    expect(row!.n).toBe(0);
    await nodeA.signIn('teacher.li', 'reset-by-admin-2026');
  });

  it("S-SESSION-END: setting one's own password keeps the session that did it and ends the others", async () => {
    const bystander = await nodeA.signIn('coord.xiangyang');
    const [bystanderOnA, bystanderOnB] = await Promise.all([socketTo(nodeA.url, bystander.cookie), socketTo(nodeB.url, bystander.cookie)]);
    const admin = await nodeA.signIn('admin');
    const adminElsewhere = await nodeA.signIn('admin');
    const [adminMine, adminTheirs] = await Promise.all([socketTo(nodeA.url, admin.cookie), socketTo(nodeB.url, adminElsewhere.cookie)]);
    expect((await admin.call(api.updateAccount, { params: { id: admin.me.account.id }, body: { password: 'admin-new-password-1' } })).ok).toBe(true);
    await serverClosed(adminTheirs);
    expect(await stillConnected(adminMine)).toBe(true);
    expect((await admin.call(api.me)).ok).toBe(true);
    expect(await adminElsewhere.call(api.me)).toMatchObject({ ok: false, status: 401 });
    // Someone else's sessions are untouched.
    expect(await stillConnected(bystanderOnA)).toBe(true);
    expect(await stillConnected(bystanderOnB)).toBe(true);
  });

  it('S-SESSION-END: a session that expires disconnects its sockets', async () => {
    const client: SignedInClient = await nodeA.signIn('coord.junior');
    const key = sessionKeyOf(decodeURIComponent(client.cookie.slice('tongbu_sid='.length)));
    const { db } = nodeA.database;
    // The session now ends 15 s from now (long enough to connect on a busy machine).
    const updated = await db.update(authSessions).set({ expiresAt: sql`now() + interval '15 seconds'` }).where(eq(authSessions.tokenHash, key)).returning({ key: authSessions.tokenHash });
    expect(updated).toHaveLength(1);
    const socket = await socketTo(nodeB.url, client.cookie);
    expect(socket.socket.connected).toBe(true);
    await serverClosed(socket);
    expect(await client.call(api.me)).toMatchObject({ ok: false, status: 401 });
    const [row] = await db.select({ disabled: accounts.disabled }).from(accounts).where(eq(accounts.username, 'coord.junior'));
    expect(row!.disabled).toBe(false);
  }, 90_000);
});
