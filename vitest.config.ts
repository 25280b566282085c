import { defineConfig } from 'vitest/config';

// Four kinds of tests (see ARCHITECTURE.md, "Tests"). Integration tests run twice: once on
// embedded PGlite and once on a real PostgreSQL server (TEST_DATABASE_URL).
// Timeouts are generous: CI runs on a developer's machine that may be busy, where
// everything is slower, not wrong. Tests wait for events (test/support/waitFor.ts),
// never assert on durations; a timeout only bounds how long a broken test hangs.
const integration = (db: 'pglite' | 'postgres') => ({
  extends: true as const,
  test: {
    name: `integration:${db}`,
    include: ['test/integration/**/*.test.ts'],
    env: { TEST_DB: db },
    globalSetup: [db === 'postgres' ? './test/support/globalSetup.ts' : './test/support/pgliteTemplate.ts'],
    // Files share a worker's modules (the server, drizzle, PGlite's WASM) instead of loading them
    // once per file: each file makes its own database and platform, and test support keeps any
    // per-database state keyed by the database (test/support/quotas.ts, live.ts).
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summaryReporter.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'shared/**/*.test.ts', 'server/**/*.test.ts', 'media/**/*.test.ts'], exclude: ['**/node_modules/**'], isolate: false } },
      integration('pglite'),
      integration('postgres'),
      // Media and end-to-end files share a worker's modules too (the server, mediasoup's Node side, playwright):
      // loading them afresh for each file cost seconds of CPU per file on a busy machine.
      { extends: true, test: { name: 'media', include: ['test/media/**/*.test.ts'], isolate: false, testTimeout: 120_000, hookTimeout: 120_000 } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], exclude: ['test/e2e/cluster-*.test.ts', '**/node_modules/**'], globalSetup: ['./test/support/pgliteTemplate.ts'], isolate: false, testTimeout: 240_000, hookTimeout: 240_000 } },
      // Three app nodes behind nginx and three Chromium pages per file, timing a failover: they get the
      // machine to themselves (a project without file parallelism runs after all the others, one file at a time).
      // Their nodes share one PostgreSQL database cloned from the run's seeded template (no node migrates or seeds).
      { extends: true, test: { name: 'e2e-cluster', include: ['test/e2e/cluster-*.test.ts'], fileParallelism: false, globalSetup: ['./test/support/globalSetup.ts'], testTimeout: 600_000, hookTimeout: 600_000 } },
    ],
  },
});
