/**
 * The production start (`npm start`, the systemd unit's ExecStart): the compiled
 * JavaScript of scripts/build-server.sh, run by plain node (no TypeScript loader),
 * on a fresh DATA_DIR (PGlite) or a PostgreSQL database. It answers /api/health
 * and stops on SIGTERM with exit 0 within the unit's TimeoutStopSec.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDbKind, type TestDatabase } from '../support/db.ts';
import { ServiceProcess } from '../support/serviceProcess.ts';

const kind = testDbKind();
const repoRoot = path.resolve(import.meta.dirname, '../..');
const unit = readFileSync(path.join(repoRoot, 'deploy/systemd/tongbu.service'), 'utf8');
const timeoutStopSec = Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1]);
const execStart = /^ExecStart=\/usr\/bin\/node (\S+)$/m.exec(unit)?.[1];

describe(`the compiled server (${kind}) as systemd starts and stops it`, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tongbu-deploy-start-'));
  let database: TestDatabase | null = null;
  let server: ServiceProcess | null = null;
  let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  beforeAll(async () => {
    // What `npm start`'s prestart runs: a no-op when build/ is newer than every source (after scripts/install.sh), a compile otherwise.
    await promisify(execFile)('bash', ['scripts/build-server.sh'], { cwd: repoRoot, timeout: 280_000 });
    if (kind === 'postgres') database = await createTestDatabase();
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('D-START-COMPILED: node build/server/main.js answers /api/health, then exits 0 on SIGTERM within TimeoutStopSec', async () => {
    expect(execStart).toBe('build/server/main.js');
    expect(timeoutStopSec).toBeGreaterThan(0);
    const child = spawn(process.execPath, [execStart!], {
      cwd: repoRoot,
      env: {
        PATH: process.env['PATH'] ?? '',
        NODE_ENV: 'production',
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        PORT: '0',
        SEED_DEMO: '0',
        MEDIA_WORKERS: '1',
        LOG_LEVEL: 'warn',
        ...(database?.url ? { DATABASE_URL: database.url } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    server = new ServiceProcess('node build/server/main.js', child);
    await server.waitForOutput('is running at ', 120_000);
    const url = /is running at (http:\/\/\S+)/.exec(server.output())?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.output()).toContain(`database: ${kind}`);

    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);

    const stopStarted = performance.now();
    child.kill('SIGTERM');
    // systemd sends SIGKILL after TimeoutStopSec: the server must be gone before that, and cleanly.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stopped = await Promise.race([exit, new Promise<'killed by systemd'>((resolve) => (timer = setTimeout(() => resolve('killed by systemd'), timeoutStopSec * 1000)))]);
    clearTimeout(timer);
    expect(stopped, server.output()).toEqual({ code: 0, signal: null });
    console.log(`compiled server: ${/started in \d+ ms/.exec(server.output())?.[0] ?? '?'}, stopped on SIGTERM in ${Math.round(performance.now() - stopStarted)} ms (TimeoutStopSec=${timeoutStopSec})`);
  }, 240_000);
});
