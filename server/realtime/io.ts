import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { parse as parseCookie } from 'cookie';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import type { Actor } from '../accounts/actor.ts';
import { actorOfSession, SESSION_COOKIE } from '../accounts/sessions.ts';
import type { Db } from '../db/client.ts';

export interface SocketData {
  actor: Actor;
}

/** Rooms every socket joins, so services can reach people without knowing sockets. */
export const rooms = {
  account: (accountId: string) => `account:${accountId}`,
  community: (communityId: string) => `community:${communityId}`,
  county: (countyId: string) => `county:${countyId}`,
  admins: 'role:admin',
} as const;

export interface Realtime {
  readonly io: Server;
  close(): Promise<void>;
}

/**
 * Socket.IO on the same HTTP server, authenticated by the same session cookie
 * as the REST API (a socket without a valid session is refused at the handshake).
 * With Redis, several server processes share rooms (and connection-state
 * recovery), so a dashboard on one node hears what happened on another.
 */
export async function createRealtime(httpServer: HttpServer | HttpsServer, db: Db, redis: { url: string; streamName: string } | null): Promise<Realtime> {
  const redisClient = redis ? createClient({ url: redis.url }) : null;
  if (redisClient) {
    redisClient.on('error', () => {}); // reconnects by itself; a failed command surfaces where it was issued
    await redisClient.connect();
  }
  const io = new Server(httpServer, {
    ...(redisClient && redis ? { adapter: createAdapter(redisClient, { streamName: redis.streamName, sessionKeyPrefix: `${redis.streamName}:session:` }) } : {}),
    path: '/socket.io',
    serveClient: false,
    // Weak rural links drop for seconds at a time: let a socket resume its rooms.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    pingInterval: 10_000,
    pingTimeout: 8_000,
  });
  io.use(async (socket, next) => {
    try {
      const token = parseCookie(socket.handshake.headers.cookie ?? '')[SESSION_COOKIE];
      const actor = token ? await actorOfSession(db, token) : null;
      if (!actor) return next(new Error('unauthenticated'));
      (socket.data as SocketData).actor = actor;
      next();
    } catch (err) {
      next(err as Error);
    }
  });
  io.on('connection', (socket) => {
    const { actor } = socket.data as SocketData;
    void socket.join(rooms.account(actor.accountId));
    for (const id of actor.communityIds) void socket.join(rooms.community(id));
    if (actor.countyId) void socket.join(rooms.county(actor.countyId));
    if (actor.role === 'admin') void socket.join(rooms.admins);
  });
  return {
    io,
    close: async () => {
      await io.close();
      if (redisClient?.isOpen) await redisClient.quit().catch(() => undefined);
    },
  };
}
