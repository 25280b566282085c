import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import type { Browser } from 'playwright-core';
import { inject } from 'vitest';
import type { ClusterNodeLoad } from '../../shared/schemas/cluster.ts';
import { openDatabase, type Database } from '../../server/db/client.ts';
import { chromiumPath, launchChromium } from './chromium.ts';
import { TestNetwork } from './netns.ts';
import { withAdmin, withDatabase } from './pgAdmin.ts';
import { DEMO_PASSWORD, signInAt, type SignedInClient } from './platform.ts';
import { ServiceProcess } from './serviceProcess.ts';

const NGINX = process.env['NGINX_PATH'] ?? '/usr/sbin/nginx';
/** How long a node may take to boot, nginx to answer: a bound for a broken set-up, not a figure a busy machine must meet. */
const BOOT_DEADLINE_MS = 300_000;

/**
 * How long a wait of the multi-node browser tests may take (a page showing up, decoding again after a
 * failover): three nodes, nginx and three pages on a machine other work keeps busy are slower, not
 * wrong — the bound only ends a broken test. The failover figures are measured, printed, never asserted.
 */
export const CLUSTER_WAIT_MS = 180_000;

/** The run's seeded PostgreSQL template (test/support/globalSetup.ts), if the project has that setup. */
function seededTemplate(): { name: string; run: string } | null {
  try {
    const name = inject('pgSeededTemplate');
    return name ? { name, run: inject('pgRun') ?? 'norun' } : null;
  } catch {
    return null;
  }
}
const repoRoot = path.resolve(import.meta.dirname, '../..');

/** One app node: `server/main.ts` in a process of its own. */
interface ClusterNode {
  readonly nodeId: string;
  readonly url: string;
  readonly process: ServiceProcess;
  /** Resolves with how the process ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Front doors of the load balancer (nginx): door `i` sends its traffic to node `i` while it
 * answers and to the other nodes when it does not — so a test decides where each page's
 * socket lands, and a page whose node dies reconnects through the same door to another.
 */
export interface LoopbackCluster {
  readonly nodes: readonly ClusterNode[];
  readonly doors: readonly string[];
  readonly database: Database;
  /** The nodes' database (PostgreSQL), for a connection of the caller's own. */
  readonly databaseUrl: string;
  /** The node holding a lesson's host lease (N-HOST-LEASE), read from Redis. */
  hostOf(sessionId: string): Promise<string | null>;
  /** Each node's registration as it last announced it (N-NODE-LOAD), read from Redis. */
  loads(): Promise<ClusterNodeLoad[]>;
  signIn(username: string, password?: string): Promise<SignedInClient>;
  /** A Chromium for page `i` (door i): on loopback one for all; with namespaces one inside school host i. */
  browser(i: number): Promise<Browser>;
  logs(): string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function nginxConf(dir: string, nodes: readonly string[], doors: readonly string[]): string {
  const blocks = doors.map((door, i) => {
    const servers = nodes.map((n, j) => `    server ${n}${j === i ? '' : ' backup'} max_fails=1 fail_timeout=2s;`).join('\n');
    return `  upstream door${i} {\n${servers}\n  }
  server {
    listen ${door};
    location / {
      proxy_pass http://door${i};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_connect_timeout 1s;
      proxy_read_timeout 120s;
      proxy_next_upstream error timeout;
    }
  }`;
  });
  return `user root;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/nginx-body;
  proxy_temp_path ${dir}/nginx-proxy;
  fastcgi_temp_path ${dir}/nginx-fastcgi;
  uwsgi_temp_path ${dir}/nginx-uwsgi;
  scgi_temp_path ${dir}/nginx-scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
${blocks.join('\n')}
}
`;
}

/** Test hosts of the namespace variant (198.18.0.0/15 only): the load balancer, the app nodes, the schools. */
const SCHOOL_HOSTS = ['core', 'ganpu', 'liuli'] as const;
const NODE_PORT = 3000;

/** A TCP forwarder (node -e) from `listen` to `target`: each "host:port" or a Unix socket path. */
const FORWARD = `const net=require('net');const [l,t]=process.argv.slice(1);const at=(a)=>a.startsWith('/')?{path:a}:{host:a.split(':')[0],port:+a.split(':')[1]};net.createServer((c)=>{const u=net.connect(at(t));c.pipe(u).pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy());}).listen(at(l),()=>console.log('forwarding'));`;

/** A Unix socket on this machine that reaches `target` (host:port) here. */
async function unixToTcp(socketPath: string, target: string): Promise<net.Server> {
  const [host, port] = target.split(':');
  const server = net.createServer((c) => {
    const u = net.connect(Number(port), host);
    c.pipe(u).pipe(c);
    c.on('error', () => u.destroy());
    u.on('error', () => c.destroy());
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return server;
}

/**
 * Several app nodes (server/cluster/SPEC.md), each `server/main.ts` with one mediasoup
 * worker, sharing a fresh PostgreSQL database and Redis, behind nginx. On loopback by
 * default (ports of their own); with `namespaces`, each node, the load balancer and each
 * school's Chromium in a test host of its own (netns.ts), PostgreSQL through its Unix
 * socket and Redis through a forwarder on each node's loopback. The first node migrates
 * and seeds the demo county before the others start. `env` adds to every node's environment.
 */
export async function startLoopbackCluster(options: { nodes: number; namespaces?: boolean; env?: Record<string, string>; subnet?: string; rtcPortsPerNode?: number }): Promise<LoopbackCluster> {
  // Each node its own slice of the RTC port range (a WebRtcTransport takes a UDP and a TCP port).
  const rtcPorts = options.rtcPortsPerNode ?? 500;
  // Each test file its own /24 (`subnet`: its first three octets), so files running side by side never meet.
  const subnet = options.subnet ?? '198.18.2';
  const LB = `${subnet}.2`;
  const nodeAddress = (i: number) => `${subnet}.${11 + i}`;
  const schoolAddress = (i: number) => `${subnet}.${20 + i}`;
  const adminUrl = process.env['TEST_DATABASE_URL'];
  const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  if (!adminUrl) throw new Error('the cluster test needs a PostgreSQL server: TEST_DATABASE_URL (scripts/test.sh sets it)');
  const undo: (() => Promise<unknown>)[] = [];
  const services: ServiceProcess[] = [];
  const logs = () => services.map((s) => `--- ${s.label}\n${s.output().slice(-4000)}`).join('\n');
  const browsers = new Map<number, Promise<Browser>>();
  const close = async () => {
    // A Chromium still starting is closed with the rest once it has.
    await Promise.allSettled(browsers.values());
    for (const step of undo.splice(0).reverse()) await step().catch(() => undefined);
  };
  // How long each step of the set-up took (printed: on a busy machine it says what is slow).
  const started = Date.now();
  let last = started;
  const phase = (what: string) => {
    const now = Date.now();
    console.log(`cluster set-up (${options.nodes} nodes${options.namespaces ? ', namespaces' : ''}): ${what} after ${((now - last) / 1000).toFixed(1)} s (${((now - started) / 1000).toFixed(1)} s in all)`);
    last = now;
  };
  try {
    const dir = await mkdtemp(path.join(tmpdir(), 'tongbu-cluster-'));
    undo.push(() => rm(dir, { recursive: true, force: true }));
    // The run's migrated template with the demo county (globalSetup.ts): no node migrates or seeds, so all start at once.
    const template = seededTemplate();
    const dbName = `tongbu_test_${template?.run ?? process.pid}_${randomBytes(3).toString('hex')}_cluster`;
    const where = await withAdmin(adminUrl, async (c) => {
      await c.query(template ? `CREATE DATABASE ${dbName} TEMPLATE ${template.name}` : `CREATE DATABASE ${dbName}`);
      return (await c.query<{ dirs: string; port: string }>(`select current_setting('unix_socket_directories') as dirs, current_setting('port') as port`)).rows[0]!;
    });
    undo.push(() => withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)));
    const databaseUrl = withDatabase(adminUrl, dbName);
    const streamName = `tongbu-cluster-${randomBytes(4).toString('hex')}`;

    const network = options.namespaces
      ? await TestNetwork.create([
          { name: 'lb', addresses: [LB] },
          ...Array.from({ length: options.nodes }, (_, i) => ({ name: `node${i + 1}`, addresses: [nodeAddress(i)] })),
          ...SCHOOL_HOSTS.map((name, i) => ({ name, addresses: [schoolAddress(i)] })),
        ])
      : null;
    if (network) undo.push(() => network.remove());
    const spawnIn = (host: string | null, argv: string[], opts: Parameters<typeof spawn>[2]) => (network && host ? network.spawn(host, argv, opts) : spawn(argv[0]!, argv.slice(1), opts));

    // Inside a namespace PostgreSQL is its Unix socket, Redis a forwarder on the node's own loopback.
    const admin = new URL(adminUrl);
    const auth = admin.password ? `${admin.username}:${admin.password}` : admin.username;
    const nodeDatabaseUrl = network ? `postgres://${auth}@/${dbName}?host=${encodeURIComponent(where.dirs.split(',')[0]!.trim())}&port=${where.port}` : databaseUrl;
    if (network) {
      const redisSocket = path.join(dir, 'redis.sock');
      const server = await unixToTcp(redisSocket, new URL(redisUrl).host);
      undo.push(() => new Promise((resolve) => server.close(resolve)));
      for (let i = 0; i < options.nodes; i++) {
        const fwd = new ServiceProcess(`redis forwarder ${i + 1}`, network.spawn(`node${i + 1}`, [process.execPath, '-e', FORWARD, '127.0.0.1:6379', redisSocket], { stdio: ['ignore', 'pipe', 'pipe'] }));
        services.push(fwd);
        undo.push(() => fwd.stop());
        await fwd.waitForOutput('forwarding', 20_000);
      }
    }

    phase(network ? 'database created, test hosts made' : 'database created');

    const nodeAddr: string[] = [];
    const doorAddr: string[] = [];
    for (let i = 0; i < options.nodes; i++) nodeAddr.push(network ? `${nodeAddress(i)}:${NODE_PORT}` : `127.0.0.1:${await freePort()}`);
    for (let i = 0; i < options.nodes; i++) doorAddr.push(network ? `${LB}:${8001 + i}` : `127.0.0.1:${await freePort()}`);

    const nodes: ClusterNode[] = [];
    for (let i = 0; i < options.nodes; i++) {
      const nodeId = `node-${i + 1}`;
      const dataDir = path.join(dir, nodeId);
      await mkdir(dataDir);
      const [host, port] = nodeAddr[i]!.split(':');
      const child = spawnIn(`node${i + 1}`, [process.execPath, '--import', 'tsx', 'server/main.ts'], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          NODE_ENV: 'test',
          TRUST_PROXY: network ? LB : 'loopback',
          HOST: host,
          PORT: port,
          DATABASE_URL: nodeDatabaseUrl,
          DATA_DIR: dataDir,
          SEED_DEMO: '1',
          SEED_DEMO_HISTORY: '0',
          DEMO_PASSWORD,
          LOG_LEVEL: 'warn',
          SIGNIN_RATE_LIMIT: '1000',
          MEDIA_WORKERS: '1',
          ...(network ? { MEDIA_LISTEN_IP: host, MEDIA_ANNOUNCED_ADDRESS: host } : {}),
          MEDIA_RTC_MIN_PORT: String(42000 + i * rtcPorts),
          MEDIA_RTC_MAX_PORT: String(42000 + i * rtcPorts + rtcPorts - 1),
          REDIS_URL: network ? 'redis://127.0.0.1:6379' : redisUrl,
          REDIS_STREAM_NAME: streamName,
          CLUSTER_NODE_ID: nodeId,
          // Long enough that a node the busy machine stalls for a second keeps its registration (a lapse moves
          // every lesson it hosts); a killed node is still known gone at the next quarter lease (N-NODE-GONE).
          CLUSTER_LEASE_MS: '3000',
          // A dead node's evidence intervals are closed by the survivors within seconds.
          LIVE_HEARTBEAT_SECONDS: '1',
          LIVE_SWEEP_SECONDS: '0',
          LIVE_SPEAKER_THRESHOLD_DBOV: '-80',
          SCHEDULE_REMINDER_TICK_SECONDS: '0',
          QUOTA_RECOMPUTE_MINUTES: '0',
          ...options.env,
        },
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
      const process_ = new ServiceProcess(nodeId, child);
      services.push(process_);
      undo.push(() => process_.stop());
      nodes.push({ nodeId, url: `http://${nodeAddr[i]}`, process: process_, exited, kill: (signal) => child.kill(signal) });
      // Without the run's template the first node migrates the database and seeds the county alone.
      if (i === 0 && !template) await process_.waitForOutput('is running at', BOOT_DEADLINE_MS);
    }
    // Chromium starts while the nodes boot (on loopback one for every page, with namespaces one per school host).
    const browser = (i: number): Promise<Browser> => {
      const key = network ? i : 0;
      let b = browsers.get(key);
      if (!b) {
        const launching = network
          ? // Plain HTTP to the load balancer's address: camera and microphone need a secure context, so the doors count as one.
            network.wrapper(SCHOOL_HOSTS[i]!, chromiumPath).then((wrapper) => launchChromium([`--unsafely-treat-insecure-origin-as-secure=${doorAddr.map((a) => `http://${a}`).join(',')}`], wrapper))
          : launchChromium();
        b = launching.then((started) => (undo.push(() => started.close()), started));
        browsers.set(key, b);
      }
      return b;
    };
    const schools = network ? SCHOOL_HOSTS.map((_, i) => i) : [0];
    for (const i of schools) void browser(i).catch(() => undefined);

    await writeFile(path.join(dir, 'nginx.conf'), nginxConf(dir, nodeAddr, doorAddr));
    const nginxArgs = [NGINX, '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'nginx-error.log'), '-g', 'daemon off;'];
    const nginx = new ServiceProcess('nginx', spawnIn('lb', nginxArgs, { stdio: ['ignore', 'pipe', 'pipe'] }));
    services.push(nginx);
    undo.push(() => nginx.stop());
    const doors = doorAddr.map((a) => `http://${a}`);

    // The test's own way in (sign-in, health): door 1 itself on loopback; with namespaces a tunnel to it.
    let apiUrl = doors[0]!;
    if (network) {
      const socketPath = path.join(dir, 'door.sock');
      const inside = new ServiceProcess('door tunnel', network.spawn('lb', [process.execPath, '-e', FORWARD, socketPath, doorAddr[0]!], { stdio: ['ignore', 'pipe', 'pipe'] }));
      services.push(inside);
      undo.push(() => inside.stop());
      await inside.waitForOutput('forwarding', 20_000);
      const local = await freePort();
      const outside = new ServiceProcess('door tunnel (here)', spawn(process.execPath, ['-e', FORWARD, `127.0.0.1:${local}`, socketPath], { stdio: ['ignore', 'pipe', 'pipe'] }));
      services.push(outside);
      undo.push(() => outside.stop());
      await outside.waitForOutput('forwarding', 20_000);
      apiUrl = `http://127.0.0.1:${local}`;
    }
    phase('test hosts, nodes, nginx and Chromium started');
    await Promise.all([...nodes.map((n) => n.process.waitForOutput('is running at', BOOT_DEADLINE_MS)), ...schools.map((i) => browser(i))]);
    phase('nodes booted, Chromium ready');
    const answers = async (i: number) =>
      network
        ? network.tcpAnswers(SCHOOL_HOSTS[i % SCHOOL_HOSTS.length]!, LB, 8001 + i)
        : fetch(`${doors[i]}/api/health`).then((r) => r.ok, () => false);
    for (let i = 0; i < doors.length; i++) {
      const deadline = Date.now() + BOOT_DEADLINE_MS;
      while (!(await answers(i))) {
        if (Date.now() > deadline) throw new Error(`nginx door ${doors[i]} does not answer\n${logs()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    phase('nginx answering');

    const database = await openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 2 });
    undo.push(() => database.close());
    const redis = createClient({ url: redisUrl });
    redis.on('error', () => {});
    await redis.connect();
    undo.push(() => redis.quit());
    return {
      nodes,
      doors,
      database,
      databaseUrl,
      hostOf: (sessionId) => redis.get(`${streamName}:cluster:host:${sessionId}`),
      loads: async () => {
        const values = await redis.mGet(nodes.map((n) => `${streamName}:cluster:node:${n.nodeId}`));
        return values.flatMap((v) => (v ? [JSON.parse(v) as ClusterNodeLoad] : []));
      },
      signIn: (username, password) => signInAt(apiUrl, username, password),
      browser,
      logs,
      close,
    };
  } catch (err) {
    const context = logs();
    await close();
    throw new Error(`${(err as Error).message}\n${context}`, { cause: err });
  }
}
