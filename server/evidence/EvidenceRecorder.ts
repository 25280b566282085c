import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { ActivityKind, EvidenceIntervalKind, IntervalEndReason, LiveRole, MediaSource } from '../../shared/schemas/live.ts';
import type { Db } from '../db/client.ts';
import { liveActivityIntervals, liveEvidenceIntervals, liveRecorders } from '../db/schema/index.ts';
import type { Logger } from '../log.ts';

/**
 * Writes the evidence intervals (append-only, see server/db/schema/live.ts):
 * `open()` when the media plane reports that something started, `close()` when
 * it stopped. Writes go through one queue, so an interval's insert always
 * precedes its closing update. Intervals are keyed by (kind, media id): a
 * transport, a producer, a consumer has at most one open interval.
 *
 * Crashes: this process's row in `live_recorders` gets a heartbeat every few
 * seconds. Every process, at start and on each heartbeat, closes the open
 * intervals of recorders whose heartbeat went stale, at that last heartbeat
 * (`crash_recovered`) — the last instant the server knew them to be true.
 */
export interface IntervalSpec {
  readonly sessionId: string;
  readonly kind: EvidenceIntervalKind;
  readonly role: LiveRole;
  readonly accountId: string;
  readonly teacherId: string | null;
  readonly classroomId: string | null;
  readonly peerId: string;
  readonly direction?: 'send' | 'recv';
  readonly source?: MediaSource;
  readonly from?: { readonly peerId: string; readonly accountId: string; readonly role: LiveRole };
  readonly mediaId: string;
  readonly at: Date;
}

/**
 * An activity interval (issue #6): speaking, on stage, a raised hand — same
 * writer, same queue, same crash recovery, table `live_activity_intervals`.
 * A peer has at most one open interval per activity kind.
 */
export interface ActivitySpec {
  readonly sessionId: string;
  readonly kind: ActivityKind;
  readonly role: Exclude<LiveRole, 'observer'>;
  readonly accountId: string;
  readonly teacherId: string | null;
  readonly classroomId: string | null;
  readonly peerId: string;
  readonly at: Date;
}

interface OpenEntry {
  readonly id: string;
  readonly sessionId: string;
  readonly peerId: string;
  readonly startedAt: Date;
  readonly table: 'evidence' | 'activity';
}

export interface EvidenceRecorderOptions {
  readonly heartbeatMs: number;
  /** A recorder whose heartbeat is older than this is presumed dead. */
  readonly staleAfterMs: number;
  /** Told how long each evidence write took, in seconds (metrics). */
  readonly onWrite?: (seconds: number) => void;
}

export class EvidenceRecorder {
  readonly recorderId: string;
  readonly #db: Db;
  readonly #log: Logger;
  readonly #options: EvidenceRecorderOptions;
  readonly #open = new Map<string, OpenEntry>();
  #queue: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setInterval> | null = null;
  #stopped = false;

  private constructor(db: Db, log: Logger, recorderId: string, options: EvidenceRecorderOptions) {
    this.#db = db;
    this.#log = log;
    this.recorderId = recorderId;
    this.#options = options;
  }

  static async start(db: Db, log: Logger, options: EvidenceRecorderOptions): Promise<EvidenceRecorder> {
    const [row] = await db.insert(liveRecorders).values({ host: os.hostname(), pid: process.pid }).returning({ id: liveRecorders.id });
    const recorder = new EvidenceRecorder(db, log, row!.id, options);
    await recorder.recoverStale();
    recorder.#timer = setInterval(() => void recorder.#beat(), options.heartbeatMs);
    recorder.#timer.unref();
    return recorder;
  }

  #enqueue(what: string, write: () => Promise<unknown>): void {
    const timed = async () => {
      const started = performance.now();
      await write();
      this.#options.onWrite?.((performance.now() - started) / 1000);
    };
    this.#queue = this.#queue.then(timed).then(
      () => undefined,
      (err: unknown) => this.#log.error({ err, what }, 'writing live evidence failed'),
    );
  }

  /** Resolves when every write queued so far is done. */
  flush(): Promise<void> {
    return this.#queue;
  }

  isOpen(kind: EvidenceIntervalKind, mediaId: string): boolean {
    return this.#open.has(`${kind}:${mediaId}`);
  }

  open(spec: IntervalSpec): void {
    const key = `${spec.kind}:${spec.mediaId}`;
    if (this.#stopped || this.#open.has(key)) return;
    const id = randomUUID();
    this.#open.set(key, { id, sessionId: spec.sessionId, peerId: spec.peerId, startedAt: spec.at, table: 'evidence' });
    this.#enqueue('open', () =>
      this.#db.insert(liveEvidenceIntervals).values({
        id,
        sessionId: spec.sessionId,
        recorderId: this.recorderId,
        kind: spec.kind,
        role: spec.role,
        accountId: spec.accountId,
        teacherId: spec.teacherId,
        classroomId: spec.classroomId,
        peerId: spec.peerId,
        direction: spec.direction ?? null,
        source: spec.source ?? null,
        fromPeerId: spec.from?.peerId ?? null,
        fromAccountId: spec.from?.accountId ?? null,
        fromRole: spec.from?.role ?? null,
        mediaId: spec.mediaId,
        startedAt: spec.at,
      }),
    );
  }

  /** Opens an activity interval (a no-op if this peer has one of the kind open). */
  openActivity(spec: ActivitySpec): void {
    const key = `activity:${spec.kind}:${spec.peerId}`;
    if (this.#stopped || this.#open.has(key)) return;
    const id = randomUUID();
    this.#open.set(key, { id, sessionId: spec.sessionId, peerId: spec.peerId, startedAt: spec.at, table: 'activity' });
    this.#enqueue('open activity', () =>
      this.#db.insert(liveActivityIntervals).values({
        id,
        sessionId: spec.sessionId,
        recorderId: this.recorderId,
        kind: spec.kind,
        role: spec.role,
        accountId: spec.accountId,
        teacherId: spec.teacherId,
        classroomId: spec.classroomId,
        peerId: spec.peerId,
        startedAt: spec.at,
      }),
    );
  }

  isActivityOpen(kind: ActivityKind, peerId: string): boolean {
    return this.#open.has(`activity:${kind}:${peerId}`);
  }

  closeActivity(kind: ActivityKind, peerId: string, at: Date, reason: IntervalEndReason): void {
    const key = `activity:${kind}:${peerId}`;
    const entry = this.#open.get(key);
    if (!entry) return;
    this.#open.delete(key);
    this.#closeEntry(entry, at, reason);
  }

  close(kind: EvidenceIntervalKind, mediaId: string, at: Date, reason: IntervalEndReason): void {
    const key = `${kind}:${mediaId}`;
    const entry = this.#open.get(key);
    if (!entry) return;
    this.#open.delete(key);
    this.#closeEntry(entry, at, reason);
  }

  /** Closes every open interval matching `match` (a peer that left, a session that ended). */
  closeWhere(match: (e: { sessionId: string; peerId: string; table: 'evidence' | 'activity' }) => boolean, at: Date, reason: IntervalEndReason): void {
    for (const [key, entry] of this.#open) {
      if (!match(entry)) continue;
      this.#open.delete(key);
      this.#closeEntry(entry, at, reason);
    }
  }

  #closeEntry(entry: OpenEntry, at: Date, reason: IntervalEndReason): void {
    const endedAt = at < entry.startedAt ? entry.startedAt : at;
    const table = entry.table === 'activity' ? liveActivityIntervals : liveEvidenceIntervals;
    this.#enqueue('close', () =>
      this.#db
        .update(table)
        .set({ endedAt, endReason: reason })
        .where(and(eq(table.id, entry.id), isNull(table.endedAt))),
    );
  }

  async #beat(): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.#db.update(liveRecorders).set({ heartbeatAt: sql`now()` }).where(eq(liveRecorders.id, this.recorderId));
      await this.recoverStale();
    } catch (err) {
      this.#log.warn({ err }, 'live evidence heartbeat failed');
    }
  }

  /** Closes the open intervals of dead recorders at their last heartbeat; returns how many. */
  async recoverStale(): Promise<number> {
    const staleSeconds = Math.ceil(this.#options.staleAfterMs / 1000);
    return this.#db.transaction(async (tx) => {
      await tx
        .update(liveRecorders)
        .set({ stoppedAt: sql`${liveRecorders.heartbeatAt}` })
        .where(sql`${liveRecorders.id} <> ${this.recorderId} and ${liveRecorders.stoppedAt} is null and ${liveRecorders.heartbeatAt} < now() - make_interval(secs => ${staleSeconds})`);
      const closed = await tx.execute(sql`
        update live_evidence_intervals i
           set ended_at = greatest(i.started_at, r.heartbeat_at), end_reason = 'crash_recovered'
          from live_recorders r
         where i.recorder_id = r.id and i.ended_at is null and r.stopped_at is not null and r.id <> ${this.recorderId}
        returning i.id`);
      const closedActivity = await tx.execute(sql`
        update live_activity_intervals i
           set ended_at = greatest(i.started_at, r.heartbeat_at), end_reason = 'crash_recovered'
          from live_recorders r
         where i.recorder_id = r.id and i.ended_at is null and r.stopped_at is not null and r.id <> ${this.recorderId}
        returning i.id`);
      const n =
        ((closed as unknown as { rows?: unknown[] }).rows?.length ?? 0) + ((closedActivity as unknown as { rows?: unknown[] }).rows?.length ?? 0);
      if (n > 0) this.#log.warn({ intervals: n }, 'closed evidence intervals left open by a server that stopped without closing them');
      return n;
    });
  }

  /** Orderly shutdown: closes every open interval (`shutdown`) and marks this recorder stopped. */
  async stop(at = new Date()): Promise<void> {
    if (this.#stopped) return;
    this.closeWhere(() => true, at, 'shutdown');
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#queue;
    await this.#db
      .update(liveRecorders)
      .set({ stoppedAt: at, heartbeatAt: at })
      .where(eq(liveRecorders.id, this.recorderId))
      .catch((err: unknown) => this.#log.warn({ err }, 'marking the evidence recorder stopped failed'));
  }
}
