import type { RequestHandler } from 'express';
import client from 'prom-client';
import type { Server as IoServer } from 'socket.io';
import type { WorkerPool } from '../../media/WorkerPool.ts';
import type { LiveRole } from '../../shared/schemas/live.ts';
import type { AppDeps } from '../app.ts';
import type { Database } from '../db/client.ts';
import { liveServiceOf, poolOf } from '../live/service.ts';
import { clusterOfIo } from '../cluster/index.ts';
import { observeSignaling } from './signalingMetrics.ts';

/** The pool behind a node-postgres drizzle instance (PGlite has none). */
interface PgPoolCounts {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

/**
 * One platform's Prometheus metrics, in its own registry (never the global one:
 * several platforms in one test process must not share counters). Live and media
 * figures are read from existing state at scrape time, so live code keeps no counters.
 */
export class PlatformMetrics {
  readonly registry = new client.Registry();
  readonly #httpRequests: client.Counter<'method' | 'route' | 'status_code'>;
  readonly #httpDuration: client.Histogram<'method' | 'route' | 'status_code'>;
  readonly #workerRestarts: client.Counter;
  readonly #quotaRecompute: client.Histogram;
  readonly #evidenceWrite: client.Histogram;
  readonly #firstFrame: client.Histogram<'role'>;
  #io: IoServer | null = null;

  constructor(database: Database, pool: WorkerPool | null) {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, prefix: 'tongbu_' });
    // Gauges named like counters fail `promtool check metrics`; their by-type twins (nodejs_active_handles{type}) stay.
    for (const name of ['handles', 'requests', 'resources']) this.registry.removeSingleMetric(`tongbu_nodejs_active_${name}_total`);
    this.#httpRequests = new client.Counter({ name: 'tongbu_http_requests_total', help: 'HTTP requests by route pattern and status', labelNames: ['method', 'route', 'status_code'], registers });
    this.#httpDuration = new client.Histogram({
      name: 'tongbu_http_request_duration_seconds',
      help: 'HTTP request latency by route pattern and status',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const io = () => this.#io;
    new client.Gauge({
      name: 'tongbu_socketio_connections',
      help: 'Signed-in Socket.IO connections open on this process',
      registers,
      collect() {
        this.set(io()?.of('/').sockets.size ?? 0);
      },
    });
    const live = () => {
      const server = io();
      return server ? liveServiceOf(server) : undefined;
    };
    const liveGauge = (name: string, help: string, count: (rooms: NonNullable<ReturnType<typeof live>>['rooms']) => number) =>
      new client.Gauge({
        name,
        help,
        registers,
        collect() {
          const service = live();
          this.set(service ? count(service.rooms) : 0);
        },
      });
    liveGauge('tongbu_live_rooms', 'Live sessions with an open room on this process', (rooms) => rooms.size);
    // A mirror is another node's participant (server/cluster N-EDGE, N-EDGE-ROSTER): that node counts it.
    liveGauge('tongbu_live_peers', 'Participants in open live rooms (mirrors of other nodes\' participants not counted)', (rooms) => sum(rooms, (r) => sum(r.participants, (p) => (p.mirror ? 0 : 1))));
    liveGauge('tongbu_live_producers', 'Media producers in open live rooms', (rooms) => sum(rooms, (r) => (r.media.closed ? 0 : r.media.listProducers().length)));
    liveGauge('tongbu_live_consumers', 'Media consumers of participants in open live rooms', (rooms) => sum(rooms, (r) => sum(r.participants, (p) => p.consumers.size)));
    this.#clusterGauges(io, registers);

    this.#quotaRecompute = new client.Histogram({
      name: 'tongbu_quota_recompute_duration_seconds',
      help: 'Quota progress recompute duration (one academic year, the communities that changed or all)',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#evidenceWrite = new client.Histogram({
      name: 'tongbu_evidence_write_duration_seconds',
      help: 'Live evidence interval writes (open, close, activity) to the database',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.#firstFrame = new client.Histogram({
      name: 'tongbu_live_join_to_first_frame_seconds',
      help: 'Join to the first decoded remote video frame, as browsers report it once per join, by live role',
      labelNames: ['role'],
      buckets: [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 13, 20, 30, 60, 120, 300, 600],
      registers,
    });
    this.#workerRestarts = new client.Counter({ name: 'tongbu_media_worker_restarts_total', help: 'mediasoup workers that died and were replaced', registers });
    if (pool) {
      pool.on('workerdied', () => this.#workerRestarts.inc());
      this.#mediaWorkerGauges(pool, registers);
    }
    const pgPool = database.kind === 'postgres' ? ((database.db as unknown as { $client?: PgPoolCounts }).$client ?? null) : null;
    if (pgPool) this.#databasePoolGauges(pgPool, registers);
  }

  /** Several app nodes: every node's load as this node last heard it (server/cluster/SPEC.md N-NODE-LOAD), labelled by node. */
  #clusterGauges(io: () => IoServer | null, registers: client.Registry[]): void {
    const nodes = () => {
      const server = io();
      return (server && clusterOfIo(server)?.nodes) || [];
    };
    const nodeGauge = (name: string, help: string, value: (n: ReturnType<typeof nodes>[number]) => number | null) =>
      new client.Gauge({
        name,
        help,
        labelNames: ['node'],
        registers,
        collect() {
          this.reset();
          for (const n of nodes()) {
            const v = value(n);
            if (v !== null) this.set({ node: n.nodeId }, v);
          }
        },
      });
    nodeGauge('tongbu_cluster_node_consumers', 'Consumers each app node carries (pipe consumers to edge nodes included)', (n) => n.consumers);
    nodeGauge('tongbu_cluster_node_pipe_consumers', 'Of those, pipe consumers feeding edge nodes (N-PLACEMENT-PIPES)', (n) => n.pipeConsumers ?? 0);
    nodeGauge('tongbu_cluster_node_max_consumers', 'Consumers each app node may carry (MEDIA_NODE_MAX_CONSUMERS)', (n) => n.maxConsumers);
    nodeGauge('tongbu_cluster_node_transports', 'Media transports open on each app node (each holds an RTC port)', (n) => n.transports ?? null);
    nodeGauge('tongbu_cluster_node_max_transports', 'Media transports the RTC port range of each app node holds (absent with WebRtcServer ports)', (n) => n.maxTransports ?? null);
    nodeGauge('tongbu_cluster_node_lessons', 'Live lessons each app node hosts', (n) => n.lessons.length);
    nodeGauge('tongbu_cluster_node_worker_cpu_ratio', 'Media workers\' CPU share on each app node (0-1 per worker, averaged)', (n) => n.workerCpu);
    nodeGauge('tongbu_cluster_node_draining', 'Whether an app node is draining (1) and takes no new lesson', (n) => (n.draining ? 1 : 0));
  }

  #mediaWorkerGauges(pool: WorkerPool, registers: client.Registry[]): void {
    new client.Gauge({
      name: 'tongbu_media_workers',
      help: 'mediasoup worker slots, alive or not',
      labelNames: ['alive'],
      registers,
      async collect() {
        const info = pool.closed ? [] : await pool.info();
        this.set({ alive: 'true' }, info.filter((w) => w.alive).length);
        this.set({ alive: 'false' }, info.filter((w) => !w.alive).length);
      },
    });
    const perWorker = (name: string, help: string, value: (w: Awaited<ReturnType<WorkerPool['info']>>[number]) => number | null) =>
      new client.Gauge({
        name,
        help,
        labelNames: ['worker'],
        registers,
        async collect() {
          this.reset();
          for (const w of pool.closed ? [] : await pool.info()) {
            const v = value(w);
            if (v !== null) this.set({ worker: String(w.slot) }, v);
          }
        },
      });
    perWorker('tongbu_media_worker_routers', 'Routers open on each mediasoup worker', (w) => w.routers);
    perWorker('tongbu_media_worker_consumers', 'Consumers open on each mediasoup worker (pipe consumers included)', (w) => w.consumers);
    perWorker('tongbu_media_worker_cpu_seconds', 'CPU time (user + system) of each mediasoup worker', (w) => (w.cpuMs === null ? null : w.cpuMs / 1000));
  }

  #databasePoolGauges(pgPool: PgPoolCounts, registers: client.Registry[]): void {
    new client.Gauge({
      name: 'tongbu_db_pool_clients',
      help: 'PostgreSQL pool clients by state',
      labelNames: ['state'],
      registers,
      collect() {
        this.set({ state: 'idle' }, pgPool.idleCount);
        this.set({ state: 'busy' }, pgPool.totalCount - pgPool.idleCount);
      },
    });
    new client.Gauge({
      name: 'tongbu_db_pool_waiting',
      help: 'Queries waiting for a PostgreSQL pool client',
      registers,
      collect() {
        this.set(pgPool.waitingCount);
      },
    });
  }

  /** The quota tracker reports each recompute's duration here. */
  readonly quotaRecomputed = (seconds: number): void => this.#quotaRecompute.observe(seconds);

  /** The live evidence writer reports each write's duration here. */
  readonly evidenceWritten = (seconds: number): void => this.#evidenceWrite.observe(seconds);

  /** The live service reports each accepted join-to-first-frame report here (the role is the only label). */
  readonly firstFrameSeen = (role: LiveRole, seconds: number): void => this.#firstFrame.observe({ role }, seconds);

  /** Counts the Socket.IO connections, times live signaling and reaches the live rooms of this server. */
  attach(io: IoServer): void {
    this.#io = io;
    observeSignaling(io, this.registry);
  }

  /**
   * Times every request and labels it by the Express route pattern it matched
   * (never the raw URL: paths carry ids and calendar feed tokens).
   */
  observeHttp(): RequestHandler {
    return (req, res, next) => {
      const end = this.#httpDuration.startTimer();
      res.once('finish', () => {
        const routePath: unknown = (req.route as { path?: unknown } | undefined)?.path;
        const labels = { method: req.method, route: typeof routePath === 'string' ? `${req.baseUrl}${routePath}` : 'unmatched', status_code: String(res.statusCode) };
        end(labels);
        this.#httpRequests.inc(labels);
      });
      next();
    };
  }
}

function sum<T>(items: Iterable<T> | Map<unknown, T>, count: (item: T) => number): number {
  let total = 0;
  for (const item of items instanceof Map ? items.values() : items) total += count(item);
  return total;
}

const platforms = new WeakMap<AppDeps, PlatformMetrics>();

/**
 * One PlatformMetrics per platform: the HTTP app and the Socket.IO server share it.
 * None without METRICS_TOKEN: nobody could read them, so nothing is measured.
 */
export function metricsFor(deps: AppDeps): PlatformMetrics | null {
  if (!deps.config.metricsToken) return null;
  let m = platforms.get(deps);
  if (!m) platforms.set(deps, (m = new PlatformMetrics(deps.database, poolOf(deps.media))));
  return m;
}
