import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ThrowawayCert {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** A second key that belongs to no certificate here (the "key does not match" case). */
  readonly otherKeyFile: string;
  remove(): void;
}

/** A self-signed certificate for localhost/127.0.0.1, made with openssl in a temp dir for one test run (never committed). */
export function throwawayCert(): ThrowawayCert {
  const dir = mkdtempSync(path.join(tmpdir(), 'tongbu-tls-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  const otherKeyFile = path.join(dir, 'other-key.pem');
  const quiet = { stdio: ['ignore', 'ignore', 'pipe'] as ('ignore' | 'pipe')[] };
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], quiet);
  execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', otherKeyFile], quiet);
  return { dir, certFile, keyFile, otherKeyFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
