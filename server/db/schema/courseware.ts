import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { liveSessions } from './schedule.ts';
import { teachers } from './schools.ts';

/**
 * Courseware (rules CW-* in server/courseware/README.md): a teacher's uploaded
 * PDF/PPT/DOC, converted on the server into page images under
 * DATA_DIR/courseware/<id>/; it belongs to its teacher (reusable in later
 * lessons) and to the sessions it is attached to.
 */
export const courseware = pgTable(
  'courseware',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerTeacherId: uuid('owner_teacher_id').notNull().references(() => teachers.id),
    uploadedBy: uuid('uploaded_by').notNull().references(() => accounts.id),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    /** converting | ready | failed */
    status: text('status').notNull().default('converting'),
    /** A failed conversion's code (conversion_timeout, conversion_failed, too_many_pages, interrupted). */
    error: text('error'),
    pageCount: integer('page_count'),
    /** Folder under DATA_DIR/courseware/ (never absolute, never with `..`). */
    storageKey: text('storage_key').notNull().unique(),
  },
  (t) => [
    index('courseware_owner_idx').on(t.ownerTeacherId, t.uploadedAt),
    check('courseware_status_ck', sql`${t.status} in ('converting', 'ready', 'failed')`),
    check('courseware_key_ck', sql`${t.storageKey} !~ '(^/|\\.\\.)'`),
  ],
);

/** One page image of a converted courseware (its size: the whiteboard draws in page coordinates). */
export const coursewarePages = pgTable(
  'courseware_pages',
  {
    coursewareId: uuid('courseware_id').notNull().references(() => courseware.id, { onDelete: 'cascade' }),
    pageNo: integer('page_no').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    storageKey: text('storage_key').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.coursewareId, t.pageNo] }), check('courseware_pages_no_ck', sql`${t.pageNo} >= 1`)],
);

/** Courseware attached to a session (the session's participants may see it). */
export const liveSessionCourseware = pgTable(
  'live_session_courseware',
  {
    sessionId: uuid('session_id').notNull().references(() => liveSessions.id),
    coursewareId: uuid('courseware_id').notNull().references(() => courseware.id),
    attachedBy: uuid('attached_by').notNull().references(() => accounts.id),
    attachedAt: timestamp('attached_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.coursewareId] }), index('live_session_courseware_cw_idx').on(t.coursewareId)],
);

/**
 * The board's timeline of a session, for replay: page turns, strokes, erasures, undos,
 * clears and layout changes in the order the room applied them (`seq`). Append-only.
 */
export const liveBoardEvents = pgTable(
  'live_board_events',
  {
    sessionId: uuid('session_id').notNull().references(() => liveSessions.id),
    seq: integer('seq').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    kind: text('kind').notNull(),
    accountId: uuid('account_id').references(() => accounts.id),
    payload: jsonb('payload').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.seq] }),
    check('live_board_events_kind_ck', sql`${t.kind} in ('page', 'stroke', 'erase', 'undo', 'clear', 'layout', 'stage_writing')`),
  ],
);
