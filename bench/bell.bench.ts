/**
 * `npm run bench -- bell`: the morning bell. K lessons of one teacher and three classrooms start
 * within 10 s; every participant signs in over HTTP (CSRF, cookie) before the bell, then at its
 * moment connects a Socket.IO socket, joins, creates and connects its transports, produces its
 * camera and microphone and consumes — the server doing all it does for a browser (session
 * checks, going live, the cluster's leases and relaying, ending and judging). Measured per K: join latency
 * p50/p95/p99 (socket connect → media set up), failed joins, rows written (after every
 * lesson was ended and judged). K is raised until p99 exceeds 2 s.
 *
 * Three setups measured side by side at each K, so the shared machine's load hits them alike:
 * ONE app node, TWO app nodes (server/main.ts processes sharing PostgreSQL and Redis; the
 * participants alternate between the nodes as a load balancer would spread them, so most lessons
 * are relayed) and the BARE baseline (bench/bellBare.ts: Socket.IO + mediasoup, the same
 * requests, no auth, no database, no evidence). Each server process has one mediasoup worker.
 * The Node clients do no ICE/DTLS, so no transport connects and no media evidence interval opens
 * (they open when media can flow); the evidence writer's cost with real media is in the join bench.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { openDatabase, type Database } from '../server/db/client.ts';
import { startLoopbackCluster, type LoopbackCluster } from '../test/support/clusterNodes.ts';
import { signInAt, type SignedInClient } from '../test/support/platform.ts';
import { ServiceProcess } from '../test/support/serviceProcess.ts';
import { bareParticipant, ourParticipant, type Participant } from './bellClients.ts';
import { lessonRows, seedBellLessons, type LessonRows } from './bellWorld.ts';
import type { Bench } from './run.ts';

const P99_LIMIT_MS = 2_000;
/** Per node: far above the default cap, so the steps find where the machine gives out, not the configuration. */
const MAX_CONSUMERS = 20_000;

interface Setup {
  readonly name: 'bare' | 'oneNode' | 'twoNodes';
  /** The lessons of one step: participants (teacher first) and the sessions to count evidence of. */
  lessons(k: number): Promise<{ participants: Participant[][]; sessionIds: string[]; signInMs: number }>;
  rows(sessionIds: string[]): Promise<LessonRows | null>;
  /** The servers' error lines, to say why joins failed. */
  errors(): string[];
  close(): Promise<void>;
}

export interface StepResult {
  k: number;
  participants: number;
  joined: number;
  failed: number;
  failures: string[];
  /** Socket connect → transports, producers and consumers set up. */
  latencyMs: Summary | null;
  /** The join request alone (session checks, going live, placement; the room). */
  joinRequestMs: Summary | null;
  /** What the lessons wrote, read once every lesson was ended and judged (null: the bare script writes nothing). */
  rows: LessonRows | null;
  signInMs: number;
}

interface Summary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const summary = (xs: readonly number[]): Summary | null =>
  xs.length ? { p50: Math.round(percentile(xs, 50)), p95: Math.round(percentile(xs, 95)), p99: Math.round(percentile(xs, 99)), max: Math.round(Math.max(...xs)) } : null;

const percentile = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

/** Runs `fn` over `items`, `width` at a time. */
async function inBatches<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

async function ourSetup(name: 'oneNode' | 'twoNodes', nodes: number, log: (m: string) => void): Promise<Setup> {
  process.env['TEST_DATABASE_URL'] ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  log(`${name}: starting ${nodes} app node(s)`);
  // The consumer cap raised (the default 2,000 binds at K ≈ 83, 24 consumers a lesson) and a county node's whole port range (server/config.ts: 10,000 by default), so the bench finds the server's limit rather than the test cluster's small slices.
  const cluster: LoopbackCluster = await startLoopbackCluster({ nodes, rtcPortsPerNode: 5_000, env: { CLUSTER_LEASE_MS: '2000', LIVE_HEARTBEAT_SECONDS: '15', LOG_LEVEL: 'error', MEDIA_NODE_MAX_CONSUMERS: String(MAX_CONSUMERS) } });
  // The temporary table of the seed lives on one connection.
  const db: Database = await openDatabase({ kind: 'postgres', url: cluster.databaseUrl, poolSize: 1 });
  const urls = cluster.nodes.map((n) => n.url);
  return {
    name,
    async lessons(k) {
      const lessons = await seedBellLessons(db.db, k);
      // Terminals are signed in before the bell (the night before); a few at a time, argon2 is the cost.
      const t0 = performance.now();
      const accounts = lessons.flatMap((l) => [l.teacher, ...l.classrooms]);
      const users = new Map<string, SignedInClient>();
      await inBatches(accounts, 4, async (u) => void users.set(u, await signInAt(urls[0]!, u)));
      const signInMs = Math.round(performance.now() - t0);
      // The load balancer spreads the sockets over the nodes, one after the other.
      let n = 0;
      const participants = lessons.map((l) => [l.teacher, ...l.classrooms].map((u) => ourParticipant(urls[n++ % urls.length]!, users.get(u)!, l.sessionId)));
      return { participants, sessionIds: lessons.map((l) => l.sessionId), signInMs };
    },
    rows: (ids) => lessonRows(db.db, ids),
    errors: () => cluster.logs().split('\n').filter((l) => l.includes('"level":50')),
    async close() {
      await db.close();
      await cluster.close();
    },
  };
}

async function bareSetup(log: (m: string) => void): Promise<Setup> {
  log('bare: starting the bare Socket.IO + mediasoup script');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'bellBare.ts')], { cwd: path.resolve(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  const bare = new ServiceProcess('bare', child);
  await bare.waitForOutput('bare listening', 60_000);
  const port = /bare listening (\d+)/.exec(bare.output())![1];
  const url = `http://127.0.0.1:${port}`;
  let lesson = 0;
  return {
    name: 'bare',
    async lessons(k) {
      const ids = Array.from({ length: k }, () => `bare-${lesson++}`);
      return { participants: ids.map((id) => [bareParticipant(url, id, 'teacher'), ...[1, 2, 3].map(() => bareParticipant(url, id, 'classroom'))]), sessionIds: ids, signInMs: 0 };
    },
    rows: async () => null,
    errors: () => bare.output().split('\n').filter((l) => /error/i.test(l)),
    close: () => bare.stop(),
  };
}

/** One bell: each lesson's teacher at a random moment of `spreadMs`, its classrooms once it is live. */
async function ring(setup: Setup, k: number, spreadMs: number, log: (m: string) => void): Promise<StepResult> {
  const { participants, sessionIds, signInMs } = await setup.lessons(k);
  const latencies: number[] = [];
  const joins: number[] = [];
  const entered = ({ totalMs, joinMs }: { totalMs: number; joinMs: number }) => {
    latencies.push(totalMs);
    joins.push(joinMs);
  };
  const failures: string[] = [];
  const fail = (what: string, err: unknown) => failures.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  await Promise.all(
    participants.map(async ([teacher, ...classrooms], i) => {
      await new Promise((r) => setTimeout(r, Math.random() * spreadMs));
      try {
        entered(await teacher!.enter());
      } catch (err) {
        fail(`lesson ${i} teacher`, err);
        for (let j = 0; j < classrooms.length; j++) fail(`lesson ${i} classroom ${j + 1}`, 'the teacher could not go live');
        return;
      }
      await Promise.all(
        classrooms.map(async (c, j) => {
          try {
            entered(await c.enter());
          } catch (err) {
            fail(`lesson ${i} classroom ${j + 1}`, err);
          }
        }),
      );
    }),
  );
  // Every lesson ends and is judged (ours writes and reads its evidence), a few at a time.
  await inBatches(participants, 4, async ([teacher]) => teacher!.end().catch((err: unknown) => fail('ending', err)));
  const rows = await setup.rows(sessionIds);
  for (const p of participants.flat()) p.close();
  const total = participants.flat().length;
  const result: StepResult = {
    k,
    participants: total,
    joined: latencies.length,
    failed: total - latencies.length,
    failures: [...new Set(failures)].slice(0, 5),
    latencyMs: summary(latencies),
    joinRequestMs: summary(joins),
    rows,
    signInMs,
  };
  log(`${setup.name} K=${k}: ${JSON.stringify(result)}`);
  if (result.failed) for (const line of setup.errors().slice(-10)) log(`${setup.name} server: ${line.slice(0, 600)}`);
  return result;
}

/** The largest K whose every join succeeded with p99 within the limit. */
const capacity = (steps: readonly StepResult[]) => Math.max(0, ...steps.filter((s) => s.failed === 0 && s.latencyMs && s.latencyMs.p99 <= P99_LIMIT_MS).map((s) => s.k));

const bench: Bench = async ({ log, quick }) => {
  const ks = quick ? [2, 4] : [4, 8, 16, 32, 64, 96, 128, 192, 256, 320, 384, 448, 512];
  const spreadMs = quick ? 3_000 : 10_000;
  const setups: Setup[] = [];
  try {
    setups.push(await bareSetup(log));
    setups.push(await ourSetup('oneNode', 1, log));
    setups.push(await ourSetup('twoNodes', 2, log));
    const steps: Record<Setup['name'], StepResult[]> = { bare: [], oneNode: [], twoNodes: [] };
    const over = new Set<Setup['name']>();
    for (const k of ks) {
      // At each K the setups take turns (bare, one node, two nodes), so load drift hits all alike.
      for (const setup of setups) {
        if (over.has(setup.name)) continue;
        const step = await ring(setup, k, spreadMs, log);
        steps[setup.name].push(step);
        // A smoke run (--quick) rings every K; a measuring run stops a setup past the limit or at its first failed join.
        if (!quick && (!step.latencyMs || step.latencyMs.p99 > P99_LIMIT_MS || step.failed > 0)) over.add(setup.name);
      }
      if (over.has('oneNode') && over.has('twoNodes')) break;
    }
    const ratio = (name: 'oneNode' | 'twoNodes') =>
      steps[name].flatMap((s) => {
        const b = steps.bare.find((x) => x.k === s.k);
        return b?.latencyMs && s.latencyMs ? [{ k: s.k, p99Ratio: Math.round((s.latencyMs.p99 / b.latencyMs.p99) * 100) / 100 }] : [];
      });
    const one = capacity(steps.oneNode);
    const two = capacity(steps.twoNodes);
    return {
      spreadMs,
      p99LimitMs: P99_LIMIT_MS,
      steps,
      capacityK: { bare: capacity(steps.bare), oneNode: one, twoNodes: two },
      p99VersusBare: { oneNode: ratio('oneNode'), twoNodes: ratio('twoNodes') },
      twoNodesOverOne: one > 0 ? Math.round((two / one) * 100) / 100 : null,
    };
  } finally {
    for (const s of setups.reverse()) await s.close().catch(() => undefined);
  }
};

export default bench;
