import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../server/db/client.ts';
import { withAdmin, withDatabase } from './pgAdmin.ts';
import { buildPgliteDumps, type PgliteDumps } from './pgliteDumps.ts';

/**
 * A fresh, migrated database for one test file, on the engine the test project
 * names (TEST_DB=pglite | postgres). PGlite copies are loaded from the run's
 * migrated dump (see pgliteTemplate.ts), skipping initdb and the migrations;
 * PostgreSQL ones are created from a migrated template database (see
 * globalSetup.ts) and dropped afterwards. Each engine also has a template that
 * already holds the demo county, which most test files start from.
 */
export type TestDbKind = 'pglite' | 'postgres';

export const testDbKind = (): TestDbKind => (process.env['TEST_DB'] === 'postgres' ? 'postgres' : 'pglite');

const pgliteDumps = new Map<boolean, Promise<Blob>>();
let standaloneDumps: Promise<PgliteDumps> | undefined;

/** What a vitest globalSetup provided; null outside a vitest run (the benchmarks use this harness too). */
function provided<K extends 'pgliteTemplate' | 'pgliteSeededTemplate'>(key: K): string | null {
  try {
    return inject(key) ?? null;
  } catch {
    return null;
  }
}

async function pgliteDump(seeded: boolean): Promise<Blob> {
  const file = provided(seeded ? 'pgliteSeededTemplate' : 'pgliteTemplate');
  if (file) return new Blob([await readFile(file)]);
  // Outside vitest: the same templates, built once per process.
  const dumps = await (standaloneDumps ??= buildPgliteDumps());
  return seeded ? dumps.seeded : dumps.migrated;
}

export interface TestDatabaseOptions {
  /** Start from the run's template that already holds the demo county (seeded with DEMO_PASSWORD). */
  readonly seeded?: boolean;
}

export interface TestDatabase extends Database {
  /** The connection URL (PostgreSQL only), for a second process or a pool of its own. */
  readonly url?: string;
}

export async function createTestDatabase(kind: TestDbKind = testDbKind(), options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const seeded = options.seeded ?? false;
  if (kind === 'pglite') {
    let dump = pgliteDumps.get(seeded);
    if (!dump) pgliteDumps.set(seeded, (dump = pgliteDump(seeded)));
    return openDatabase({ kind: 'pglite', loadDataDir: await dump });
  }
  const adminUrl = inject('pgAdminUrl');
  const template = inject(seeded ? 'pgSeededTemplate' : 'pgTemplate');
  if (!adminUrl || !template) throw new Error('PostgreSQL tests need the globalSetup (TEST_DATABASE_URL)');
  const name = `tongbu_test_${inject('pgRun') ?? 'norun'}_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = withDatabase(adminUrl, name);
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 5 });
  return {
    ...database,
    db: database.db,
    kind: database.kind,
    url,
    close: async () => {
      await database.close();
      await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
