import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * What a pass of mediasoup's shipped suite proved, kept under a cache directory by the
 * worker binary's SHA-256: the suite runs again only when the binary (a rebuild, a new
 * patch or shim) or mediasoup's version changes. Delete the directory to force a run.
 */
export interface ShippedSuitePass {
  readonly workerSha256: string;
  readonly mediasoupVersion: string;
  readonly suites: number;
  readonly tests: number;
  readonly passedAt: string;
}

/**
 * Beside the worker build's own cache (media/worker-build/build.sh), not in node_modules:
 * the record is keyed by the binary's hash, so it holds for every clone that gets the same
 * cached binary — `npm ci` in a fresh clone (as CI does) does not make the suite run again.
 */
export function shippedSuiteCacheDir(): string {
  const base = process.env.TONGBU_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tongbu');
  return join(base, 'shipped-suite-passed');
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function installedMediasoupVersion(): string {
  const entry = createRequire(import.meta.url).resolve('mediasoup');
  // <mediasoup>/node/lib/index.js → <mediasoup>/package.json
  const pkg = createRequire(import.meta.url)(join(dirname(entry), '..', '..', 'package.json')) as { version: string };
  return pkg.version;
}

/** The recorded pass for this binary, or null when there is none (or it cannot be read). */
export async function recordedPass(cacheDir: string, workerSha256: string): Promise<ShippedSuitePass | null> {
  const text = await readFile(join(cacheDir, workerSha256), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    return JSON.parse(text) as ShippedSuitePass;
  } catch {
    return null;
  }
}

export async function recordPass(cacheDir: string, pass: ShippedSuitePass): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  // Whole or not at all: another checkout may read it meanwhile.
  const tmp = join(cacheDir, `.${pass.workerSha256}.${process.pid}`);
  await writeFile(tmp, JSON.stringify(pass, null, 2));
  await rename(tmp, join(cacheDir, pass.workerSha256));
}
