import type { Server as HttpServer } from 'node:http';
import { parse as parseCookie } from 'cookie';
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

/**
 * Socket.IO on the same HTTP server, authenticated by the same session cookie
 * as the REST API (a socket without a valid session is refused at the handshake).
 */
export function createRealtime(httpServer: HttpServer, db: Db): Server {
  const io = new Server(httpServer, {
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
  return io;
}
