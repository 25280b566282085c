import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Server as IoServer } from 'socket.io';
import { createApp, type AppDeps, type FeatureRoutes } from './app.ts';
import { RedisRateLimitStore } from './accounts/RedisRateLimitStore.ts';
import { createRealtime } from './realtime/io.ts';
import { metricsFor } from './system/metrics.ts';
import { loadTls, type TlsMaterial } from './system/tls.ts';
import { SessionSockets } from './realtime/SessionSockets.ts';

export interface RunningServer {
  readonly httpServer: HttpServer | HttpsServer;
  readonly io: IoServer;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A feature that also speaks over Socket.IO (signaling, reminders, live dashboards).
 * What it returns is awaited on shutdown, before the database closes (e.g. to close open evidence intervals).
 */
export type RealtimeFeature = (io: IoServer, deps: AppDeps) => (() => void | Promise<void>) | void;

/**
 * HTTP (or HTTPS with TLS_CERT_FILE/TLS_KEY_FILE) + Socket.IO on one port;
 * `close()` stops both and everything features started.
 */
export async function startServer(
  deps: AppDeps,
  options: { routes?: readonly FeatureRoutes[]; realtime?: readonly RealtimeFeature[]; port?: number; host?: string; tls?: TlsMaterial | null } = {},
): Promise<RunningServer> {
  // With Redis, every process counts sign-in attempts in one place.
  const signInLimitStore = deps.config.redis ? new RedisRateLimitStore(deps.config.redis.url, `${deps.config.redis.streamName}:sign-in:`) : undefined;
  const sessionSockets = new SessionSockets();
  const tls = options.tls === undefined ? loadTls(deps.config.tls) : options.tls;
  const app = createApp(deps, options.routes, { signInLimitStore, sessionSockets });
  // HTTP/1.1 only: Socket.IO's WebSocket upgrade and long polling need it, and so do older classroom browsers.
  const httpServer = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, app) : createServer(app);
  const realtime = await createRealtime(httpServer, deps.database.db, deps.config.redis);
  const io = realtime.io;
  sessionSockets.attach(io);
  metricsFor(deps)?.attach(io);
  const stops = (options.realtime ?? []).map((f) => f(io, deps)).filter((s): s is () => void | Promise<void> => typeof s === 'function');
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? deps.config.port, options.host ?? deps.config.host, () => resolve());
  });
  const { address, port } = httpServer.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    httpServer,
    io,
    url: `${tls ? 'https' : 'http'}://${host}:${port}`,
    close: async () => {
      // Features stop in reverse order of starting, each finishing before the next.
      for (const stop of [...stops].reverse()) await stop();
      await realtime.close();
      await signInLimitStore?.shutdown();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
