import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase, pgliteClientOf } from '../../server/db/client.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite data directory (tar), which every test file loads instead of running initdb and the migrations. */
    pgliteTemplate: string | null;
  }
}

interface SharedTemplate {
  readonly file: Promise<string>;
  readonly dir: Promise<string>;
  users: number;
}

// Kept on globalThis: each project loads this file on its own, and every project on
// PGlite (integration, e2e) should use the run's one template.
const shared = globalThis as { tongbuPgliteTemplate?: SharedTemplate };

async function buildTemplate(dir: string): Promise<string> {
  const database = await openDatabase({ kind: 'pglite' });
  try {
    await database.migrate();
    const dump = await pgliteClientOf(database)!.dumpDataDir('none');
    const file = join(dir, 'migrated.tar');
    await writeFile(file, new Uint8Array(await dump.arrayBuffer()));
    return file;
  } finally {
    await database.close();
  }
}

/**
 * For the projects that run on PGlite: initdb and the migrations once per run (they
 * cost seconds, much more on a busy machine), not once per test file.
 */
export default async function setup(project: TestProject) {
  if (!shared.tongbuPgliteTemplate) {
    const dir = mkdtemp(join(tmpdir(), 'tongbu-pglite-template-'));
    shared.tongbuPgliteTemplate = { dir, file: dir.then(buildTemplate), users: 0 };
  }
  const template = shared.tongbuPgliteTemplate;
  template.users++;
  project.provide('pgliteTemplate', await template.file);
  return async () => {
    if (--template.users > 0) return;
    shared.tongbuPgliteTemplate = undefined;
    await rm(await template.dir, { recursive: true, force: true });
  };
}
