import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildPgliteDumps } from './pgliteDumps.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite data directory (tar), which every test file loads instead of running initdb and the migrations. */
    pgliteTemplate: string | null;
    /** The same with the demo county seeded (DEMO_PASSWORD). */
    pgliteSeededTemplate: string | null;
  }
}

interface TemplateFiles {
  readonly migrated: string;
  readonly seeded: string;
}

interface SharedTemplate {
  readonly file: Promise<TemplateFiles>;
  readonly dir: Promise<string>;
  users: number;
}

// Kept on globalThis: each project loads this file on its own, and every project on
// PGlite (integration, e2e) should use the run's one template.
const shared = globalThis as { tongbuPgliteTemplate?: SharedTemplate };

async function buildTemplate(dir: string): Promise<TemplateFiles> {
  const dumps = await buildPgliteDumps();
  const write = async (name: string, dump: Blob) => {
    const file = join(dir, name);
    await writeFile(file, new Uint8Array(await dump.arrayBuffer()));
    return file;
  };
  // Most files start from the demo county: seeded once per run (argon2 hashes and all), not once per file.
  return { migrated: await write('migrated.tar', dumps.migrated), seeded: await write('seeded.tar', dumps.seeded) };
}

/**
 * For the projects that run on PGlite: initdb, the migrations and the demo county once
 * per run (they cost seconds, much more on a busy machine), not once per test file.
 */
export default async function setup(project: TestProject) {
  if (!shared.tongbuPgliteTemplate) {
    const dir = mkdtemp(join(tmpdir(), 'tongbu-pglite-template-'));
    shared.tongbuPgliteTemplate = { dir, file: dir.then(buildTemplate), users: 0 };
  }
  const template = shared.tongbuPgliteTemplate;
  template.users++;
  const files = await template.file;
  project.provide('pgliteTemplate', files.migrated);
  project.provide('pgliteSeededTemplate', files.seeded);
  return async () => {
    if (--template.users > 0) return;
    shared.tongbuPgliteTemplate = undefined;
    await rm(await template.dir, { recursive: true, force: true });
  };
}
