import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { openDatabase } from '../../server/db/client.ts';
import { chromiumPath, launchChromium } from './chromium.ts';
import { TestNetwork } from './netns.ts';
import { withAdmin, withDatabase } from './pgAdmin.ts';
import { DEMO_PASSWORD, signInAt, type TestPlatform } from './platform.ts';
import { ServiceProcess } from './serviceProcess.ts';
import { createTestCa, type TestCa } from './testCa.ts';

/**
 * The platform as a county runs it, on test hosts (network namespaces, see
 * netns.ts): the "county" host runs `server/main.ts` (the `npm start` entry)
 * behind Debian's nginx with deploy/nginx/tongbu.conf (TLS for `tongbu.test`
 * from a run-local CA) and coturn (TURN over UDP 3478 and TLS 443, credentials
 * from the server through `use-auth-secret`); a core school and two member
 * schools each run their own Chromium inside their namespace, reaching the
 * county only through the bridged veth network. The member school 六里
 * (`liuli`) sits behind a school firewall (nft, inside its namespace only) that
 * drops all UDP and lets TCP out to port 443 only, so neither UDP nor ICE-TCP
 * to mediasoup's ports gets through: only TURN over TLS on 443 does.
 *
 * The database is the test PostgreSQL (TEST_DATABASE_URL) reached through its
 * Unix socket (sockets are files, not network): the server migrates and seeds
 * a database of this run, and the test reads it too. The test harness calls
 * the API through a loopback tunnel (a Unix socket into the county namespace),
 * browsers through nginx.
 */
export const SITE = 'tongbu.test';
const TURN_NAME = `turn.${SITE}`;
export const COUNTY_ADDRESSES = { web: '198.18.0.2', turn: '198.18.0.3' } as const;
export type SchoolHost = 'core' | 'ganpu' | 'liuli';
const SCHOOLS = { core: '198.18.0.10', ganpu: '198.18.0.20', liuli: '198.18.0.21' } as const;
export const UDP_BLOCKED_SCHOOL: SchoolHost = 'liuli';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const NGINX = process.env['NGINX_PATH'] ?? '/usr/sbin/nginx';
const TURNSERVER = process.env['TURNSERVER_PATH'] ?? 'turnserver';
const SERVER_PORT = 3000;

export interface CountyPlatform extends Pick<TestPlatform, 'url' | 'signIn' | 'database'> {
  /** The API as the test harness reaches it (loopback tunnel into the county). */
  readonly apiUrl: string;
}

export interface CountyNetwork {
  readonly network: TestNetwork;
  readonly platform: CountyPlatform;
  /** Headless Chromium running inside a school's namespace, trusting this run's CA for tongbu.test. */
  launchBrowser(school: SchoolHost): Promise<Browser>;
  /** The recent output of the server, nginx and coturn (for a failing test's message). */
  logs(): string;
  close(): Promise<void>;
}

/** What a school firewall that lets web traffic out and nothing else does (nft, inside one namespace). */
const webOnlyFirewall = `
table inet school_firewall {
  chain output {
    type filter hook output priority 0; policy accept;
    oifname "lo" accept
    meta l4proto udp drop
    tcp dport != 443 drop
  }
  chain input {
    type filter hook input priority 0; policy accept;
    iifname "lo" accept
    meta l4proto udp drop
  }
}
`;

/** deploy/nginx/tongbu.conf with this run's name, certificate, client bundle and address. Every placeholder must be there. */
async function nginxSite(ca: TestCa): Promise<string> {
  let conf = await readFile(path.join(repoRoot, 'deploy/nginx/tongbu.conf'), 'utf8');
  const replace = (from: string, to: string) => {
    if (!conf.includes(from)) throw new Error(`deploy/nginx/tongbu.conf no longer contains "${from}" (update countyNetwork.ts)`);
    conf = conf.split(from).join(to);
  };
  replace('/etc/letsencrypt/live/tongbu.example.org/fullchain.pem', ca.chainFile);
  replace('/etc/letsencrypt/live/tongbu.example.org/privkey.pem', ca.keyFile);
  replace('tongbu.example.org', SITE);
  replace('/opt/tongbu/client/dist', path.join(repoRoot, 'client/dist'));
  // coturn takes 443 on the county's second address.
  replace('listen 443 ssl http2;', `listen ${COUNTY_ADDRESSES.web}:443 ssl http2;`);
  replace('listen [::]:443 ssl http2;', '');
  replace(`server 127.0.0.1:3000;`, `server 127.0.0.1:${SERVER_PORT};`);
  return conf;
}

function nginxMain(dir: string): string {
  return `user root;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events { worker_connections 512; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log ${dir}/nginx-access.log;
  client_body_temp_path ${dir}/nginx-body;
  proxy_temp_path ${dir}/nginx-proxy;
  fastcgi_temp_path ${dir}/nginx-fastcgi;
  uwsgi_temp_path ${dir}/nginx-uwsgi;
  scgi_temp_path ${dir}/nginx-scgi;
  include ${dir}/tongbu.conf;
}
`;
}

/** A loopback port on this machine that reaches `port` on the county's loopback, through a Unix socket. */
async function loopbackTunnel(network: TestNetwork, socketPath: string, port: number): Promise<{ process: ServiceProcess; server: net.Server; url: string }> {
  const forward = `const net=require('net');const [sock,port]=process.argv.slice(1);net.createServer((c)=>{const u=net.connect(+port,'127.0.0.1');c.pipe(u).pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy());}).listen(sock,()=>console.log('tunnel ready'));`;
  const inside = new ServiceProcess('tunnel', network.spawn('county', [process.execPath, '-e', forward, socketPath, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] }));
  await inside.waitForOutput('tunnel ready', 20_000);
  const server = net.createServer((c) => {
    const u = net.connect(socketPath);
    c.pipe(u).pipe(c);
    c.on('error', () => u.destroy());
    u.on('error', () => c.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: local } = server.address() as net.AddressInfo;
  return { process: inside, server, url: `http://127.0.0.1:${local}` };
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, context: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** `env` adds to (or overrides) the server's environment. */
export async function startCountyNetwork(options: { env?: Record<string, string> } = {}): Promise<CountyNetwork> {
  const adminUrl = process.env['TEST_DATABASE_URL'];
  if (!adminUrl) throw new Error('the county network test needs a PostgreSQL server: TEST_DATABASE_URL (scripts/test.sh sets it)');
  // Undone in reverse order by close(), also when starting fails half-way.
  const undo: (() => Promise<unknown>)[] = [];
  const services: ServiceProcess[] = [];
  const logs = () => services.map((s) => `--- ${s.label}\n${s.output().slice(-4000)}`).join('\n');
  const close = async () => {
    const failures: string[] = [];
    for (const step of undo.splice(0).reverse()) await step().catch((err: Error) => failures.push(err.message));
    if (failures.length) throw new Error(`closing the county network: ${failures.join('; ')}`);
  };

  try {
    const dir = await mkdtemp(path.join(tmpdir(), 'tongbu-county-'));
    undo.push(() => rm(dir, { recursive: true, force: true }));
    const network = await TestNetwork.create([
      { name: 'county', addresses: [COUNTY_ADDRESSES.web, COUNTY_ADDRESSES.turn] },
      ...Object.entries(SCHOOLS).map(([name, address]) => ({ name, addresses: [address] })),
    ]);
    undo.push(() => network.remove());
    const ca = await createTestCa({ names: [SITE, TURN_NAME] });
    undo.push(() => ca.remove());

    // The run's database, reached by the server through PostgreSQL's Unix socket.
    const dbName = `tongbu_test_${process.pid}${randomBytes(3).toString('hex')}_county`;
    const where = await withAdmin(adminUrl, async (c) => {
      await c.query(`CREATE DATABASE ${dbName}`);
      return (await c.query<{ dirs: string; port: string }>(`select current_setting('unix_socket_directories') as dirs, current_setting('port') as port`)).rows[0]!;
    });
    undo.push(() => withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)));
    const admin = new URL(adminUrl);
    const socketDir = where.dirs.split(',')[0]!.trim();
    const auth = admin.password ? `${admin.username}:${admin.password}` : admin.username;
    const databaseUrl = `postgres://${auth}@/${dbName}?host=${encodeURIComponent(socketDir)}&port=${where.port}`;

    const turnSecret = options.env?.['ICE_SERVER_SECRET'] ?? randomBytes(18).toString('base64url');
    const coturn = new ServiceProcess('coturn', network.spawn('county', [TURNSERVER,
      '--listening-ip', COUNTY_ADDRESSES.turn, '--relay-ip', COUNTY_ADDRESSES.turn,
      '--listening-port', '3478', '--tls-listening-port', '443',
      '--cert', ca.chainFile, '--pkey', ca.keyFile, '--no-dtls',
      '--min-port', '50000', '--max-port', '50199',
      '--use-auth-secret', '--static-auth-secret', turnSecret, '--realm', SITE,
      '--fingerprint', '--no-cli', '--no-software-attribute',
      '--userdb', path.join(dir, 'turndb'), '--pidfile', path.join(dir, 'turnserver.pid'), '--log-file', 'stdout',
    ], { stdio: ['ignore', 'pipe', 'pipe'] }));
    services.push(coturn);
    undo.push(() => coturn.stop());

    const dataDir = path.join(dir, 'data');
    await mkdir(dataDir);
    const server = new ServiceProcess('server', network.spawn('county', [process.execPath, '--import', 'tsx', 'server/main.ts'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        // nginx runs beside the server and reaches it over loopback: trust its X-Forwarded-* only.
        TRUST_PROXY: 'loopback',
        HOST: '127.0.0.1',
        PORT: String(SERVER_PORT),
        PUBLIC_URL: `https://${SITE}`,
        DATABASE_URL: databaseUrl,
        DATA_DIR: dataDir,
        SEED_DEMO: '1',
        SEED_DEMO_HISTORY: '0',
        DEMO_PASSWORD,
        LOG_LEVEL: 'warn',
        SIGNIN_RATE_LIMIT: '1000',
        MEDIA_WORKERS: '1',
        MEDIA_LISTEN_IP: COUNTY_ADDRESSES.web,
        MEDIA_ANNOUNCED_ADDRESS: COUNTY_ADDRESSES.web,
        // TURN/TLS by name (its certificate's), which Chromium resolves through --host-resolver-rules; those
        // rules also match IP literals, so a TCP TURN URL with an address would be refused. TURN/UDP names
        // are looked up without those rules (and the test network has no DNS): it gets the address.
        ICE_SERVER_URLS: `turn:${COUNTY_ADDRESSES.turn}:3478?transport=udp,turns:${TURN_NAME}:443?transport=tcp`,
        ICE_SERVER_SECRET: turnSecret,
        LIVE_SWEEP_SECONDS: '0',
        // Chromium's fake microphone, through echo cancellation and noise suppression, beeps at about −60 dBov.
        LIVE_SPEAKER_THRESHOLD_DBOV: '-80',
        SCHEDULE_REMINDER_TICK_SECONDS: '0',
        QUOTA_RECOMPUTE_MINUTES: '0',
        ...options.env,
      },
    }));
    services.push(server);
    undo.push(() => server.stop());

    await writeFile(path.join(dir, 'tongbu.conf'), await nginxSite(ca));
    await writeFile(path.join(dir, 'nginx.conf'), nginxMain(dir));
    const nginxArgs = [NGINX, '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'nginx-error.log')];
    await network.exec('county', [...nginxArgs, '-t', '-q']);
    const nginx = new ServiceProcess('nginx', network.spawn('county', [...nginxArgs, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] }));
    services.push(nginx);
    undo.push(() => nginx.stop());

    const tunnel = await loopbackTunnel(network, path.join(dir, 'platform.sock'), SERVER_PORT);
    services.push(tunnel.process);
    undo.push(() => tunnel.process.stop());
    undo.push(() => new Promise((resolve) => tunnel.server.close(resolve)));

    await server.waitForOutput('is running at', 180_000);
    await waitUntil('nginx on 443 (from the core school)', () => network.tcpAnswers('core', COUNTY_ADDRESSES.web, 443), 30_000, logs);
    await waitUntil('coturn on TLS 443 (from the core school)', () => network.tcpAnswers('core', COUNTY_ADDRESSES.turn, 443), 30_000, logs);
    await network.exec(UDP_BLOCKED_SCHOOL, ['nft', '-f', '-'], webOnlyFirewall);

    const database = await openDatabase({ kind: 'postgres', url: withDatabase(adminUrl, dbName), poolSize: 2 });
    // Before the database is dropped (undo runs in reverse).
    undo.push(() => database.close());

    const platform: CountyPlatform = {
      url: `https://${SITE}`,
      apiUrl: tunnel.url,
      database,
      signIn: (username, password) => signInAt(tunnel.url, username, password),
    };
    const launchBrowser = async (school: SchoolHost) => {
      const browser = await launchChromium(
        [...ca.chromiumFlags, `--host-resolver-rules=MAP ${SITE} ${COUNTY_ADDRESSES.web}, MAP ${TURN_NAME} ${COUNTY_ADDRESSES.turn}, MAP * ~NOTFOUND`],
        await network.wrapper(school, chromiumPath),
      );
      undo.push(() => browser.close());
      return browser;
    };
    return { network, platform, launchBrowser, logs, close };
  } catch (err) {
    const context = logs();
    await close().catch((e: Error) => console.error(e.message));
    throw new Error(`${(err as Error).message}\n${context}`, { cause: err });
  }
}
