import { randomBytes } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { rooms } from '../../server/realtime/io.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { drained } from '../support/sockets.ts';
import { waitFor } from '../support/waitFor.ts';

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

    const room = rooms.community(coord.me.account.communityIds[0]!);
    // Rooms are joined on connection, on the node the socket is connected to.
    await waitFor('node B to place the coordinator in the room', () => nodeB.io.in(room).local.fetchSockets(), (s) => s.some((x) => x.id === onB.id));
    nodeA.server.io.to(room).emit('test:progress', { changed: true });
    await expect(received).resolves.toEqual({ changed: true });
    // Node B has handed the event to its sockets (the coordinator heard it); the other one was sent nothing.
    await drained(nodeB.io, otherOnB);
    expect(heardByOther).toEqual([]);
  });
});
