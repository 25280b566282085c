import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { patient } from './waitFor.ts';

/**
 * A throwaway TURN server: Debian's coturn (`apt-get install coturn`) on
 * 127.0.0.1, a static user, relaying to loopback peers (mediasoup listens on
 * 127.0.0.1 in tests), no TLS/DTLS, no CLI. Relay ports come from a range
 * outside mediasoup's (40000–49999).
 */
export interface Coturn {
  readonly port: number;
  /** `turn:127.0.0.1:<port>?transport=udp` */
  readonly url: string;
  readonly username: string;
  readonly credential: string;
  /** The server's output (for a failing test's log). */
  output(): string;
  stop(): Promise<void>;
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Answers once the server replies to a STUN Binding request on UDP. */
async function stunAnswers(port: number, timeoutMs: number): Promise<boolean> {
  const s = createSocket('udp4');
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0);
  request.writeUInt16BE(0, 2);
  request.writeUInt32BE(0x2112a442, 4);
  randomBytes(12).copy(request, 8);
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      s.on('message', (msg) => {
        if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0101) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      s.send(request, port, '127.0.0.1');
    });
  } finally {
    s.close();
  }
}

export async function startCoturn(options: { relayMinPort?: number; relayMaxPort?: number } = {}): Promise<Coturn> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tongbu-coturn-'));
  const port = await freeUdpPort();
  const username = 'tongbu';
  const credential = randomBytes(9).toString('base64url');
  const min = options.relayMinPort ?? 50000 + (process.pid % 50) * 200;
  const args = [
    '--listening-ip', '127.0.0.1',
    '--relay-ip', '127.0.0.1',
    '--listening-port', String(port),
    '--min-port', String(min),
    '--max-port', String(options.relayMaxPort ?? min + 199),
    '--allow-loopback-peers',
    '--no-cli', '--no-tls', '--no-dtls',
    '--lt-cred-mech', '--fingerprint',
    '--user', `${username}:${credential}`,
    '--realm', 'tongbu.test',
    '--userdb', path.join(dir, 'turndb'),
    '--pidfile', path.join(dir, 'turnserver.pid'),
    '--log-file', 'stdout',
    '--no-software-attribute',
  ];
  const child: ChildProcess = spawn(process.env['TURNSERVER_PATH'] ?? 'turnserver', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };
  // A STUN probe every 200 ms until it answers; a busy machine may take a while to start it.
  const deadline = Date.now() + patient();
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await stunAnswers(port, 200)) {
      return { port, url: `turn:127.0.0.1:${port}?transport=udp`, username, credential, output: () => out, stop };
    }
  }
  await stop();
  throw new Error(`turnserver did not start (is coturn installed?):\n${out}`);
}
