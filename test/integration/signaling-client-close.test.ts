/**
 * The signaling client against a real Socket.IO server that answers as the live plane does
 * when a session ends: `sessionEnded` to everyone in the room first, then the acknowledgement
 * of `endSession`. A client that closes itself on `sessionEnded` (the browser's LiveClient)
 * must still get the verdict instead of "no answer within … ms".
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalingClient } from '../../client/src/media/signaling.ts';
import { notificationEvent, requestEvent, SignalingError } from '../../shared/signaling/protocol.ts';

let http: HttpServer;
let server: Server;
let url: string;
const verdict = { status: 'missed' as const, reason: 'E-TEACHER-PUBLISHED: …', failed: [] };

beforeAll(async () => {
  http = createServer();
  server = new Server(http, { path: '/socket.io' });
  server.on('connection', (socket) => {
    // A host that goes away before it answers (a node drained or killed mid-request).
    socket.on(requestEvent('join'), () => socket.disconnect(true));
    socket.on(requestEvent('endSession'), (_req: unknown, ack: (a: unknown) => void) => {
      socket.emit(notificationEvent('sessionEnded'), verdict);
      // The verdict follows once the room is torn down.
      setTimeout(() => ack(verdict), 50);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function connectedSocket(): Promise<Socket> {
  const socket = io(url, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

async function connected(): Promise<SignalingClient> {
  return new SignalingClient({ socket: await connectedSocket() });
}

describe('closing the signaling client while a request waits', () => {
  it('sessionEnded closes the client, and endSession still resolves with the verdict; the socket closes after it', async () => {
    const client = await connected();
    client.on('sessionEnded', () => client.close());
    await expect(client.request('endSession', {}, 10_000)).resolves.toEqual(verdict);
    await expect.poll(() => client.socket.connected, { timeout: 10_000 }).toBe(false);
  });

  it('over a shared connection (the page\'s one socket), closing a client leaves the connection open for the next one', async () => {
    const socket = await connectedSocket();
    const shared = new SignalingClient({ socket, shared: true });
    const heard: string[] = [];
    shared.on('sessionEnded', (e) => heard.push(`first:${e.status}`));
    shared.on('sessionEnded', () => shared.close());
    await expect(shared.request('endSession', {}, 10_000)).resolves.toEqual(verdict);
    expect(heard).toEqual(['first:missed']);
    expect(socket.connected).toBe(true);
    // The next client on the same connection: the closed one hears nothing more, the new one hears its own.
    const next = new SignalingClient({ socket, shared: true });
    const nextHeard: string[] = [];
    next.on('sessionEnded', (e) => nextHeard.push(e.status));
    await expect(next.request('endSession', {}, 10_000)).resolves.toEqual(verdict);
    await expect.poll(() => nextHeard).toEqual(['missed']);
    expect(heard).toEqual(['first:missed']);
    expect(socket.listeners('live:sessionEnded')).toHaveLength(1);
    next.close();
    expect(socket.listeners('live:sessionEnded')).toHaveLength(0);
    socket.close();
  });

  it('a request after close is refused at once', async () => {
    const client = await connected();
    client.close();
    await expect(client.request('leave', {})).rejects.toMatchObject({ code: 'internal', message: 'leave: not connected' });
  });

  it('a request whose connection drops before the answer fails at once, and says so (not "no answer")', async () => {
    const client = await connected();
    // A timeout far beyond the test's: only the drop can end the request in time.
    const refused = await client.request('join', { sessionId: '00000000-0000-4000-8000-000000000000' }, 10 * 60_000).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(SignalingError);
    expect((refused as SignalingError).message).toBe('join: the connection dropped before the answer');
    client.close();
  });
});
