import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { InvalidMediaArgumentError, WorkerPoolClosedError } from './errors.ts';
import { TypedEmitter } from './TypedEmitter.ts';
import type { IceServer } from './types.ts';

export { WorkerPoolClosedError } from './errors.ts';

/** Where transports listen and what clients are told (server/config.ts `config.media`). */
export interface MediaNetworkOptions {
  /** IP the workers bind to. Default 127.0.0.1 (tests, single-machine development). */
  readonly listenIp?: string;
  /** Address announced in ICE candidates when the server sits behind NAT (public IP or host name). */
  readonly announcedAddress?: string;
  /** UDP/TCP port range of WebRtcTransports and PlainTransports. Default 40000–49999. */
  readonly rtcMinPort?: number;
  readonly rtcMaxPort?: number;
  /**
   * If set, each worker gets one WebRtcServer listening on UDP and TCP port
   * `webRtcServerPort + slot` and every WebRtcTransport goes through it (a
   * handful of firewall-friendly ports instead of a range). Unset: one port
   * per transport from the range.
   */
  readonly webRtcServerPort?: number;
  /** STUN/TURN servers handed to clients with every transport (mediasoup itself is ICE-lite). */
  readonly iceServers?: readonly IceServer[];
}

export interface WorkerPoolOptions {
  /** How many workers (one per core is mediasoup's guidance). */
  readonly size: number;
  readonly logLevel?: types.WorkerLogLevel;
  readonly logTags?: types.WorkerLogTag[];
  /** Restart a dead worker after this long when respawning fails; doubled while it keeps failing, capped at 30 s. */
  readonly restartDelayMs?: number;
  readonly network?: MediaNetworkOptions;
}

export interface WorkerInfo {
  readonly slot: number;
  readonly pid: number;
  readonly alive: boolean;
  /** Routers currently open on the worker (one per room, more for large broadcasts). */
  readonly routers: number;
  /** Consumers currently open on the worker (pipe consumers included). */
  readonly consumers: number;
  readonly cpuMs: number | null;
  /** Port of the worker's WebRtcServer, if the pool uses them. */
  readonly webRtcServerPort: number | null;
}

export interface WorkerPoolEvents extends Record<string, unknown[]> {
  /** A worker died; `replacement` is the worker now in its slot. Rooms on it rebuild themselves. */
  workerdied: [dead: types.Worker, replacement: types.Worker, error: Error];
  workerstarted: [worker: types.Worker];
}

export interface ResolvedNetwork {
  readonly listenIp: string;
  readonly announcedAddress: string | undefined;
  readonly portRange: { readonly min: number; readonly max: number };
  readonly webRtcServerPort: number | undefined;
  readonly iceServers: readonly IceServer[];
}

interface WorkerLoad {
  routers: number;
  consumers: number;
}

export interface PoolWorkerAppData extends types.AppData {
  slot: number;
}

/**
 * A fixed number of mediasoup workers. A worker that dies is replaced in its
 * slot and `workerdied` tells whoever listens; rooms rebuild from their routers'
 * `workerclose` and `whenWorkerAvailable()`.
 */
export class WorkerPool extends TypedEmitter<WorkerPoolEvents> {
  readonly #options: WorkerPoolOptions;
  readonly #network: ResolvedNetwork;
  readonly #slots: types.Worker<PoolWorkerAppData>[] = [];
  readonly #load = new Map<types.Worker, WorkerLoad>();
  readonly #webRtcServers = new Map<types.Worker, types.WebRtcServer>();
  readonly #waiters = new Set<{ resolve: (w: types.Worker) => void; reject: (e: Error) => void }>();
  #closed = false;
  #nextIndex = 0;

  private constructor(options: WorkerPoolOptions) {
    super();
    this.#options = options;
    const n = options.network ?? {};
    const min = n.rtcMinPort ?? 40000;
    const max = n.rtcMaxPort ?? 49999;
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) {
      throw new InvalidMediaArgumentError(`invalid RTC port range ${min}–${max}`);
    }
    this.#network = {
      listenIp: n.listenIp ?? '127.0.0.1',
      announcedAddress: n.announcedAddress || undefined,
      portRange: { min, max },
      webRtcServerPort: n.webRtcServerPort,
      iceServers: n.iceServers ?? [],
    };
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new InvalidMediaArgumentError(`a worker pool needs at least one worker (got ${options.size})`);
    }
    const pool = new WorkerPool(options);
    try {
      for (let i = 0; i < options.size; i++) pool.#slots.push(await pool.#spawn(i));
    } catch (err) {
      pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.#slots.length;
  }

  get workers(): readonly types.Worker[] {
    return this.#slots;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get network(): ResolvedNetwork {
    return this.#network;
  }

  /** The WebRtcServer of a worker, when the pool is configured with `webRtcServerPort`. */
  webRtcServerOf(worker: types.Worker): types.WebRtcServer | undefined {
    return this.#webRtcServers.get(worker);
  }

  /** Listen infos for a transport on the configured IP, announced address and port range. */
  listenInfo(protocol: types.TransportProtocol): types.TransportListenInfo {
    const n = this.#network;
    return {
      protocol,
      ip: n.listenIp,
      ...(n.announcedAddress ? { announcedAddress: n.announcedAddress } : {}),
      portRange: { min: n.portRange.min, max: n.portRange.max },
    };
  }

  async #spawn(slot: number): Promise<types.Worker<PoolWorkerAppData>> {
    const worker = await mediasoup.createWorker<PoolWorkerAppData>({
      logLevel: this.#options.logLevel ?? 'warn',
      ...(this.#options.logTags ? { logTags: this.#options.logTags } : {}),
      appData: { slot },
    });
    const load: WorkerLoad = { routers: 0, consumers: 0 };
    this.#load.set(worker, load);
    worker.observer.on('newrouter', (router) => {
      load.routers++;
      router.observer.once('close', () => (load.routers = Math.max(0, load.routers - 1)));
      router.observer.on('newtransport', (transport) =>
        transport.observer.on('newconsumer', (consumer) => {
          load.consumers++;
          consumer.observer.once('close', () => (load.consumers = Math.max(0, load.consumers - 1)));
        }),
      );
    });
    worker.once('died', (error) => void this.#replace(slot, worker, error));
    if (this.#network.webRtcServerPort !== undefined) {
      const port = this.#network.webRtcServerPort + slot;
      const base = { ip: this.#network.listenIp, port, ...(this.#network.announcedAddress ? { announcedAddress: this.#network.announcedAddress } : {}) };
      try {
        const server = await worker.createWebRtcServer({
          listenInfos: [
            { protocol: 'udp', ...base },
            { protocol: 'tcp', ...base },
          ],
        });
        this.#webRtcServers.set(worker, server);
        server.observer.once('close', () => this.#webRtcServers.delete(worker));
      } catch (err) {
        worker.close();
        throw err;
      }
    }
    this.emit('workerstarted', worker);
    for (const waiter of this.#waiters) waiter.resolve(worker);
    this.#waiters.clear();
    return worker;
  }

  async #replace(slot: number, dead: types.Worker, error: Error, attempt = 0): Promise<void> {
    if (this.#closed) return;
    this.#load.delete(dead);
    this.#webRtcServers.delete(dead);
    try {
      const replacement = await this.#spawn(slot);
      if (this.#closed) {
        replacement.close();
        return;
      }
      this.#slots[slot] = replacement;
      this.emit('workerdied', dead, replacement, error);
    } catch (err) {
      const delay = Math.min(30_000, (this.#options.restartDelayMs ?? 500) * 2 ** attempt);
      setTimeout(() => void this.#replace(slot, dead, err as Error, attempt + 1), delay).unref();
    }
  }

  #alive(): types.Worker[] {
    return this.#slots.filter((w) => !w.closed && !w.died);
  }

  /**
   * The alive worker with the fewest consumers (then fewest routers; round-robin
   * among equals), skipping `exclude`. Undefined if every alive worker is excluded.
   */
  leastLoaded(exclude?: ReadonlySet<types.Worker>): types.Worker | undefined {
    if (this.#closed) throw new WorkerPoolClosedError();
    const alive = this.#alive().filter((w) => !exclude?.has(w));
    if (alive.length === 0) return undefined;
    const start = this.#nextIndex++ % alive.length;
    let best = alive[start]!;
    const cost = (w: types.Worker) => {
      const l = this.#load.get(w);
      return l ? l.consumers * 1000 + l.routers : 0;
    };
    for (let i = 0; i < alive.length; i++) {
      const w = alive[(start + i) % alive.length]!;
      if (cost(w) < cost(best)) best = w;
    }
    return best;
  }

  /** The least loaded alive worker; waits for a replacement if all have died. */
  whenWorkerAvailable(): Promise<types.Worker> {
    if (this.#closed) return Promise.reject(new WorkerPoolClosedError());
    const worker = this.leastLoaded();
    if (worker) return Promise.resolve(worker);
    return new Promise((resolve, reject) => this.#waiters.add({ resolve, reject }));
  }

  async info(): Promise<WorkerInfo[]> {
    return Promise.all(
      this.#slots.map(async (w, slot) => {
        const alive = !w.closed && !w.died;
        const usage = alive ? await w.getResourceUsage().catch(() => null) : null;
        const load = this.#load.get(w);
        return {
          slot,
          pid: w.pid,
          alive,
          routers: load?.routers ?? 0,
          consumers: load?.consumers ?? 0,
          cpuMs: usage ? usage.ru_utime + usage.ru_stime : null,
          webRtcServerPort: this.#webRtcServers.has(w) ? (this.#network.webRtcServerPort ?? 0) + slot : null,
        };
      }),
    );
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiters) waiter.reject(new WorkerPoolClosedError());
    this.#waiters.clear();
    for (const w of this.#slots) w.close();
    this.removeAllListeners();
  }
}
