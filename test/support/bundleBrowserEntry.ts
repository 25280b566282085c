import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

// esbuild arrives with tsx; its CLI avoids importing a package we do not declare.
const esbuildBin = fileURLToPath(new URL('../../node_modules/.bin/esbuild', import.meta.url));

export interface BrowserBundle {
  /** Temporary directory holding the bundle (removed by cleanup()). */
  dir: string;
  /** Path of the bundled script. */
  file: string;
  /** The bundled script itself. */
  code: string;
  cleanup(): Promise<void>;
}

/**
 * Bundles a browser entry (TypeScript, npm imports allowed) into one classic
 * script in a fresh temporary directory, so tests can load real client
 * libraries (e.g. mediasoup-client) into a page without a dev server.
 */
export async function bundleBrowserEntry(entryFile: string): Promise<BrowserBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'tongbu-bundle-'));
  const file = join(dir, 'bundle.js');
  try {
    await execFileP(esbuildBin, [
      entryFile,
      '--bundle',
      '--format=iife',
      '--platform=browser',
      '--target=chrome120',
      '--sourcemap=inline',
      '--log-level=warning',
      `--outfile=${file}`,
    ]);
    const code = await readFile(file, 'utf8');
    return { dir, file, code, cleanup: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface BundleServer {
  /** Page that loads the bundle, e.g. http://127.0.0.1:40123/ */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a bundle behind a blank HTML page on 127.0.0.1. An http://127.0.0.1
 * origin is a secure context, which getUserMedia() and WebRTC need; about:blank
 * or data: pages are not.
 */
export async function serveBrowserBundle(bundle: BrowserBundle): Promise<BundleServer> {
  const html = '<!doctype html><meta charset="utf-8"><title>test</title><script src="/bundle.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (req.url === '/bundle.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(bundle.code);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
