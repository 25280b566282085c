import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { parse as parseCookie } from 'cookie';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import { closeRedisClient } from './closeRedisClient.ts';
import { Server, type Socket } from 'socket.io';
import type { Actor } from '../accounts/actor.ts';
import { auditedCountyIds } from '../accounts/auditRegion.ts';
import { actorOfSession, SESSION_COOKIE, sessionKeyOf } from '../accounts/sessions.ts';
import { sessionRoom } from './SessionSockets.ts';
import type { Db } from '../db/client.ts';

export interface SocketData {
  actor: Actor;
  /** The sign-in session's key: its sockets close when it ends (S-SESSION-END). */
  sessionKey: string;
}

/** Rooms every socket joins, so services can reach people without knowing sockets. */
export const rooms = {
  account: (accountId: string) => `account:${accountId}`,
  community: (communityId: string) => `community:${communityId}`,
  county: (countyId: string) => `county:${countyId}`,
  /** Sockets allowed to see a community's quotas (joined by the quota feature; not classroom terminals). */
  communityQuotas: (communityId: string) => `community-quotas:${communityId}`,
  admins: 'role:admin',
} as const;

export interface Realtime {
  readonly io: Server;
  close(): Promise<void>;
}

/** A session that expires takes its sockets with it (S-SESSION-END). Timers cap at ~24.8 days: re-armed until then. */
function disconnectAtExpiry(socket: Socket, expiresAt: Date): { timer: NodeJS.Timeout } {
  const handle = { timer: undefined as unknown as NodeJS.Timeout };
  const arm = () => {
    const left = expiresAt.getTime() - Date.now();
    handle.timer = left <= 0 ? setTimeout(() => socket.disconnect(true), 0) : setTimeout(arm, Math.min(left, 2 ** 31 - 1));
  };
  arm();
  return handle;
}

type AdapterFactory = ReturnType<typeof createAdapter>;

/**
 * The streams adapter keeps a disconnected socket's session for its recovery with a SET it never
 * awaits. Refused — Redis gone, or its queued command dropped when the node stops during an
 * outage — it would be an unhandled rejection (a crash): the adapter's client answers it quietly
 * (that socket then joins afresh instead of resuming).
 */
function settingQuietly<C extends object>(client: C): C {
  return new Proxy(client, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (key === 'set') return (...args: unknown[]) => (value.apply(target, args) as Promise<unknown>).catch(() => null);
      return value.bind(target);
    },
  });
}

/**
 * While Redis is unreachable the streams adapter would hold every emit in the Redis
 * client's offline queue until Redis is back — a socket's own notifications too, since
 * connection-state recovery sends them through the adapter — and a lesson this node
 * hosts would go silent (N-REDIS-OUTAGE). Meanwhile they reach this node's sockets at
 * once (without a recovery offset; other nodes' sockets miss them).
 */
function deliveredHereWhileRedisIsDown(factory: AdapterFactory, client: { readonly isReady: boolean }): AdapterFactory {
  // A plain function: Socket.IO calls the factory with `new`.
  return function (nsp) {
    const adapter = factory(nsp);
    const broadcast = adapter.broadcast.bind(adapter);
    adapter.broadcast = (packet, opts) => broadcast(packet, client.isReady ? opts : { ...opts, flags: { ...opts.flags, local: true } });
    return adapter;
  };
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
    ...(redisClient && redis
      ? { adapter: deliveredHereWhileRedisIsDown(createAdapter(settingQuietly(redisClient), { streamName: redis.streamName, sessionKeyPrefix: `${redis.streamName}:session:` }), redisClient) }
      : {}),
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
      if (!token || !actor) return next(new Error('unauthenticated'));
      (socket.data as SocketData).actor = actor;
      (socket.data as SocketData).sessionKey = sessionKeyOf(token);
      next();
    } catch (err) {
      next(err as Error);
    }
  });
  io.on('connection', (socket) => {
    const { actor, sessionKey } = socket.data as SocketData;
    void socket.join(sessionRoom(sessionKey));
    const expiry = disconnectAtExpiry(socket, actor.sessionExpiresAt);
    socket.once('disconnect', () => clearTimeout(expiry.timer));
    void socket.join(rooms.account(actor.accountId));
    for (const id of actor.communityIds) void socket.join(rooms.community(id));
    for (const id of auditedCountyIds(actor)) void socket.join(rooms.county(id));
    if (actor.role === 'admin') void socket.join(rooms.admins);
  });
  return {
    io,
    close: async () => {
      await io.close();
      if (redisClient) await closeRedisClient(redisClient);
    },
  };
}
