/**
 * The signaling client against a real Socket.IO server that answers as the live plane does
 * when a session ends: `sessionEnded` to everyone in the room first, then the acknowledgement
 * of `endSession`. A client that closes itself on `sessionEnded` (the browser's LiveClient)
 * must still get the verdict instead of "no answer within … ms".
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalingClient } from '../../client/src/media/signaling.ts';
import { notificationEvent, requestEvent } from '../../shared/signaling/protocol.ts';

let http: HttpServer;
let server: Server;
let url: string;
const verdict = { status: 'missed' as const, reason: 'E-TEACHER-PUBLISHED: …', failed: [] };

beforeAll(async () => {
  http = createServer();
  server = new Server(http, { path: '/socket.io' });
  server.on('connection', (socket) => {
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

async function connected(): Promise<SignalingClient> {
  const socket = io(url, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return new SignalingClient({ socket });
}

describe('closing the signaling client while a request waits', () => {
  it('sessionEnded closes the client, and endSession still resolves with the verdict; the socket closes after it', async () => {
    const client = await connected();
    client.on('sessionEnded', () => client.close());
    await expect(client.request('endSession', {}, 10_000)).resolves.toEqual(verdict);
    await expect.poll(() => client.socket.connected, { timeout: 10_000 }).toBe(false);
  });

  it('a request after close is refused at once', async () => {
    const client = await connected();
    client.close();
    await expect(client.request('leave', {})).rejects.toMatchObject({ code: 'internal', message: 'leave: not connected' });
  });
});
