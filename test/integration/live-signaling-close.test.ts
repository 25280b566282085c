/**
 * Ending a session from a client that shuts itself down on `sessionEnded` (as the browser's
 * LiveClient does): the server tells the room before it acknowledges the request, so the
 * signaling client must keep its socket until the verdict arrives instead of reporting
 * "no answer".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { createLiveSession, liveSocket, nextNotification, tempDataDir, type LiveSocket } from '../support/live.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let platform: TestPlatform;
const data = tempDataDir();
let pool: WorkerPool;
const sockets: LiveSocket[] = [];

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1 });
  platform = await startTestPlatform({ media: pool, env: { LIVE_SWEEP_SECONDS: '0', ...data.env } });
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await platform?.close();
  data.cleanup();
  pool?.close();
});

describe('closing the signaling client', () => {
  it('the host who closes its client on sessionEnded still gets the endSession verdict', async () => {
    const sessionId = await createLiveSession(platform, { kind: 'online_research' });
    const host = await liveSocket(platform, 'teacher.wang');
    sockets.push(host);
    await host.signaling.request('join', { sessionId });
    const told = nextNotification(host.signaling, 'sessionEnded');
    host.signaling.on('sessionEnded', () => host.signaling.close());
    const verdict = await host.signaling.request('endSession', {}, 20_000);
    expect(verdict.status).toBe('missed');
    expect(await told).toEqual(verdict);
    // …and the socket closes once that answer is in.
    await expect.poll(() => host.signaling.socket.connected, { timeout: 10_000 }).toBe(false);
  });

  it('a request made after close is refused at once', async () => {
    const s = await liveSocket(platform, 'teacher.li');
    sockets.push(s);
    s.signaling.close();
    await expect(s.signaling.request('leave', {})).rejects.toMatchObject({ code: 'internal', message: 'leave: not connected' });
  });
});
