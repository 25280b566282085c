import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { and, asc, desc, eq, isNull, or, sql } from 'drizzle-orm';
import type { RecordingInfo, RecordingResult } from '../../media/types.ts';
import type { Recording } from '../../shared/schemas/live.ts';
import type { Actor } from '../accounts/actor.ts';
import { auditsCounty } from '../accounts/auditRegion.ts';
import type { Db } from '../db/client.ts';
import { liveRecorders, liveRecordings } from '../db/schema/index.ts';
import { NotFoundError } from '../http/errors.ts';
import type { LiveSessionDirectory, LiveSessionInfo } from './directory.ts';

const CONTENT_TYPES = { webm: 'video/webm', mp4: 'video/mp4' } as const;

type Row = typeof liveRecordings.$inferSelect;

/** A recording series to continue: its first part's id and the part the next recording is. */
export interface RecordingSeries {
  readonly seriesId: string;
  readonly part: number;
  /** Who started the series: the next part is theirs too. */
  readonly startedBy: string;
}

/** A part that ended this way was cut off with its room or its process, not stopped: its series goes on (LIVE-RECORDING-RESUME). */
const CUT_OFF: ReadonlySet<string> = new Set(['room-closed', 'worker-died', 'interrupted']);

/** The series a recording row is a part of, and the part after it. */
export const nextPartOf = (r: Pick<Row, 'id' | 'seriesId' | 'part' | 'startedBy'>): RecordingSeries => ({ seriesId: r.seriesId ?? r.id, part: r.part + 1, startedBy: r.startedBy });

/**
 * Recordings of live sessions: the media plane writes the file (ffmpeg) under
 * `${DATA_DIR}/recordings/<session id>/`; this keeps the rows and decides who
 * may see them: the session's teachers, the community's coordinators and the
 * county's auditors. Anyone else gets a 404, as if there were none.
 */
export class RecordingStore {
  readonly root: string;
  readonly #db: Db;

  constructor(db: Db, dataDir: string) {
    this.#db = db;
    this.root = path.resolve(dataDir, 'recordings');
  }

  directoryOf(sessionId: string): string {
    return path.join(this.root, sessionId);
  }

  #key(file: string): string {
    const key = path.relative(this.root, file).split(path.sep).join('/');
    if (key.startsWith('..') || path.isAbsolute(key)) throw new Error(`recording ${file} is outside ${this.root}`);
    return key;
  }

  /** Absolute path of a stored key (refuses anything that would leave the recordings directory). */
  pathOf(storageKey: string): string {
    const file = path.resolve(this.root, storageKey);
    if (!file.startsWith(this.root + path.sep)) throw new NotFoundError('Recording');
    return file;
  }

  /** A recording being written by the process `recorderId`: the first part of a series, or the next part of `series`. */
  async started(sessionId: string, accountId: string, info: RecordingInfo, recorderId: string, series: RecordingSeries | null = null) {
    const [row] = await this.#db
      .insert(liveRecordings)
      .values({
        sessionId,
        startedBy: accountId,
        startedAt: info.startedAt,
        storageKey: this.#key(info.path),
        contentType: CONTENT_TYPES[info.format],
        recorderId,
        ...(series ? { seriesId: series.seriesId, part: series.part } : {}),
      })
      .returning();
    return row!;
  }

  async finished(result: RecordingResult): Promise<void> {
    const key = this.#key(result.path);
    const size = await stat(result.path).then((s) => s.size, () => 0);
    await this.#db
      .update(liveRecordings)
      .set({ status: size > 0 ? 'ready' : 'failed', endedAt: result.stoppedAt, sizeBytes: size, error: result.error ?? (result.reason === 'stopped' ? null : result.reason), endReason: result.reason })
      .where(and(eq(liveRecordings.storageKey, key), eq(liveRecordings.status, 'recording')));
  }

  /**
   * Recordings still marked as being written by a process that is gone (its evidence recorder
   * stopped or went stale, or unknown: rows from before series): ready if a file exists, else
   * failed; ended at the writer's last heartbeat, the last instant it was known to write.
   * Recordings of live processes (other nodes) are theirs.
   */
  async settleInterrupted(): Promise<void> {
    const open = await this.#db
      .select({ row: liveRecordings, heartbeatAt: liveRecorders.heartbeatAt })
      .from(liveRecordings)
      .leftJoin(liveRecorders, eq(liveRecorders.id, liveRecordings.recorderId))
      .where(and(eq(liveRecordings.status, 'recording'), or(isNull(liveRecordings.recorderId), sql`${liveRecorders.stoppedAt} is not null`)));
    for (const { row, heartbeatAt } of open) await this.#settle(row, heartbeatAt ?? new Date());
  }

  /** A part whose writer went away: ready if its file has anything, else failed; `interrupted`. */
  async #settle(row: Row, at: Date): Promise<void> {
    const size = await stat(this.pathOf(row.storageKey)).then((s) => s.size, () => 0);
    await this.#db
      .update(liveRecordings)
      .set({ status: size > 0 ? 'ready' : 'failed', sizeBytes: size, endedAt: at < row.startedAt ? row.startedAt : at, error: 'interrupted: the server writing it stopped', endReason: 'interrupted' })
      .where(and(eq(liveRecordings.id, row.id), eq(liveRecordings.status, 'recording')));
  }

  /**
   * LIVE-RECORDING-RESUME: the series a room made afresh for `sessionId` continues, if the
   * session's last recording was cut off with its room (its node died, drained or restarted;
   * its media room closed) rather than stopped. A last part still marked as being written by
   * another process ended with that process's room — the new room holds the lesson now — and
   * is settled here first, at its writer's last heartbeat. Null: nothing to continue.
   */
  async interruptedSeries(sessionId: string, recorderId: string): Promise<RecordingSeries | null> {
    const [last] = await this.#db
      .select({ row: liveRecordings, heartbeatAt: liveRecorders.heartbeatAt })
      .from(liveRecordings)
      .leftJoin(liveRecorders, eq(liveRecorders.id, liveRecordings.recorderId))
      .where(eq(liveRecordings.sessionId, sessionId))
      .orderBy(desc(liveRecordings.startedAt))
      .limit(1);
    if (!last) return null;
    if (last.row.status === 'recording') {
      // This process's own parts are finished by their rooms as they close.
      if (last.row.recorderId === recorderId) return null;
      await this.#settle(last.row, last.heartbeatAt ?? new Date());
    } else if (!CUT_OFF.has(last.row.endReason ?? '')) {
      return null;
    }
    return nextPartOf(last.row);
  }

  /** The session's recordings in the order they were made; a later part of a series says how long the gap before it was. */
  async list(sessionId: string): Promise<Recording[]> {
    const rows = await this.#db.select().from(liveRecordings).where(eq(liveRecordings.sessionId, sessionId)).orderBy(asc(liveRecordings.startedAt), asc(liveRecordings.part));
    return rows.map((r) => {
      const previous = r.seriesId ? rows.find((p) => (p.seriesId ?? p.id) === r.seriesId && p.part === r.part - 1) : undefined;
      return toRecording(r, previous?.endedAt ?? null);
    });
  }

  async get(recordingId: string) {
    const [row] = await this.#db.select().from(liveRecordings).where(eq(liveRecordings.id, recordingId));
    return row ?? null;
  }
}

/** A recording as listed; `previousEnded`: when the part before it in its series ended (its gap is from then). */
export function toRecording(r: Row, previousEnded: Date | null = null): Recording {
  return {
    id: r.id,
    sessionId: r.sessionId,
    status: r.status as Recording['status'],
    startedAt: r.startedAt.toISOString(),
    endedAt: r.endedAt?.toISOString() ?? null,
    contentType: r.contentType,
    sizeBytes: r.sizeBytes,
    fileName: path.posix.basename(r.storageKey),
    seriesId: r.seriesId ?? r.id,
    part: r.part,
    endReason: (r.endReason as Recording['endReason']) ?? null,
    gapSeconds: previousEnded ? Math.max(0, Math.round((r.startedAt.getTime() - previousEnded.getTime()) / 100) / 10) : null,
  };
}

/** The session's teachers (host and invited), its community's coordinators, the auditors of its county's region. */
export function mayAccessRecordings(session: LiveSessionInfo, actor: Actor): boolean {
  switch (actor.role) {
    case 'teacher':
      return !!actor.teacherId && (session.hostTeacher?.id === actor.teacherId || session.invitedTeachers.some((t) => t.id === actor.teacherId));
    case 'coordinator':
      return actor.communityIds.includes(session.communityId);
    case 'auditor':
      return auditsCounty(actor, session.countyId);
    default:
      return false;
  }
}

/**
 * A finished recording the actor may play, with its file: the recordings' audience only,
 * and one still being written or whose file is gone is a 404 like any other.
 */
export async function playableRecording(deps: { recordings: RecordingStore; directory: LiveSessionDirectory }, actor: Actor, recordingId: string) {
  const row = await deps.recordings.get(recordingId);
  const session = row && (await deps.directory.get(row.sessionId));
  if (!row || !session || !mayAccessRecordings(session, actor) || row.status === 'recording') throw new NotFoundError('Recording');
  const path = deps.recordings.pathOf(row.storageKey);
  if (!existsSync(path)) throw new NotFoundError('Recording');
  return { row, path, session };
}
