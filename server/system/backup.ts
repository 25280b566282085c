import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import pg from 'pg';
import { pgliteClientOf, type Database } from '../db/client.ts';

const run = promisify(execFile);

/** A backup or restore that cannot be done; the message says what to do about it. */
export class BackupError extends Error {
  override name = 'BackupError';
}

export interface BackupManifest {
  readonly format: 'tongbu-backup-1';
  readonly createdAt: string;
  readonly database: 'postgres' | 'pglite';
  /** Bytes of each part, checked again at restore (a truncated copy is refused). */
  readonly parts: Record<string, number>;
}

const DB_PARTS = { postgres: 'database.pgdump', pglite: 'pglite.tar.gz' } as const;
const FILES_PART = 'files.tar';
/** In DATA_DIR but not user data: the embedded database is its own part, backups never nest. */
const NOT_FILES = ['pglite', 'backups', 'tongbu.pid'];

export interface BackupSource {
  /** The open database; a PostgreSQL one needs its URL for pg_dump. */
  readonly database: Database;
  readonly postgresUrl?: string;
  readonly dataDir: string;
}

/**
 * Writes `<parent>/tongbu-<timestamp>/`: the database (pg_dump's custom format, one
 * snapshot; or PGlite's data directory dump, taken between two queries), then the
 * DATA_DIR files (evidence uploads, recordings). Database first: a file is written
 * before its row, so every row in the dump has its file. Everything goes to a
 * `.partial` directory (same parent) renamed into place at the end; on any failure it is
 * removed and the error thrown, so no half backup ever has the final name. A full disk
 * is a BackupError saying so (the command prints that one line and exits 1).
 */
export async function backupInstallation(source: BackupSource, parent: string, now = new Date()): Promise<{ dir: string; manifest: BackupManifest }> {
  const name = `tongbu-${now.toISOString().replace(/[:.]/g, '-')}`;
  const dir = path.resolve(parent, name);
  const partial = `${dir}.partial`;
  try {
    await mkdir(partial, { recursive: true });
    const kind = source.database.kind;
    const dbFile = path.join(partial, DB_PARTS[kind]);
    if (kind === 'postgres') {
      if (!source.postgresUrl) throw new BackupError('a PostgreSQL backup needs DATABASE_URL');
      await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${dbFile}`, `--dbname=${source.postgresUrl}`]);
    } else {
      const client = pgliteClientOf(source.database);
      if (!client) throw new BackupError('no embedded database to dump');
      const dump = await client.dumpDataDir('gzip');
      await writeFile(dbFile, Buffer.from(await dump.arrayBuffer()));
    }
    const filesFile = path.join(partial, FILES_PART);
    await mkdir(source.dataDir, { recursive: true });
    // Files keep arriving while the server runs: GNU tar exits 1 for "changed as we read it", which is not a failure here
    // (a file written after the dump has no row in it); 2 and above are.
    await run('tar', ['--create', '--warning=no-file-changed', `--file=${filesFile}`, `--directory=${source.dataDir}`, ...NOT_FILES.map((n) => `--exclude=./${n}`), '.']).catch(
      (err: { code?: unknown }) => {
        if (err.code !== 1) throw err;
      },
    );
    const parts: Record<string, number> = {};
    for (const part of [DB_PARTS[kind], FILES_PART]) parts[part] = (await stat(path.join(partial, part))).size;
    const manifest: BackupManifest = { format: 'tongbu-backup-1', createdAt: now.toISOString(), database: kind, parts };
    await writeFile(path.join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(partial, dir);
    return { dir, manifest };
  } catch (err) {
    const full = diskFull(err) || (await nearlyNoRoom(partial));
    await rm(partial, { recursive: true, force: true });
    throw full ? new BackupError(`the disk holding ${path.resolve(parent)} is full (no space left on device): the partial backup was removed; free space there or back up to another directory`) : err;
  }
}

/**
 * A full disk, whether node wrote (ENOSPC) or pg_dump or tar did: their message on stderr
 * says so, or only "Wrote only 4096 of 10240 bytes" (tar's short write into the last free block).
 */
function diskFull(err: unknown): boolean {
  const e = err as { code?: unknown; stderr?: unknown; message?: unknown } | null;
  return e?.code === 'ENOSPC' || [e?.stderr, e?.message].some((text) => typeof text === 'string' && /No space left on device|Wrote only \d+ of \d+ bytes/i.test(text));
}

/** Whether the file system of `dir` had next to nothing left when the backup failed (checked before the partial backup is removed). */
async function nearlyNoRoom(dir: string): Promise<boolean> {
  const fs = await statfs(dir).catch(() => null);
  return fs !== null && fs.bavail * fs.bsize < 64 * 1024;
}

export interface RestoreTarget {
  readonly database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string };
  readonly dataDir: string;
}

async function readManifest(dir: string): Promise<BackupManifest> {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
  } catch {
    throw new BackupError(`${dir} is not a tongbu backup (no readable manifest.json)`);
  }
  if (manifest.format !== 'tongbu-backup-1') throw new BackupError(`${dir}: unknown backup format ${String(manifest.format)}`);
  for (const [part, size] of Object.entries(manifest.parts)) {
    const actual = await stat(path.join(dir, part)).then((s) => s.size, () => -1);
    if (actual !== size) throw new BackupError(`${dir}: ${part} is ${actual < 0 ? 'missing' : `${actual} bytes, not ${size}`}`);
  }
  return manifest;
}

const isEmptyDir = (dir: string) => readdir(dir).then((e) => e.length === 0, () => true);

/**
 * Brings a backup back into an empty installation: an empty PostgreSQL database (or no
 * embedded one under DATA_DIR) and no files. Anything already there is a refusal, never
 * a merge; PostgreSQL is restored in one transaction, so a failure leaves it empty.
 */
export async function restoreInstallation(backupDir: string, target: RestoreTarget): Promise<BackupManifest> {
  const manifest = await readManifest(backupDir);
  if (manifest.database !== target.database.kind) {
    throw new BackupError(`the backup holds a ${manifest.database} database but the installation uses ${target.database.kind}`);
  }
  const existingFiles = (await readdir(target.dataDir).catch(() => [] as string[])).filter((n) => !NOT_FILES.includes(n));
  if (existingFiles.length > 0) throw new BackupError(`DATA_DIR ${target.dataDir} is not empty (${existingFiles.join(', ')}): restore into an empty installation`);
  const dbFile = path.join(backupDir, DB_PARTS[manifest.database]);
  if (target.database.kind === 'postgres') {
    const client = new pg.Client({ connectionString: target.database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(`select count(*) as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`);
      if (Number(rows[0]?.n) > 0) throw new BackupError('DATABASE_URL names a database that already has tables: restore into an empty database (createdb)');
    } finally {
      await client.end();
    }
    await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${target.database.url}`, dbFile]);
  } else {
    const dir = target.database.dir;
    if (!(await isEmptyDir(dir))) throw new BackupError(`${dir} already holds an embedded database: restore into an empty installation`);
    await mkdir(dir, { recursive: true });
    const blob = new Blob([await readFile(dbFile)]);
    const client = new PGlite({ dataDir: dir, loadDataDir: blob, extensions: { btree_gist } });
    await client.waitReady;
    await client.close();
  }
  await mkdir(target.dataDir, { recursive: true });
  await run('tar', ['--extract', `--file=${path.join(backupDir, FILES_PART)}`, `--directory=${target.dataDir}`]);
  return manifest;
}

/** Total bytes of a backup directory's parts (for the report line). */
export const backupSize = (m: BackupManifest) => Object.values(m.parts).reduce((a, b) => a + b, 0);

