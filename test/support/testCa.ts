import { createHash, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from './netns.ts';

/**
 * A certificate authority that exists for one test run (openssl), and a server
 * certificate it issues for test names and addresses. Chromium trusts it for
 * that run only: `chromiumFlags` names the CA's public key in
 * --ignore-certificate-errors-spki-list (honoured with a --user-data-dir, which
 * playwright always gives), so every other certificate error still fails.
 */
export interface TestCa {
  /** The server certificate followed by the CA's (what nginx and coturn present). */
  readonly chainFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  /** base64 SHA-256 of the CA's SubjectPublicKeyInfo. */
  readonly spkiHash: string;
  readonly chromiumFlags: readonly string[];
  remove(): Promise<void>;
}

const OPENSSL = process.env['OPENSSL_PATH'] ?? 'openssl';
const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export async function createTestCa(subject: { names: readonly string[]; ips?: readonly string[] }): Promise<TestCa> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tongbu-ca-'));
  const f = (name: string) => path.join(dir, name);
  try {
    await run(OPENSSL, ['req', '-x509', ...ecKey, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', `/CN=tongbu test CA ${path.basename(dir)}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    await run(OPENSSL, ['req', ...ecKey, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', `/CN=${subject.names[0]}`]);
    const altNames = [...subject.names.map((n) => `DNS:${n}`), ...(subject.ips ?? []).map((a) => `IP:${a}`)].join(',');
    await writeFile(f('server.ext'), `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${altNames}\n`);
    await run(OPENSSL, ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-out', f('server.crt'), '-extfile', f('server.ext')]);
    const caPem = await readFile(f('ca.crt'), 'utf8');
    await writeFile(f('chain.pem'), (await readFile(f('server.crt'), 'utf8')) + caPem);
    const spki = new X509Certificate(caPem).publicKey.export({ type: 'spki', format: 'der' });
    const spkiHash = createHash('sha256').update(spki).digest('base64');
    return {
      chainFile: f('chain.pem'),
      keyFile: f('server.key'),
      caFile: f('ca.crt'),
      spkiHash,
      chromiumFlags: [`--ignore-certificate-errors-spki-list=${spkiHash}`],
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
