import { openDatabase, pgliteClientOf } from '../../server/db/client.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { DEMO_PASSWORD } from './demoPassword.ts';

export interface PgliteDumps {
  /** initdb and the migrations. */
  readonly migrated: Blob;
  /** The same with the demo county seeded (DEMO_PASSWORD). */
  readonly seeded: Blob;
}

/** A migrated PGlite data directory, and the same with the demo county, as tar dumps to load from. */
export async function buildPgliteDumps(): Promise<PgliteDumps> {
  const database = await openDatabase({ kind: 'pglite' });
  try {
    await database.migrate();
    const migrated = await pgliteClientOf(database)!.dumpDataDir('none');
    await seedDemo(database.db, { password: DEMO_PASSWORD });
    const seeded = await pgliteClientOf(database)!.dumpDataDir('none');
    return { migrated, seeded };
  } finally {
    await database.close();
  }
}
