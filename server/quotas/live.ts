import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import type { Server as IoServer } from 'socket.io';
import type pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { QUOTA_PROGRESS_EVENT, type CommunityProgress, type QuotaProgressEvent } from '../../shared/schemas/quotas.ts';
import type { Db } from '../db/client.ts';
import { quotaProgress } from '../db/schema/index.ts';
import type { Logger } from '../log.ts';
import { rooms } from '../realtime/io.ts';
import { recompute } from './progress.ts';
import { loadYears, pickYear, type YearCalendar } from './years.ts';

/**
 * Live dashboards. Triggers (migration 0010) NOTIFY `tongbu_quota` with a community id
 * when something that can move its progress commits (a session's status or participants,
 * a verdict, a recording, offline research and its files, a dispatch, a correction, a
 * membership), or `*` (rules, closures, the calendar). Each server process LISTENs; on a
 * notification it recomputes only that community (set-based, a few ms), stores it, and —
 * if the stored progress changed — emits `quotas:progress` to `community-quotas:<id>`,
 * `county:<id>` and the admins. Every process hears every notification; the upsert's time
 * guard and the digest make one of them (usually) the one that emits, and the Redis
 * adapter carries the emit to the sockets of every process.
 */

export interface QuotaLiveDeps {
  readonly db: Db;
  readonly io: IoServer;
  readonly log: Logger;
  today(): string;
  /** Full recompute every N minutes (0 = only at start). */
  readonly recomputeMinutes: number;
  /** Told how long each recompute took, in seconds (metrics). */
  readonly onRecompute?: (seconds: number) => void;
}

export interface QuotaLive {
  /** Resolves when nothing is pending or running (tests). */
  idle(): Promise<void>;
  /**
   * Resolves once every notification committed before the call has been heard and its
   * recompute is done (tests: a NOTIFY arrives some time after its commit, however busy the machine).
   */
  caughtUp(): Promise<void>;
  /** Queue a recompute of these communities (or all: '*') as a notification would. */
  notify(payload: string): void;
  stop(): Promise<void>;
}

const CHANNEL = 'tongbu_quota';

export function emitProgress(io: IoServer, p: CommunityProgress): void {
  const event: QuotaProgressEvent = { progress: p };
  // Only to whom REST shows the quotas (R-QUOTA-AUDIENCE): not the community room, which classroom terminals join.
  io.to([rooms.communityQuotas(p.communityId), rooms.county(p.countyId), rooms.admins]).emit(QUOTA_PROGRESS_EVENT, event);
}

export function startQuotaLive(deps: QuotaLiveDeps): QuotaLive {
  const { db, io, log } = deps;
  const pending = new Set<string>();
  let all = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;
  const waiters: (() => void)[] = [];
  // Our own markers on the channel (never a community id): notifications arrive in commit order.
  const marks = new Map<string, () => void>();

  async function yearsFor(communityIds: readonly string[] | null): Promise<YearCalendar[]> {
    const years = await loadYears(db);
    if (!years.length) return [];
    const current = pickYear(years, deps.today());
    const stored = await db
      .selectDistinct({ year: quotaProgress.academicYear })
      .from(quotaProgress)
      .where(communityIds ? inArray(quotaProgress.communityId, [...communityIds]) : sql`true`);
    const labels = new Set([current.label, ...stored.map((s) => s.year)]);
    return years.filter((y) => labels.has(y.label));
  }

  async function flush(): Promise<void> {
    while (!stopped && (all || pending.size)) {
      const everyone = all;
      const ids = [...pending];
      all = false;
      pending.clear();
      try {
        for (const year of await yearsFor(everyone ? null : ids)) {
          const started = performance.now();
          const { changed } = await recompute(db, everyone ? { all: true } : { ids }, year, deps.today());
          deps.onRecompute?.((performance.now() - started) / 1000);
          for (const p of changed) emitProgress(io, p);
        }
      } catch (err) {
        if (!stopped) log.error({ err }, 'quotas: recompute failed');
      }
    }
  }

  function schedule(delayMs: number) {
    if (timer || stopped) return;
    timer = setTimeout(() => {
      timer = null;
      if (running) return void running.then(() => schedule(0));
      running = flush().finally(() => {
        running = null;
        if (all || pending.size) schedule(0);
        else waiters.splice(0).forEach((w) => w());
      });
    }, delayMs);
    timer.unref?.();
  }

  function notify(payload: string) {
    if (stopped) return;
    const mark = marks.get(payload);
    if (mark) {
      marks.delete(payload);
      return mark();
    }
    if (payload === '*') all = true;
    else if (/^[0-9a-f-]{36}$/i.test(payload)) pending.add(payload);
    else return;
    // A short pause gathers the notifications of one burst (a series, an import) into one recompute.
    schedule(payload === '*' ? 100 : 5);
  }

  // LISTEN: PGlite in-process, PostgreSQL on a dedicated connection (reconnecting).
  let unlisten: (() => Promise<void>) | null = null;
  const client = (db as unknown as { $client: unknown }).$client;
  async function listen(): Promise<void> {
    if (stopped) return;
    if (typeof (client as PGlite).listen === 'function') {
      const off = await (client as PGlite).listen(CHANNEL, notify);
      unlisten = () => off();
      return;
    }
    const pool = client as pg.Pool;
    const conn = await pool.connect();
    let released = false;
    const release = (err?: Error) => {
      if (released) return;
      released = true;
      conn.removeAllListeners('notification');
      conn.release(err);
    };
    conn.on('notification', (m) => notify(m.payload ?? ''));
    conn.on('error', (err) => {
      release(err);
      if (!stopped) {
        log.warn({ err }, 'quotas: LISTEN connection lost; reconnecting');
        setTimeout(() => void listen().then(() => notify('*'), () => undefined), 1000).unref();
      }
    });
    await conn.query(`LISTEN ${CHANNEL}`);
    unlisten = async () => {
      await conn.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      release();
    };
  }
  const listening = listen().catch((err: unknown) => log.error({ err }, 'quotas: LISTEN failed; dashboards will update on the periodic recompute'));

  // Everyone once at start (forecasts move with the calendar), then periodically.
  notify('*');
  const every = deps.recomputeMinutes > 0 ? setInterval(() => notify('*'), deps.recomputeMinutes * 60_000) : null;
  every?.unref();

  const idle = () => (!timer && !running && !all && !pending.size ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)));

  return {
    notify,
    idle,
    caughtUp: async () => {
      await listening;
      const mark = `mark:${randomUUID()}`;
      const heard = new Promise<void>((resolve) => marks.set(mark, resolve));
      await db.execute(sql`select pg_notify(${CHANNEL}, ${mark})`);
      await heard;
      await idle();
    },
    stop: async () => {
      stopped = true;
      if (every) clearInterval(every);
      if (timer) clearTimeout(timer);
      await listening;
      await unlisten?.().catch(() => undefined);
      await running?.catch(() => undefined);
      waiters.splice(0).forEach((w) => w());
    },
  };
}
