import { randomBytes } from 'node:crypto';
import type { BenchContext } from './run.ts';
import { withAdmin, withDatabase } from '../test/support/pgAdmin.ts';
import { openDatabase, type Database } from '../server/db/client.ts';

export type Engine = 'postgres' | 'pglite';

/**
 * Runs `measure` on a freshly migrated database of each engine: PostgreSQL (TEST_DATABASE_URL
 * or the machine's; a database of its own named after the bench, dropped after) and PGlite
 * (in memory). An engine that fails gives `{ error }` and the other still runs.
 */
export async function onEngines(ctx: BenchContext, bench: string, measure: (database: Database, engine: Engine) => Promise<Record<string, unknown>>): Promise<Record<Engine, Record<string, unknown>>> {
  const out = {} as Record<Engine, Record<string, unknown>>;
  const adminUrl = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = (q: string) => withAdmin(adminUrl, async (c) => void (await c.query(q)));
  const name = `tongbu_bench_${bench}_${randomBytes(4).toString('hex')}`;
  try {
    await admin(`create database ${name}`);
    const database = await openDatabase({ kind: 'postgres', url: withDatabase(adminUrl, name), poolSize: 4 });
    try {
      await database.migrate();
      ctx.log('PostgreSQL');
      out.postgres = await measure(database, 'postgres');
    } finally {
      await database.close();
      await admin(`drop database if exists ${name} with (force)`);
    }
  } catch (err) {
    out.postgres = { error: `PostgreSQL at ${adminUrl.replace(/\/\/[^@]*@/, '//')}: ${(err as Error).message}` };
  }
  try {
    const database = await openDatabase({ kind: 'pglite' });
    try {
      await database.migrate();
      ctx.log('PGlite');
      out.pglite = await measure(database, 'pglite');
    } finally {
      await database.close();
    }
  } catch (err) {
    out.pglite = { error: (err as Error).message };
  }
  return out;
}
