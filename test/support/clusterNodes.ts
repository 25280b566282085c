import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { openDatabase, type Database } from '../../server/db/client.ts';
import { withAdmin, withDatabase } from './pgAdmin.ts';
import { DEMO_PASSWORD, signInAt, type SignedInClient } from './platform.ts';
import { ServiceProcess } from './serviceProcess.ts';

const NGINX = process.env['NGINX_PATH'] ?? '/usr/sbin/nginx';
const repoRoot = path.resolve(import.meta.dirname, '../..');

/** One app node: `server/main.ts` in a process of its own. */
export interface ClusterNode {
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
  /** The node holding a lesson's host lease (N-HOST-LEASE), read from Redis. */
  hostOf(sessionId: string): Promise<string | null>;
  signIn(username: string, password?: string): Promise<SignedInClient>;
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

function nginxConf(dir: string, nodePorts: readonly number[], doorPorts: readonly number[]): string {
  const doors = doorPorts.map((door, i) => {
    const servers = nodePorts.map((p, j) => `    server 127.0.0.1:${p}${j === i ? '' : ' backup'} max_fails=1 fail_timeout=2s;`).join('\n');
    return `  upstream door${i} {\n${servers}\n  }
  server {
    listen 127.0.0.1:${door};
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
${doors.join('\n')}
}
`;
}

/**
 * Several app nodes on loopback (server/cluster/SPEC.md), each `server/main.ts` with one
 * mediasoup worker and RTC ports of its own, sharing a fresh PostgreSQL database and
 * Redis, behind nginx. The first node migrates and seeds the demo county before the
 * others start. `env` adds to every node's environment.
 */
export async function startLoopbackCluster(options: { nodes: number; env?: Record<string, string> }): Promise<LoopbackCluster> {
  const adminUrl = process.env['TEST_DATABASE_URL'];
  const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  if (!adminUrl) throw new Error('the cluster test needs a PostgreSQL server: TEST_DATABASE_URL (scripts/test.sh sets it)');
  const undo: (() => Promise<unknown>)[] = [];
  const services: ServiceProcess[] = [];
  const logs = () => services.map((s) => `--- ${s.label}\n${s.output().slice(-4000)}`).join('\n');
  const close = async () => {
    for (const step of undo.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    const dir = await mkdtemp(path.join(tmpdir(), 'tongbu-cluster-'));
    undo.push(() => rm(dir, { recursive: true, force: true }));
    const dbName = `tongbu_test_${process.pid}${randomBytes(3).toString('hex')}_cluster`;
    await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${dbName}`));
    undo.push(() => withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)));
    const databaseUrl = withDatabase(adminUrl, dbName);
    const streamName = `tongbu-cluster-${randomBytes(4).toString('hex')}`;

    const nodePorts: number[] = [];
    const doorPorts: number[] = [];
    for (let i = 0; i < options.nodes; i++) nodePorts.push(await freePort());
    for (let i = 0; i < options.nodes; i++) doorPorts.push(await freePort());

    const nodes: ClusterNode[] = [];
    for (let i = 0; i < options.nodes; i++) {
      const nodeId = `node-${i + 1}`;
      const dataDir = path.join(dir, nodeId);
      await mkdir(dataDir);
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          NODE_ENV: 'test',
          TRUST_PROXY: 'loopback',
          HOST: '127.0.0.1',
          PORT: String(nodePorts[i]),
          DATABASE_URL: databaseUrl,
          DATA_DIR: dataDir,
          SEED_DEMO: '1',
          SEED_DEMO_HISTORY: '0',
          DEMO_PASSWORD,
          LOG_LEVEL: 'warn',
          SIGNIN_RATE_LIMIT: '1000',
          MEDIA_WORKERS: '1',
          MEDIA_RTC_MIN_PORT: String(42000 + i * 500),
          MEDIA_RTC_MAX_PORT: String(42000 + i * 500 + 499),
          REDIS_URL: redisUrl,
          REDIS_STREAM_NAME: streamName,
          CLUSTER_NODE_ID: nodeId,
          CLUSTER_LEASE_MS: '1000',
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
      nodes.push({ nodeId, url: `http://127.0.0.1:${nodePorts[i]}`, process: process_, exited, kill: (signal) => child.kill(signal) });
      // The first node migrates the database and seeds the county alone.
      if (i === 0) await process_.waitForOutput('is running at', 180_000);
    }
    await Promise.all(nodes.map((n) => n.process.waitForOutput('is running at', 180_000)));

    await writeFile(path.join(dir, 'nginx.conf'), nginxConf(dir, nodePorts, doorPorts));
    const nginxArgs = [NGINX, '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'nginx-error.log')];
    const nginx = new ServiceProcess('nginx', spawn(nginxArgs[0]!, [...nginxArgs.slice(1), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] }));
    services.push(nginx);
    undo.push(() => nginx.stop());
    const doors = doorPorts.map((p) => `http://127.0.0.1:${p}`);
    for (const door of doors) {
      const deadline = Date.now() + 30_000;
      while (!(await fetch(`${door}/api/health`).then((r) => r.ok, () => false))) {
        if (Date.now() > deadline) throw new Error(`nginx door ${door} does not answer\n${logs()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }

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
      hostOf: (sessionId) => redis.get(`${streamName}:cluster:host:${sessionId}`),
      signIn: (username, password) => signInAt(doors[0]!, username, password),
      logs,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
