import { api } from '../../shared/api/index.ts';
import { createCaller, type Call } from '../../shared/http/caller.ts';
import type { Me } from '../../shared/schemas/accounts.ts';
import type { WorkerPool } from '../../media/WorkerPool.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { features } from '../../server/features.ts';
import { createLogger, type Logger } from '../../server/log.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

import { DEMO_PASSWORD } from './demoPassword.ts';

export { DEMO_PASSWORD };

export interface TestPlatform {
  readonly url: string;
  readonly database: TestDatabase;
  readonly server: RunningServer;
  readonly config: Config;
  /** A signed-in API client (cookie jar + CSRF token) for a demo or created account. */
  signIn(username: string, password?: string): Promise<SignedInClient>;
  /** An API client with no session. */
  anonymous(): Call;
  close(): Promise<void>;
}

export interface SignedInClient {
  readonly call: Call;
  readonly me: Me;
  /** The raw cookie header, for Socket.IO clients and browser contexts. */
  readonly cookie: string;
}

/**
 * The whole platform as `npm start` builds it, on a fresh test database and a
 * free loopback port. `seed` loads the Haiyan demo county (password DEMO_PASSWORD).
 */
export async function startTestPlatform(
  options: { seed?: boolean; media?: WorkerPool | null; env?: Record<string, string>; beforeStart?: (db: TestDatabase['db']) => Promise<void>; log?: Logger } = {},
): Promise<TestPlatform> {
  const database = await createTestDatabase(undefined, { seeded: options.seed ?? true });
  // Data written before the server starts, as main.ts seeds (no live recompute per row).
  await options.beforeStart?.(database.db);
  // No auto-close clock by default: tests plan sessions on fixed dates (some already past) and
  // drive the sweep themselves (liveService(platform).sweep(at)).
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SIGNIN_RATE_LIMIT: '1000', SERVE_CLIENT: 'true', MEDIA_WORKERS: '1', LIVE_SWEEP_SECONDS: '0', ...options.env });
  const log = options.log ?? createLogger(config);
  const server = await startServer({ config, database, media: options.media ?? null, log }, { ...features, port: 0, host: '127.0.0.1' });
  // Server and test share one event loop: on a busy machine the client's fetch may reuse an
  // idle connection just as the server's 5 s keep-alive closes it (ECONNRESET). Idle
  // connections stay open for the test's lifetime instead; close() ends them all.
  server.httpServer.keepAliveTimeout = 10 * 60_000;

  const anonymous = () => createCaller({ baseUrl: server.url });

  return {
    url: server.url,
    database,
    server,
    config,
    signIn: (username, password) => signInAt(server.url, username, password),
    anonymous,
    close: async () => {
      await server.close();
      await database.close();
    },
  };
}

/** Signs in at a running platform's API (`baseUrl`) and keeps its session cookie. */
export async function signInAt(baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<SignedInClient> {
  let cookie = '';
  const keepCookie = (res: Response) => {
    const set = res.headers.getSetCookie().find((c) => c.startsWith('tongbu_sid='));
    if (set) cookie = set.split(';')[0]!;
  };
  const signInCall = createCaller({ baseUrl, onResponse: keepCookie });
  const result = await signInCall(api.signIn, { body: { username, password } });
  if (!result.ok) throw new Error(`sign-in of ${username} failed: ${result.status} ${result.error.message}`);
  const me = result.data;
  const call = createCaller({ baseUrl, headers: () => ({ cookie, 'x-csrf-token': me.csrfToken }), onResponse: keepCookie });
  return { call, me, get cookie() { return cookie; } };
}
