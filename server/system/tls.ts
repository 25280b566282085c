import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import { ConfigError } from './ConfigError.ts';

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** The certificate's subject and names, for the start-up line. */
  readonly subject: string;
  readonly validTo: Date;
}

function read(setting: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(setting, `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/**
 * Reads and checks the certificate and key before anything listens: a file that is
 * missing, unreadable or not PEM, or a key that does not belong to the certificate,
 * is a refusal naming the setting rather than a TLS handshake failure for every browser.
 */
export function loadTls(tls: Config['tls']): TlsMaterial | null {
  if (!tls) return null;
  const cert = read('TLS_CERT_FILE', tls.certFile);
  const key = read('TLS_KEY_FILE', tls.keyFile);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new ConfigError('TLS_CERT_FILE', `${tls.certFile} is not a PEM certificate`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new ConfigError('TLS_KEY_FILE', `${tls.keyFile} is not an unencrypted PEM private key`);
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new ConfigError('TLS_KEY_FILE', `${tls.keyFile} does not match the certificate in ${tls.certFile}`);
  }
  return { cert, key, subject: x509.subjectAltName ?? x509.subject, validTo: new Date(x509.validTo) };
}
