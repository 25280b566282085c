import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { and, asc, desc, eq, inArray, lt } from 'drizzle-orm';
import { COURSEWARE_EXTENSIONS, type Courseware, type CoursewareError } from '../../shared/schemas/courseware.ts';
import type { Actor } from '../accounts/actor.ts';
import type { Db } from '../db/client.ts';
import { courseware, coursewarePages, liveSessionCourseware } from '../db/schema/index.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../http/errors.ts';
import type { UploadedFile } from '../http/route.ts';
import type { Logger } from '../log.ts';
import { liveRoleOf } from '../live/access.ts';
import type { LiveSessionDirectory, LiveSessionInfo } from '../live/directory.ts';
import { mayAccessRecordings } from '../live/recordings.ts';
import { ConversionError, type CoursewareConverter } from './converter.ts';

type Row = typeof courseware.$inferSelect;
type PageRow = typeof coursewarePages.$inferSelect;

/** What each accepted ending must start with (CW-UPLOAD-TYPES): a renamed text or image file is refused before LibreOffice sees it. */
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0];
const MAGIC: Record<(typeof COURSEWARE_EXTENSIONS)[number], number[][]> = {
  pdf: [[0x25, 0x50, 0x44, 0x46]],
  ppt: [OLE], pps: [OLE], doc: [OLE],
  pptx: [ZIP], ppsx: [ZIP], docx: [ZIP], odp: [ZIP], odt: [ZIP],
  // WPS Office writes its own formats in OLE containers, and sometimes OOXML under the old ending.
  wps: [OLE, ZIP], dps: [OLE, ZIP],
};

/** CW-ACCESS: who may see a session's courseware — who may see its recordings, and its participants (classrooms show it). */
const maySeeSessionCourseware = (session: LiveSessionInfo, actor: Actor): boolean => mayAccessRecordings(session, actor) || liveRoleOf(session, actor) !== null;

/**
 * Courseware rows and files: the upload under DATA_DIR/courseware/<id>/source.<ending>,
 * its pages under …/<id>/page-<n>.png, converted one at a time in the background
 * (two cores: a classroom's media must not starve behind LibreOffice).
 */
export class CoursewareStore {
  readonly root: string;
  readonly #db: Db;
  readonly #converter: CoursewareConverter;
  readonly directory: LiveSessionDirectory;
  readonly #log: Logger;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #converting = new Map<string, Promise<void>>();

  constructor(deps: { db: Db; dataDir: string; converter: CoursewareConverter; directory: LiveSessionDirectory; log: Logger }) {
    this.#db = deps.db;
    this.root = path.resolve(deps.dataDir, 'courseware');
    this.#converter = deps.converter;
    this.directory = deps.directory;
    this.#log = deps.log;
  }

  /** Conversions a stopped process left unfinished are failed (`interrupted`): the teacher uploads again. */
  async settleInterrupted(before = new Date()): Promise<void> {
    await this.#db.update(courseware).set({ status: 'failed', error: 'interrupted' }).where(and(eq(courseware.status, 'converting'), lt(courseware.uploadedAt, before)));
  }

  /** CW-UPLOAD-*: a teacher's file, checked, stored and queued for conversion; attached to `sessionId` (which the teacher hosts) if given. */
  async upload(actor: Actor, file: UploadedFile | null, sessionId: string | undefined): Promise<Courseware> {
    if (actor.role !== 'teacher' || !actor.teacherId) throw new ForbiddenError('Only teachers upload courseware');
    if (!file) throw ValidationError.field('file', 'a file is required', 'required');
    const ending = path.extname(file.originalName).slice(1).toLowerCase() as (typeof COURSEWARE_EXTENSIONS)[number];
    const magic = MAGIC[ending];
    if (!magic) throw ValidationError.field('file', `must be one of .${COURSEWARE_EXTENSIONS.join(', .')}`, 'file_type');
    if (!magic.some((m) => m.every((b, i) => file.bytes[i] === b))) throw ValidationError.field('file', `is not a .${ending} file`, 'file_type');
    const session = sessionId ? await this.#hostedSession(actor, sessionId) : null;

    const id = randomUUID();
    const dir = path.join(this.root, id);
    await mkdir(dir, { recursive: true });
    const source = path.join(dir, `source.${ending}`);
    await writeFile(source, file.bytes);
    const [row] = await this.#db
      .insert(courseware)
      .values({ id, ownerTeacherId: actor.teacherId, uploadedBy: actor.accountId, fileName: file.originalName, contentType: file.contentType, sizeBytes: file.bytes.length, storageKey: id })
      .returning();
    if (session) await this.#attach(session.id, id, actor);
    const run = this.#queue.then(() => this.#convert(row!, source, dir));
    this.#queue = run.catch(() => undefined);
    this.#converting.set(id, run.finally(() => this.#converting.delete(id)));
    return toCourseware(row!, []);
  }

  /** Resolves when a queued conversion is over (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#converting.values()]);
  }

  async #convert(row: Row, source: string, dir: string): Promise<void> {
    try {
      const pages = await this.#converter.convert(source, path.join(dir, 'pages'));
      await this.#db.transaction(async (tx) => {
        await tx.insert(coursewarePages).values(pages.map((p) => ({ coursewareId: row.id, pageNo: p.pageNo, width: p.width, height: p.height, storageKey: this.#key(p.file), sizeBytes: p.sizeBytes })));
        await tx.update(courseware).set({ status: 'ready', pageCount: pages.length }).where(eq(courseware.id, row.id));
      });
    } catch (err) {
      const code: CoursewareError = err instanceof ConversionError ? err.code : 'conversion_failed';
      if (err instanceof ConversionError) this.#log.info({ coursewareId: row.id, code, reason: err.message }, 'courseware: conversion failed');
      else this.#log.error({ err, coursewareId: row.id }, 'courseware: conversion failed');
      await this.#db.update(courseware).set({ status: 'failed', error: code }).where(eq(courseware.id, row.id));
      await rm(path.join(dir, 'pages'), { recursive: true, force: true });
    }
  }

  #key(file: string): string {
    const key = path.relative(this.root, file).split(path.sep).join('/');
    if (key.startsWith('..') || path.isAbsolute(key)) throw new Error(`courseware file ${file} is outside ${this.root}`);
    return key;
  }

  /** Absolute path of a stored key (refuses anything that would leave the courseware directory). */
  pathOf(storageKey: string): string {
    const file = path.resolve(this.root, storageKey);
    if (!file.startsWith(this.root + path.sep)) throw new NotFoundError('Courseware');
    return file;
  }

  async #hostedSession(actor: Actor, sessionId: string): Promise<LiveSessionInfo> {
    const session = await this.directory.get(sessionId);
    const role = session && liveRoleOf(session, actor);
    if (!session || !role) throw new NotFoundError('Session');
    if (role !== 'host') throw new ForbiddenError('Only the teacher hosting the session attaches courseware to it');
    return session;
  }

  async #attach(sessionId: string, coursewareId: string, actor: Actor): Promise<void> {
    await this.#db.insert(liveSessionCourseware).values({ sessionId, coursewareId, attachedBy: actor.accountId }).onConflictDoNothing();
  }

  async #withPages(rows: Row[]): Promise<Courseware[]> {
    if (rows.length === 0) return [];
    const pages = await this.#db.select().from(coursewarePages).where(inArray(coursewarePages.coursewareId, rows.map((r) => r.id))).orderBy(asc(coursewarePages.pageNo));
    return rows.map((r) => toCourseware(r, pages.filter((p) => p.coursewareId === r.id)));
  }

  /** The teacher's own courseware, newest first. */
  async listOwn(actor: Actor): Promise<Courseware[]> {
    if (actor.role !== 'teacher' || !actor.teacherId) throw new ForbiddenError('Only teachers have courseware of their own');
    return this.#withPages(await this.#db.select().from(courseware).where(eq(courseware.ownerTeacherId, actor.teacherId)).orderBy(desc(courseware.uploadedAt)));
  }

  /** CW-ACCESS: the row if the actor owns it or may see a session it is attached to; null otherwise (a 404 for them). */
  async readable(actor: Actor, coursewareId: string): Promise<Row | null> {
    const [row] = await this.#db.select().from(courseware).where(eq(courseware.id, coursewareId));
    if (!row) return null;
    if (actor.role === 'teacher' && actor.teacherId === row.ownerTeacherId) return row;
    const links = await this.#db.select({ sessionId: liveSessionCourseware.sessionId }).from(liveSessionCourseware).where(eq(liveSessionCourseware.coursewareId, coursewareId));
    for (const { sessionId } of links) {
      const session = await this.directory.get(sessionId);
      if (session && maySeeSessionCourseware(session, actor)) return row;
    }
    return null;
  }

  async get(actor: Actor, coursewareId: string): Promise<Courseware> {
    const row = await this.readable(actor, coursewareId);
    if (!row) throw new NotFoundError('Courseware');
    return (await this.#withPages([row]))[0]!;
  }

  async pageFile(actor: Actor, coursewareId: string, pageNo: number): Promise<string> {
    const row = await this.readable(actor, coursewareId);
    const [page] = row ? await this.#db.select().from(coursewarePages).where(and(eq(coursewarePages.coursewareId, coursewareId), eq(coursewarePages.pageNo, pageNo))) : [];
    if (!page) throw new NotFoundError('Page');
    return this.pathOf(page.storageKey);
  }

  async forSession(actor: Actor, sessionId: string): Promise<Courseware[]> {
    const session = await this.directory.get(sessionId);
    if (!session || !maySeeSessionCourseware(session, actor)) throw new NotFoundError('Session');
    const rows = await this.#db
      .select({ c: courseware })
      .from(liveSessionCourseware)
      .innerJoin(courseware, eq(courseware.id, liveSessionCourseware.coursewareId))
      .where(eq(liveSessionCourseware.sessionId, sessionId))
      .orderBy(asc(liveSessionCourseware.attachedAt));
    return this.#withPages(rows.map((r) => r.c));
  }

  /** CW-ATTACH: the host attaches courseware of their own (404 for anyone else's). */
  async attach(actor: Actor, sessionId: string, coursewareId: string): Promise<Courseware> {
    const session = await this.#hostedSession(actor, sessionId);
    const [row] = await this.#db.select().from(courseware).where(eq(courseware.id, coursewareId));
    if (!row || row.ownerTeacherId !== actor.teacherId) throw new NotFoundError('Courseware');
    await this.#attach(session.id, coursewareId, actor);
    return (await this.#withPages([row]))[0]!;
  }

  /** For the live board: a ready courseware the session may show (attached, or the host's own — which attaches it). */
  async showable(actor: Actor, sessionId: string, coursewareId: string): Promise<Courseware | null> {
    const [row] = await this.#db.select().from(courseware).where(eq(courseware.id, coursewareId));
    if (!row) return null;
    const [link] = await this.#db.select().from(liveSessionCourseware).where(and(eq(liveSessionCourseware.sessionId, sessionId), eq(liveSessionCourseware.coursewareId, coursewareId)));
    if (!link) {
      if (actor.teacherId !== row.ownerTeacherId) return null;
      await this.#attach(sessionId, coursewareId, actor);
    }
    return (await this.#withPages([row]))[0]!;
  }
}

function toCourseware(r: Row, pages: PageRow[]): Courseware {
  return {
    id: r.id,
    ownerTeacherId: r.ownerTeacherId,
    fileName: r.fileName,
    contentType: r.contentType,
    sizeBytes: r.sizeBytes,
    uploadedAt: r.uploadedAt.toISOString(),
    status: r.status as Courseware['status'],
    error: r.error as CoursewareError | null,
    pageCount: r.pageCount,
    pages: pages.map((p) => ({ pageNo: p.pageNo, width: p.width, height: p.height })),
  };
}
