import type { WorkerPool } from '../media/WorkerPool.ts';
import { loadConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/client.ts';
import { features } from '../server/features.ts';
import { createLogger } from '../server/log.ts';
import { seedDemo } from '../server/seed/demo.ts';
import { startServer } from '../server/server.ts';
import { DEMO_PASSWORD, signInAt, type TestPlatform } from '../test/support/platform.ts';

/**
 * The platform as `npm start` runs it, on a fresh migrated in-memory PGlite with the demo
 * county (the test harness needs vitest), for the live benchmarks (courseware, weaklink).
 */
export async function platformFor(pool: WorkerPool, dataDir: string): Promise<TestPlatform> {
  const database = await openDatabase({ kind: 'pglite' });
  await database.migrate();
  await seedDemo(database.db, { password: DEMO_PASSWORD });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SIGNIN_RATE_LIMIT: '1000', SERVE_CLIENT: 'false', LIVE_SWEEP_SECONDS: '0', DATA_DIR: dataDir });
  const server = await startServer({ config, database, media: pool, log: createLogger(config) }, { ...features, port: 0, host: '127.0.0.1' });
  return {
    url: server.url,
    database: database as TestPlatform['database'],
    server,
    config,
    signIn: (username, password) => signInAt(server.url, username, password),
    anonymous: () => {
      throw new Error('not used');
    },
    close: async () => {
      await server.close();
      await database.close();
    },
  };
}
