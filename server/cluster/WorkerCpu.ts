import type { WorkerPool } from '../../media/index.ts';

/**
 * The media workers' CPU use between two samples, as a share of one core per worker
 * (placement counts it: N-PLACEMENT). From mediasoup's own resource usage of each worker.
 */
export class WorkerCpu {
  readonly #pool: WorkerPool | null;
  #last: { at: number; cpuMs: number } | null = null;
  #sampling = false;
  share: number | null = null;

  constructor(pool: WorkerPool | null) {
    this.#pool = pool;
  }

  async sample(): Promise<void> {
    const pool = this.#pool;
    if (!pool || pool.closed || this.#sampling) return;
    this.#sampling = true;
    try {
      await this.#sample(pool);
    } finally {
      this.#sampling = false;
    }
  }

  async #sample(pool: WorkerPool): Promise<void> {
    const alive = pool.workers.filter((w) => !w.closed && !w.died);
    if (alive.length === 0) return;
    const usages = await Promise.all(alive.map((w) => w.getResourceUsage().catch(() => null)));
    const cpuMs = usages.reduce((sum, u) => sum + (u ? u.ru_utime + u.ru_stime : 0), 0);
    const at = performance.now();
    if (this.#last && at > this.#last.at && cpuMs >= this.#last.cpuMs) {
      this.share = Math.min(1, (cpuMs - this.#last.cpuMs) / (at - this.#last.at) / alive.length);
    }
    this.#last = { at, cpuMs };
  }
}
