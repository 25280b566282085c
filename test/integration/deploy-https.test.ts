import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { throwawayCert } from '../support/tlsCert.ts';

const cert = throwawayCert();
const ca = readFileSync(cert.certFile, 'utf8');

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:https with the run's certificate as the only trusted one (not "ignore errors"). */
function httpsCall(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const req = request(url, { method: init.method ?? 'GET', ca, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...init.headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sessionCookieOf = (headers: Headers | Reply['headers']) => {
  const all = headers instanceof Headers ? headers.getSetCookie() : ([] as string[]).concat(headers['set-cookie'] ?? []);
  return all.find((c) => c.startsWith('tongbu_sid='));
};

afterAll(() => cert.remove());

describe('HTTPS served by the server itself (TLS_CERT_FILE, TLS_KEY_FILE)', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ env: { TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile } });
  });
  afterAll(() => platform?.close());

  it('answers HTTPS with HSTS, and the session cookie is Secure without any other setting', async () => {
    expect(platform.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await httpsCall(`${platform.url}/api/health`);
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const signIn = await httpsCall(`${platform.url}/api/auth/sign-in`, { method: 'POST', body: { username: 'admin', password: DEMO_PASSWORD } });
    expect(signIn.status).toBe(200);
    expect(sessionCookieOf(signIn.headers)).toMatch(/;\s*Secure/i);
  });

  it('carries Socket.IO over WebSockets (wss) on the same port', async () => {
    const signIn = await httpsCall(`${platform.url}/api/auth/sign-in`, { method: 'POST', body: { username: 'admin', password: DEMO_PASSWORD } });
    const cookie = sessionCookieOf(signIn.headers)!.split(';')[0]!;
    const socket = io(platform.url, { transports: ['websocket'], extraHeaders: { cookie }, ca, reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      expect(socket.io.engine.transport.name).toBe('websocket');
    } finally {
      socket.close();
    }
  });

  it('is not reachable by a client that does not trust the certificate', async () => {
    await expect(fetch(`${platform.url}/api/health`)).rejects.toThrow();
  });
});

describe('behind a TLS-terminating proxy (TRUST_PROXY)', () => {
  let trusting: TestPlatform;
  let plain: TestPlatform;
  beforeAll(async () => {
    [trusting, plain] = await Promise.all([startTestPlatform({ env: { TRUST_PROXY: 'loopback' } }), startTestPlatform()]);
  });
  afterAll(async () => {
    await trusting?.close();
    await plain?.close();
  });

  const signIn = (url: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }) });

  it('a trusted proxy saying X-Forwarded-Proto: https gets a Secure cookie and HSTS', async () => {
    const res = await signIn(trusting.url, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.18.0.20' });
    expect(res.status).toBe(200);
    expect(sessionCookieOf(res.headers)).toMatch(/;\s*Secure/i);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  });

  it('without TRUST_PROXY the same header is ignored: plain loopback HTTP stays as the demo has it', async () => {
    const forged = await signIn(plain.url, { 'x-forwarded-proto': 'https' });
    expect(forged.status).toBe(200);
    expect(sessionCookieOf(forged.headers)).not.toMatch(/Secure/i);
    expect(forged.headers.get('strict-transport-security')).toBeNull();
    const direct = await signIn(trusting.url);
    expect(sessionCookieOf(direct.headers)).not.toMatch(/Secure/i);
    expect(direct.headers.get('strict-transport-security')).toBeNull();
  });

  it('without TRUST_PROXY a forged X-Forwarded-For cannot dodge the sign-in rate limit', async () => {
    const limited = await startTestPlatform({ seed: false, env: { SIGNIN_RATE_LIMIT: '2' } });
    try {
      const attempt = (i: number) =>
        fetch(`${limited.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.18.0.${i}` }, body: JSON.stringify({ username: 'nobody', password: 'wrong-password' }) });
      const statuses = [];
      for (let i = 1; i <= 3; i++) statuses.push((await attempt(i)).status);
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('D-REFUSE-SETTING: refusing to start (npm start)', () => {
  /** Runs server/main.ts as `npm start` does and returns its exit code and stderr; the refusal comes before any database or port is opened. */
  const start = (env: Record<string, string>) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env: { PATH: process.env['PATH'] ?? '', DATA_DIR: cert.dir, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => resolve({ code, stderr }));
    });

  it('exits 78 with one line naming TLS_CERT_FILE when the certificate file is missing', async () => {
    const r = await start({ TLS_CERT_FILE: `${cert.dir}/missing.pem`, TLS_KEY_FILE: cert.keyFile });
    expect(r.code).toBe(78);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^tongbu: refusing to start: TLS_CERT_FILE: cannot read .*missing\.pem \(ENOENT\)$/)]);
  });

  it('exits 78 with one line naming TLS_CERT_FILE when the certificate cannot be read or is not a certificate', async () => {
    // Unreadable: a directory (the tests run as root, for whom file modes do not stop a read).
    const unreadable = await start({ TLS_CERT_FILE: cert.dir, TLS_KEY_FILE: cert.keyFile });
    expect(unreadable.code).toBe(78);
    expect(unreadable.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^tongbu: refusing to start: TLS_CERT_FILE: cannot read .* \(EISDIR\)$/)]);
    // The key file given as the certificate: readable, but not one.
    const notCert = await start({ TLS_CERT_FILE: cert.keyFile, TLS_KEY_FILE: cert.keyFile });
    expect(notCert.code).toBe(78);
    expect(notCert.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^tongbu: refusing to start: TLS_CERT_FILE: .* is not a PEM certificate$/)]);
  });

  it('exits 78 naming TLS_KEY_FILE when the key does not match the certificate', async () => {
    const r = await start({ TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.otherKeyFile });
    expect(r.code).toBe(78);
    expect(r.stderr.trim()).toMatch(/^tongbu: refusing to start: TLS_KEY_FILE: .* does not match/);
  });

  it('exits 78 naming MEDIA_ANNOUNCED_ADDRESS when it is not an IP or a name', async () => {
    const r = await start({ MEDIA_ANNOUNCED_ADDRESS: 'https://tongbu example' });
    expect(r.code).toBe(78);
    expect(r.stderr.trim()).toMatch(/^tongbu: refusing to start: MEDIA_ANNOUNCED_ADDRESS: not an IP address or host name$/);
  });
});
