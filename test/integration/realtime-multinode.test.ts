import { randomBytes } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { rooms } from '../../server/realtime/io.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * Two server processes' worth of Socket.IO on one database and one Redis (the
 * streams adapter): a dashboard connected to node B hears what node A emits.
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

function socketTo(url: string, cookie: string): Promise<Socket> {
  const socket = connect(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

describe('realtime across server nodes (Redis streams adapter)', () => {
  it('refuses a socket without a valid session', async () => {
    await expect(socketTo(nodeB.url, 'tongbu_sid=forged')).rejects.toThrow(/unauthenticated/);
  });

  it('an event for a community, emitted on node A, reaches its coordinator connected to node B and nobody else', async () => {
    const coord = await nodeA.signIn('coord.shiyan');
    const other = await nodeA.signIn('coord.xiangyang');
    const onB = await socketTo(nodeB.url, coord.cookie);
    const otherOnB = await socketTo(nodeB.url, other.cookie);
    const heardByOther: unknown[] = [];
    otherOnB.on('test:progress', (m: unknown) => heardByOther.push(m));
    const received = new Promise<unknown>((resolve) => onB.once('test:progress', resolve));

    // Joining rooms happens on connection; give the adapter a moment to learn B's rooms.
    await new Promise((r) => setTimeout(r, 200));
    nodeA.server.io.to(rooms.community(coord.me.account.communityIds[0]!)).emit('test:progress', { changed: true });
    await expect(received).resolves.toEqual({ changed: true });
    await new Promise((r) => setTimeout(r, 200));
    expect(heardByOther).toEqual([]);
  });
});
