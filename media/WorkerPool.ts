import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { TypedEmitter } from './TypedEmitter.ts';

export interface WorkerPoolOptions {
  /** How many workers (one per core is mediasoup's guidance). */
  readonly size: number;
  readonly logLevel?: types.WorkerLogLevel;
  /** Restart a dead worker after this long; doubled while they keep dying, capped at 30 s. */
  readonly restartDelayMs?: number;
}

export interface WorkerInfo {
  readonly pid: number;
  readonly alive: boolean;
  /** Routers currently open on the worker (one per room, more for large broadcasts). */
  readonly routers: number;
  readonly cpuMs: number | null;
}

export interface WorkerPoolEvents extends Record<string, unknown[]> {
  /** A worker died; `replacement` is the worker now in its slot. Rooms on it must be rebuilt. */
  workerdied: [dead: types.Worker, replacement: types.Worker, error: Error];
  workerstarted: [worker: types.Worker];
}

export class WorkerPoolClosedError extends Error {
  constructor() {
    super('the worker pool is closed');
    this.name = 'WorkerPoolClosedError';
  }
}

/**
 * A fixed number of mediasoup workers. A worker that dies is replaced in its
 * slot and `workerdied` tells the rooms that lived on it to rebuild.
 */
export class WorkerPool extends TypedEmitter<WorkerPoolEvents> {
  readonly #options: WorkerPoolOptions;
  readonly #slots: types.Worker[] = [];
  readonly #routerCount = new Map<types.Worker, number>();
  #closed = false;
  #nextIndex = 0;

  private constructor(options: WorkerPoolOptions) {
    super();
    this.#options = options;
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    for (let i = 0; i < options.size; i++) pool.#slots.push(await pool.#spawn(i));
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

  async #spawn(slot: number): Promise<types.Worker> {
    const worker = await mediasoup.createWorker({ logLevel: this.#options.logLevel ?? 'warn' });
    this.#routerCount.set(worker, 0);
    worker.observer.on('newrouter', (router) => {
      this.#routerCount.set(worker, (this.#routerCount.get(worker) ?? 0) + 1);
      router.observer.once('close', () => this.#routerCount.set(worker, Math.max(0, (this.#routerCount.get(worker) ?? 1) - 1)));
    });
    worker.once('died', (error) => void this.#replace(slot, worker, error));
    this.emit('workerstarted', worker);
    return worker;
  }

  async #replace(slot: number, dead: types.Worker, error: Error, attempt = 0): Promise<void> {
    if (this.#closed) return;
    this.#routerCount.delete(dead);
    try {
      const replacement = await this.#spawn(slot);
      this.#slots[slot] = replacement;
      this.emit('workerdied', dead, replacement, error);
    } catch (err) {
      const delay = Math.min(30_000, (this.#options.restartDelayMs ?? 500) * 2 ** attempt);
      setTimeout(() => void this.#replace(slot, dead, err as Error, attempt + 1), delay).unref();
    }
  }

  /** The worker with the fewest routers (round-robin among equals). */
  leastLoaded(): types.Worker {
    if (this.#closed) throw new WorkerPoolClosedError();
    const alive = this.#slots.filter((w) => !w.closed && !w.died);
    if (alive.length === 0) throw new Error('no mediasoup worker is alive');
    const start = this.#nextIndex++ % alive.length;
    let best = alive[start]!;
    for (let i = 0; i < alive.length; i++) {
      const w = alive[(start + i) % alive.length]!;
      if ((this.#routerCount.get(w) ?? 0) < (this.#routerCount.get(best) ?? 0)) best = w;
    }
    return best;
  }

  async info(): Promise<WorkerInfo[]> {
    return Promise.all(
      this.#slots.map(async (w) => {
        const alive = !w.closed && !w.died;
        const usage = alive ? await w.getResourceUsage().catch(() => null) : null;
        return { pid: w.pid, alive, routers: this.#routerCount.get(w) ?? 0, cpuMs: usage ? usage.ru_utime + usage.ru_stime : null };
      }),
    );
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#slots) w.close();
    this.removeAllListeners();
  }
}
