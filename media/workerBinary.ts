import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface WorkerBinary {
  /** Where mediasoup will spawn its C++ worker from. */
  path: string;
  /** Whether that file exists (false: run `bash media/worker-build/build.sh`). */
  exists: boolean;
}

/**
 * Tells where mediasoup will look for its worker binary, with the same rules as
 * mediasoup's own getDefaultWorkerBin() (node/lib/Worker.js, 3.27): the
 * MEDIASOUP_WORKER_BIN environment variable first, else
 * <mediasoup>/worker/out/<Release|Debug>/mediasoup-worker, Debug only when
 * MEDIASOUP_BUILDTYPE=Debug. media/worker-build/build.sh installs the Release
 * one. Used by the health endpoint to report a missing worker before the
 * first createWorker() fails.
 */
export function resolveWorkerBinary(env: NodeJS.ProcessEnv = process.env): WorkerBinary {
  const fromEnv = env['MEDIASOUP_WORKER_BIN'];
  const path = fromEnv ? fromEnv : defaultWorkerPath(env);
  return { path, exists: existsSync(path) };
}

function defaultWorkerPath(env: NodeJS.ProcessEnv): string {
  // mediasoup's entry point is <mediasoup>/node/lib/index.js.
  const entry = createRequire(import.meta.url).resolve('mediasoup');
  const mediasoupDir = join(dirname(entry), '..', '..');
  const buildType = env['MEDIASOUP_BUILDTYPE'] === 'Debug' ? 'Debug' : 'Release';
  return join(mediasoupDir, 'worker', 'out', buildType, 'mediasoup-worker');
}
