import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import type { RecordingInfo, RecordingResult } from '../../media/types.ts';
import type { Recording } from '../../shared/schemas/live.ts';
import type { Actor } from '../accounts/actor.ts';
import { auditsCounty } from '../accounts/auditRegion.ts';
import type { Db } from '../db/client.ts';
import { liveRecordings } from '../db/schema/index.ts';
import { NotFoundError } from '../http/errors.ts';
import type { LiveSessionDirectory, LiveSessionInfo } from './directory.ts';

const CONTENT_TYPES = { webm: 'video/webm', mp4: 'video/mp4' } as const;

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

  async started(sessionId: string, accountId: string, info: RecordingInfo) {
    const [row] = await this.#db
      .insert(liveRecordings)
      .values({ sessionId, startedBy: accountId, startedAt: info.startedAt, storageKey: this.#key(info.path), contentType: CONTENT_TYPES[info.format] })
      .returning();
    return row!;
  }

  async finished(result: RecordingResult): Promise<void> {
    const key = this.#key(result.path);
    const size = await stat(result.path).then((s) => s.size, () => 0);
    await this.#db
      .update(liveRecordings)
      .set({ status: size > 0 ? 'ready' : 'failed', endedAt: result.stoppedAt, sizeBytes: size, error: result.error ?? (result.reason === 'stopped' ? null : result.reason) })
      .where(and(eq(liveRecordings.storageKey, key), eq(liveRecordings.status, 'recording')));
  }

  /** Recordings still marked as being written by a process that is gone (after a restart): failed unless a file exists. */
  async settleInterrupted(): Promise<void> {
    const open = await this.#db.select().from(liveRecordings).where(eq(liveRecordings.status, 'recording'));
    for (const r of open) {
      const size = await stat(this.pathOf(r.storageKey)).then((s) => s.size, () => 0);
      await this.#db
        .update(liveRecordings)
        .set({ status: size > 0 ? 'ready' : 'failed', sizeBytes: size, endedAt: new Date(), error: 'interrupted by a server restart' })
        .where(eq(liveRecordings.id, r.id));
    }
  }

  async list(sessionId: string): Promise<Recording[]> {
    const rows = await this.#db.select().from(liveRecordings).where(eq(liveRecordings.sessionId, sessionId)).orderBy(desc(liveRecordings.startedAt));
    return rows.map(toRecording);
  }

  async get(recordingId: string) {
    const [row] = await this.#db.select().from(liveRecordings).where(eq(liveRecordings.id, recordingId));
    return row ?? null;
  }
}

export function toRecording(r: typeof liveRecordings.$inferSelect): Recording {
  return {
    id: r.id,
    sessionId: r.sessionId,
    status: r.status as Recording['status'],
    startedAt: r.startedAt.toISOString(),
    endedAt: r.endedAt?.toISOString() ?? null,
    contentType: r.contentType,
    sizeBytes: r.sizeBytes,
    fileName: path.posix.basename(r.storageKey),
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
