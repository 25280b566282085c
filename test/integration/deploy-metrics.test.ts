import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { loadConfig } from '../../server/config.ts';
import { ConfigError } from '../../server/system/ConfigError.ts';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { FIRST_FRAME_LIMITS } from '../../server/live/firstFrame.ts';
import { createLiveSession, fakeDtls, fakeRtpParameters, liveSocket, tempDataDir, type LiveSocket, signalingRefusal } from '../support/live.ts';
import { sample, scrapeMetrics } from '../support/metrics.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { waitFor } from '../support/waitFor.ts';

const TOKEN = 'metrics-token-for-this-test-run';
const UNKNOWN_FEED_TOKEN = 'feedsecret0123456789abcdef';

/** `promtool check metrics` on the scraped text: its exit code and what it said. */
function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

const refusal = signalingRefusal;

const scrape = (platform: TestPlatform, token?: string) => scrapeMetrics(platform.url, token);

describe('GET /metrics with METRICS_TOKEN', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(() => platform?.close());

  it('counts requests by route pattern and status, and promtool accepts the text', async () => {
    const before = await (await scrape(platform, TOKEN)).text();
    const health = { method: 'GET', route: '/api/health', status_code: '200' };
    const countBefore = sample(before, 'tongbu_http_requests_total', health) ?? 0;
    for (let i = 0; i < 3; i++) expect((await fetch(`${platform.url}/api/health`)).status).toBe(200);
    // The feed's token is a credential: its label is the pattern, never the token itself.
    expect((await fetch(`${platform.url}/api/calendar-feeds/${UNKNOWN_FEED_TOKEN}`)).status).toBe(404);

    const res = await scrape(platform, TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(sample(text, 'tongbu_http_requests_total', health)).toBe(countBefore + 3);
    expect(sample(text, 'tongbu_http_request_duration_seconds_count', health)).toBe(countBefore + 3);
    expect(sample(text, 'tongbu_http_requests_total', { route: '/api/calendar-feeds/:token', status_code: '404' })).toBe(1);
    expect(text).not.toContain(UNKNOWN_FEED_TOKEN);
    expect(sample(text, 'tongbu_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'tongbu_live_rooms')).toBe(0);

    const check = await promtoolCheck(text);
    expect(check.output).toBe('');
    expect(check.code).toBe(0);
  });

  it('counts open Socket.IO connections', async () => {
    const admin = await platform.signIn('admin');
    const connections = async () => sample(await (await scrape(platform, TOKEN)).text(), 'tongbu_socketio_connections');
    expect(await connections()).toBe(0);
    const socket = io(platform.url, { transports: ['websocket'], extraHeaders: { cookie: admin.cookie }, reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      expect(await connections()).toBe(1);
    } finally {
      socket.close();
    }
    await waitFor('the closed socket to be gone from the gauge', connections, (n) => n === 0);
  });

  it('shows the PostgreSQL pool in use, and no pool on PGlite', async () => {
    if (platform.database.kind === 'postgres') {
      // A client the test holds is busy until released: the scrape must see it.
      const pool = (platform.database.db as unknown as { $client: { connect(): Promise<{ release(): void }> } }).$client;
      const held = await pool.connect();
      try {
        const text = await (await scrape(platform, TOKEN)).text();
        expect(sample(text, 'tongbu_db_pool_clients', { state: 'busy' })).toBeGreaterThanOrEqual(1);
        expect(sample(text, 'tongbu_db_pool_waiting')).toBe(0);
      } finally {
        held.release();
      }
    } else {
      expect(await (await scrape(platform, TOKEN)).text()).not.toContain('tongbu_db_pool_');
    }
  });

  it('times quota recomputes (the one at start at least)', async () => {
    await waitFor('a quota recompute in the metrics', async () => sample(await (await scrape(platform, TOKEN)).text(), 'tongbu_quota_recompute_duration_seconds_count') ?? 0, (n) => n >= 1);
  });

  it('answers 401 without the token or with a wrong one', async () => {
    expect((await scrape(platform)).status).toBe(401);
    expect((await scrape(platform, `${TOKEN}x`)).status).toBe(401);
    const basic = await fetch(`${platform.url}/metrics`, { headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } });
    expect(basic.status).toBe(401);
    expect(basic.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });
});

describe('GET /metrics with live rooms on a real mediasoup worker', () => {
  let platform: TestPlatform;
  let pool: WorkerPool;
  const data = tempDataDir();
  const sockets: LiveSocket[] = [];
  beforeAll(async () => {
    pool = await WorkerPool.create({ size: 1 });
    platform = await startTestPlatform({ media: pool, env: { METRICS_TOKEN: TOKEN, ...data.env } });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await platform?.close();
    pool?.close();
    data.cleanup();
  });

  it('reports the open room, its peers and producers, the worker and signaling latency by request', async () => {
    const sessionId = await createLiveSession(platform, { startsInMs: -1_000 });
    const teacher = await liveSocket(platform, 'teacher.wang');
    sockets.push(teacher);
    await teacher.signaling.request('join', { sessionId });
    const send = await teacher.signaling.request('createTransport', { direction: 'send' });
    await teacher.signaling.request('connectTransport', { transportId: send.id, dtlsParameters: fakeDtls });
    await teacher.signaling.request('produce', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: fakeRtpParameters('video', 4242) });
    await expect(teacher.signaling.request('connectTransport', { transportId: 'no-such-transport', dtlsParameters: fakeDtls })).rejects.toThrow();

    // A classroom's raised hand is written as evidence (an activity interval).
    const classroom = await liveSocket(platform, 'class.ganpu');
    sockets.push(classroom);
    await classroom.signaling.request('join', { sessionId });
    await classroom.signaling.request('raiseHand', { raised: true });
    await waitFor('the raised hand written as evidence', async () => sample(await (await scrape(platform, TOKEN)).text(), 'tongbu_evidence_write_duration_seconds_count') ?? 0, (n) => n >= 1);

    const text = await (await scrape(platform, TOKEN)).text();
    expect(sample(text, 'tongbu_live_rooms')).toBe(1);
    expect(sample(text, 'tongbu_live_peers')).toBe(2);
    expect(sample(text, 'tongbu_live_producers')).toBe(1);
    expect(sample(text, 'tongbu_live_consumers')).toBe(0);
    expect(sample(text, 'tongbu_media_workers', { alive: 'true' })).toBe(1);
    expect(sample(text, 'tongbu_media_worker_routers', { worker: '0' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tongbu_media_worker_restarts_total')).toBe(0);
    expect(sample(text, 'tongbu_signaling_request_duration_seconds_count', { request: 'join', outcome: 'ok' })).toBe(2);
    expect(sample(text, 'tongbu_signaling_request_duration_seconds_count', { request: 'connectTransport', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'tongbu_signaling_request_duration_seconds_count', { request: 'connectTransport', outcome: 'error' })).toBe(1);

    const check = await promtoolCheck(text);
    expect(check.output).toBe('');
    expect(check.code).toBe(0);
  });

  it('D-METRIC-FIRST-FRAME: records a join-to-first-frame report once per join, labelled by live role only; refuses bad, repeated and too many reports', async () => {
    const sessionId = await createLiveSession(platform, { startsInMs: -1_000 });
    const teacher = await liveSocket(platform, 'teacher.wang');
    const classroom = await liveSocket(platform, 'class.liuli');
    sockets.push(teacher, classroom);
    await teacher.signaling.request('join', { sessionId });
    const joined = await classroom.signaling.request('join', { sessionId });
    const metric = 'tongbu_live_join_to_first_frame_seconds';
    const count = (text: string, role: string) => sample(text, `${metric}_count`, { role }) ?? 0;
    const before = await (await scrape(platform, TOKEN)).text();

    // Out of the table's bounds (0 < ms < 10 min), or not a number, sent raw (the client library would not send it):
    // the server refuses it before anything is recorded.
    for (const ms of [0, -250, 600_000, 86_400_000, null, '1200', undefined]) {
      const answer: unknown = await classroom.socket.timeout(10_000).emitWithAck('live:reportFirstFrame', { ms });
      expect(answer).toEqual({ error: { code: 'validation', message: expect.stringMatching(/^reportFirstFrame: ms: /) } });
    }
    await classroom.signaling.request('reportFirstFrame', { ms: 1234 });
    await teacher.signaling.request('reportFirstFrame', { ms: 800 });
    // Once per join: the second report of the same join is refused.
    const twice = await refusal(classroom.signaling.request('reportFirstFrame', { ms: 10 }));
    expect(twice.code).toBe('conflict');

    let text = await (await scrape(platform, TOKEN)).text();
    expect(count(text, 'classroom')).toBe(count(before, 'classroom') + 1);
    expect(sample(text, `${metric}_sum`, { role: 'classroom' })).toBeCloseTo((sample(before, `${metric}_sum`, { role: 'classroom' }) ?? 0) + 1.234, 6);
    expect(count(text, 'host')).toBe(count(before, 'host') + 1);
    expect(sample(text, `${metric}_bucket`, { role: 'classroom', le: '1.5' })).toBe((sample(before, `${metric}_bucket`, { role: 'classroom', le: '1.5' }) ?? 0) + 1);
    // No per-user label: role (and le) only, and nothing of the peer or the account in the text.
    for (const line of text.split('\n').filter((l) => l.startsWith(metric))) {
      expect(line).toMatch(/^tongbu_live_join_to_first_frame_seconds_(bucket\{le="[^"]+",role="\w+"\}|sum\{role="\w+"\}|count\{role="\w+"\}) /);
    }
    expect(text).not.toContain(joined.peerId);
    expect(text).not.toContain('class.liuli');

    // A fresh join may report again, up to the account's limit in the window; then refused.
    for (let i = 1; i < FIRST_FRAME_LIMITS.perAccount; i++) {
      await classroom.signaling.request('join', { sessionId });
      await classroom.signaling.request('reportFirstFrame', { ms: 2000 + i });
    }
    await classroom.signaling.request('join', { sessionId });
    const tooMany = await refusal(classroom.signaling.request('reportFirstFrame', { ms: 900 }));
    expect(tooMany.code).toBe('conflict');
    expect(tooMany.message).toMatch(/at most 10 reports per account/);
    text = await (await scrape(platform, TOKEN)).text();
    expect(count(text, 'classroom')).toBe(count(before, 'classroom') + FIRST_FRAME_LIMITS.perAccount);

    // Not joined: nothing to report on.
    const outsider = await liveSocket(platform, 'class.ganpu');
    sockets.push(outsider);
    expect((await refusal(outsider.signaling.request('reportFirstFrame', { ms: 1000 }))).code).toBe('not_joined');
  });

  it('D-METRIC-WORKER-RESTART: counts a mediasoup worker that died (SIGKILL) and was replaced, and shows each worker\'s CPU time', async () => {
    const scrapeText = async () => (await scrape(platform, TOKEN)).text();
    const before = await scrapeText();
    expect(sample(before, 'tongbu_media_worker_restarts_total')).toBe(0);
    expect(sample(before, 'tongbu_media_worker_cpu_seconds', { worker: '0' })).toBeGreaterThan(0);
    const [dead] = await pool.info();
    process.kill(dead!.pid, 'SIGKILL');
    await waitFor('the restart on /metrics', async () => sample(await scrapeText(), 'tongbu_media_worker_restarts_total'), (n) => n === 1);
    const [replacement] = await pool.info();
    expect(replacement!.pid).not.toBe(dead!.pid);
    const after = await scrapeText();
    expect(sample(after, 'tongbu_media_workers', { alive: 'true' })).toBe(1);
    expect(sample(after, 'tongbu_media_worker_cpu_seconds', { worker: '0' })).toBeGreaterThanOrEqual(0);
    const check = await promtoolCheck(after);
    expect(check.output).toBe('');
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ seed: false });
  });
  afterAll(() => platform?.close());

  it('does not exist (404), token or not', async () => {
    expect((await scrape(platform)).status).toBe(404);
    expect((await scrape(platform, TOKEN)).status).toBe(404);
  });

  it('refuses a guessable token at start, naming METRICS_TOKEN', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});
