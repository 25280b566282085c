import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/client.ts';
import { backupInstallation, BackupError, restoreInstallation, type RestoreTarget } from '../../server/system/backup.ts';
import { createTestDatabase, testDbKind, type TestDatabase } from '../support/db.ts';
import { withAdmin, withDatabase } from '../support/pgAdmin.ts';

const kind = testDbKind();
const tmp = mkdtempSync(path.join(tmpdir(), 'tongbu-deploy-backup-'));
const dir = (name: string) => {
  const d = path.join(tmp, name);
  mkdirSync(d, { recursive: true });
  return d;
};
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An empty PostgreSQL database of this run (dropped afterwards), or an empty embedded one under DATA_DIR. */
async function emptyTarget(dataDir: string): Promise<{ target: RestoreTarget; open: () => Promise<Database>; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const pgliteDir = path.join(dataDir, 'pglite');
    return { target: { database: { kind: 'pglite', dir: pgliteDir }, dataDir }, open: () => openDatabase({ kind: 'pglite', dir: pgliteDir }), drop: async () => {} };
  }
  const adminUrl = inject('pgAdminUrl')!;
  const name = `tongbu_test_${inject('pgRun') ?? 'norun'}_restore_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(adminUrl, name);
  return {
    target: { database: { kind: 'postgres', url }, dataDir },
    open: () => openDatabase({ kind: 'postgres', url, poolSize: 2 }),
    drop: () => withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

describe(`backup and restore (${kind})`, () => {
  let source: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    source = await createTestDatabase();
    dataDir = dir('source-data');
    await source.db.execute(sql`create table backup_probe (n integer primary key, at timestamptz not null default now())`);
  }, 120_000);
  afterAll(() => source?.close());

  const backupSource = () => ({ database: source, dataDir, ...(source.url ? { postgresUrl: source.url } : {}) });

  it('backs up during writes; the restore holds every write acknowledged before it began and every file', async () => {
    // A writer that keeps going while the backup runs: rows (acknowledged one by one) and evidence files.
    let acked = 0;
    let writing = true;
    const writer = (async () => {
      for (let n = 1; writing || n <= 50; n++) {
        mkdirSync(path.join(dataDir, 'attachments', 'offline-research', `s${n}`), { recursive: true });
        writeFileSync(path.join(dataDir, 'attachments', 'offline-research', `s${n}`, 'minutes.pdf'), `minutes ${n}`);
        await source.db.execute(sql`insert into backup_probe (n) values (${n})`);
        acked = n;
        // Writes arrive as requests do, between other I/O (an in-process engine would otherwise never yield).
        await new Promise((r) => setImmediate(r));
      }
    })();
    let failed: unknown = null;
    writer.catch((err: unknown) => (failed = err));
    while (acked < 50 && !failed) await new Promise((r) => setTimeout(r, 5));
    if (failed) throw failed;
    const ackedBefore = acked;
    const { dir: backupDir, manifest } = await backupInstallation(backupSource(), dir('backups'));
    writing = false;
    await writer;
    expect(readdirSync(path.dirname(backupDir))).toEqual([path.basename(backupDir)]);
    expect(manifest.database).toBe(kind);

    const restoredData = dir('restored-data');
    const empty = await emptyTarget(restoredData);
    try {
      await restoreInstallation(backupDir, empty.target);
      const restored = await empty.open();
      try {
        const rows = (await restored.db.execute(sql`select n from backup_probe order by n`)) as unknown as { rows?: { n: number }[] } | { n: number }[];
        const ns = (Array.isArray(rows) ? rows : (rows.rows ?? [])).map((r) => Number(r.n));
        // One consistent snapshot: an unbroken run from 1, at least as long as what was acknowledged before the backup began.
        expect(ns.length).toBeGreaterThanOrEqual(ackedBefore);
        expect(ns).toEqual(Array.from({ length: ns.length }, (_, i) => i + 1));
        // A row in the backup always has its file (the database is dumped before the files).
        for (const n of ns) expect(readFileSync(path.join(restoredData, 'attachments', 'offline-research', `s${n}`, 'minutes.pdf'), 'utf8')).toBe(`minutes ${n}`);
        // The schema came back too: the migrations table is there, so a start migrates nothing twice.
        const migrations = (await restored.db.execute(sql`select count(*)::int as c from drizzle.__drizzle_migrations`)) as unknown as { rows?: { c: number }[] } | { c: number }[];
        expect(Number((Array.isArray(migrations) ? migrations : (migrations.rows ?? []))[0]?.c)).toBeGreaterThan(0);
      } finally {
        await restored.close();
      }

      // A second restore over what is now there is refused, never merged.
      await expect(restoreInstallation(backupDir, empty.target)).rejects.toThrow(BackupError);
    } finally {
      await empty.drop();
    }
  }, 240_000);

  it('refuses a backup whose part was truncated', async () => {
    const { dir: backupDir, manifest } = await backupInstallation(backupSource(), dir('backups-truncated'));
    const part = Object.keys(manifest.parts)[0]!;
    truncateSync(path.join(backupDir, part), 10);
    const empty = await emptyTarget(dir('restored-truncated'));
    try {
      await expect(restoreInstallation(backupDir, empty.target)).rejects.toThrow(new RegExp(`${part} is 10 bytes`));
    } finally {
      await empty.drop();
    }
  }, 120_000);

  it('a backup that fails part-way leaves nothing under the final name and no half file', async () => {
    const notADir = path.join(tmp, 'data-is-a-file');
    writeFileSync(notADir, 'x');
    const parent = dir('backups-failed');
    await expect(backupInstallation({ ...backupSource(), dataDir: notADir }, parent)).rejects.toThrow();
    expect(readdirSync(parent)).toEqual([]);
  }, 120_000);
});

describe(`a backup into a full disk (${kind}, \`npm run backup\`)`, () => {
  // A real full disk: a 256 KiB tmpfs as the backup directory (the tests run as root).
  const full = dir('full-disk');
  let mounted = false;
  let source: TestDatabase | null = null;
  beforeAll(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', full]);
    mounted = true;
    if (kind === 'postgres') source = await createTestDatabase();
  }, 120_000);
  afterAll(async () => {
    if (mounted) execFileSync('umount', [full]);
    await source?.close();
  });

  /** server/backupMain.ts as `npm run backup -- <dir>` runs it: exit code and output. */
  const backupCommand = (env: Record<string, string>, target: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/backupMain.ts', 'backup', target], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });

  it('D-BACKUP-FULL-DISK: exits non-zero with one line saying the disk is full, and leaves neither the backup nor its temporary directory', async () => {
    const dataDir = dir('full-disk-data');
    // More than the disk holds, whatever the database dump weighs: an evidence upload of 1 MiB.
    mkdirSync(path.join(dataDir, 'attachments'), { recursive: true });
    writeFileSync(path.join(dataDir, 'attachments', 'scan.pdf'), randomBytes(1024 * 1024));
    const r = await backupCommand({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...(source?.url ? { DATABASE_URL: source.url } : {}) }, full);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([`tongbu backup: failed: the disk holding ${full} is full (no space left on device): the partial backup was removed; free space there or back up to another directory`]);
    // Nothing under a backup's name, no `.partial` directory: the disk is as empty as before.
    expect(readdirSync(full)).toEqual([]);
    expect(execFileSync('df', ['--output=used', '-B1', full], { encoding: 'utf8' }).split('\n')[1]?.trim()).toBe('0');
  }, 180_000);
});
