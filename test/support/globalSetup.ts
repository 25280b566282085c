import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../server/db/client.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { DEMO_PASSWORD } from './demoPassword.ts';
import { withAdmin, withDatabase } from './pgAdmin.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string | null;
    pgTemplate: string | null;
    /** The migrated template with the demo county seeded (DEMO_PASSWORD). */
    pgSeededTemplate: string | null;
    pgRun: string | null;
  }
}

/**
 * For the PostgreSQL project: one migrated template database per run and one
 * with the demo county seeded (test files clone them), dropped with every test database of this run (named
 * `tongbu_test_<run>_*`) at the end.
 */
export default async function setup(project: TestProject) {
  const adminUrl = process.env['TEST_DATABASE_URL'];
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set: run the tests with `npm test`, which provides a PostgreSQL server');
  // TEST_RUN_TAG (letters, digits, _) names the run's databases too, so a shared server shows whose they are.
  const tag = (process.env['TEST_RUN_TAG'] ?? '').toLowerCase().replace(/[^a-z0-9_]/g, '').slice(0, 20);
  const run = `${tag ? `${tag}_` : ''}${randomBytes(4).toString('hex')}`;
  const template = `tongbu_tpl_${run}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${template}`));
  const db = await openDatabase({ kind: 'postgres', url: withDatabase(adminUrl, template), poolSize: 1 });
  await db.migrate();
  await db.close();
  // Most files start from the demo county: seeded once per run (argon2 hashes and all), not once per file.
  const seededTemplate = `${template}_seeded`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${seededTemplate} TEMPLATE ${template}`));
  const seeded = await openDatabase({ kind: 'postgres', url: withDatabase(adminUrl, seededTemplate), poolSize: 1 });
  await seedDemo(seeded.db, { password: DEMO_PASSWORD });
  await seeded.close();
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);
  project.provide('pgSeededTemplate', seededTemplate);
  project.provide('pgRun', run);
  return async () => {
    await withAdmin(adminUrl, async (c) => {
      // Only this run's databases: another run (another checkout, a benchmark) may be using the server.
      const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2 OR datname = $3`, [`tongbu_test_${run}_%`, template, seededTemplate]);
      for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    });
  };
}
