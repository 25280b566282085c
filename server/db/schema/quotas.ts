import { sql } from 'drizzle-orm';
import { check, date, index, integer, json, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, unique, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { classrooms, schools, subjects } from './schools.ts';
import { communities } from './communities.ts';
import { counties } from './geography.ts';
import { liveSessions } from './schedule.ts';

/**
 * The quota tracker (issue #5). Rules are data, versioned per region and academic
 * year; counted facts are read from scheduling and live evidence (never copied),
 * except what is derived once from append-only evidence (`quota_lesson_attendance`)
 * and coordinators' corrections. Triggers (migration `quotas_constraints`):
 * rule sets and snapshots are append-only, a correction needs an attachment,
 * changes to a closed year are refused, and every change that moves a
 * community's progress NOTIFYs `tongbu_quota` (server/quotas/live.ts listens).
 */

/**
 * A version of the rules of a region for an academic year. `region` is
 * `county:<county code>`, `city:<city>`, `province:<province>` or `default`;
 * a community's rules are its county's, else its city's, else its province's,
 * else the default (server/quotas/ruleSets.ts). The newest version applies
 * until the year is closed; rows never change (a change is a new version).
 */
export const quotaRuleSets = pgTable(
  'quota_rule_sets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    region: text('region').notNull(),
    /** Academic year label, e.g. 2026-2027. */
    academicYear: text('academic_year').notNull(),
    version: integer('version').notNull(),
    /** QuotaRule[] (shared/quotas/rules.ts). */
    rules: jsonb('rules').notNull(),
    note: text('note').notNull().default(''),
    createdBy: uuid('created_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('quota_rule_sets_version_uq').on(t.region, t.academicYear, t.version),
    check('quota_rule_sets_region_ck', sql`${t.region} = 'default' or ${t.region} ~ '^(county|city|province):.+$'`),
    check('quota_rule_sets_version_ck', sql`${t.version} >= 1`),
    check('quota_rule_sets_rules_ck', sql`jsonb_typeof(${t.rules}) = 'array'`),
  ],
);

/**
 * Which member schools took part in a delivered lesson, from its evidence: a
 * member classroom that received the host's media. Written once by a trigger
 * when the session's verdict is written (verdicts and intervals never change).
 */
export const quotaLessonAttendance = pgTable(
  'quota_lesson_attendance',
  {
    sessionId: uuid('session_id').notNull().references(() => liveSessions.id),
    classroomId: uuid('classroom_id').notNull().references(() => classrooms.id),
    schoolId: uuid('school_id').notNull().references(() => schools.id),
    /** Receiving intervals of the host's media (the evidence behind it). */
    intervals: integer('intervals').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.classroomId] }), index('quota_lesson_attendance_school_idx').on(t.schoolId)],
);

/**
 * A coordinator's correction: something that happened but the platform did not
 * see (a lesson given with another tool…), counted separately and shown as such.
 * It needs a reason and at least one attachment (deferred constraint trigger).
 */
export const quotaCorrections = pgTable(
  'quota_corrections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityId: uuid('community_id').notNull().references(() => communities.id),
    /** sync_lesson | online_research | offline_research */
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    heldOn: date('held_on').notNull(),
    subjectCode: text('subject_code').references(() => subjects.code),
    mode: text('mode'),
    reason: text('reason').notNull(),
    createdBy: uuid('created_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('quota_corrections_community_idx').on(t.communityId, t.heldOn),
    check('quota_corrections_kind_ck', sql`${t.kind} in ('sync_lesson', 'online_research', 'offline_research')`),
    check('quota_corrections_reason_ck', sql`length(btrim(${t.reason})) >= 4`),
    check('quota_corrections_lesson_ck', sql`(${t.kind} = 'sync_lesson') = (${t.subjectCode} is not null and ${t.mode} is not null)`),
    check('quota_corrections_mode_ck', sql`${t.mode} is null or ${t.mode} in ('interactive', 'dedicated', 'master')`),
  ],
);

/** The member schools that took part in a corrected item. */
export const quotaCorrectionSchools = pgTable(
  'quota_correction_schools',
  {
    correctionId: uuid('correction_id').notNull().references(() => quotaCorrections.id, { onDelete: 'cascade' }),
    schoolId: uuid('school_id').notNull().references(() => schools.id),
  },
  (t) => [primaryKey({ columns: [t.correctionId, t.schoolId] })],
);

/** A correction's evidence files (image/PDF) under DATA_DIR/attachments/quota-corrections/. */
export const quotaCorrectionAttachments = pgTable(
  'quota_correction_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    correctionId: uuid('correction_id').notNull().references(() => quotaCorrections.id, { onDelete: 'cascade' }),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull().unique(),
    uploadedBy: uuid('uploaded_by').references(() => accounts.id),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('quota_correction_attachments_correction_idx').on(t.correctionId), check('quota_correction_attachments_size_ck', sql`${t.sizeBytes} > 0`)],
);

/**
 * Each community's year as the tracker counts it (the facts of shared/quotas/facts.ts,
 * grouped), kept exact by the database: triggers (migration `quota_tallies_maintained`)
 * note every community whose counted items, memberships, member-school names or
 * dispatches change, and at commit its rows are recomputed from the evidence by the
 * views that define them (`quota_tally_docs`) — so the full recompute of a province reads
 * 10,000 rows instead of joining 400,000 sessions with their attendance. What depends on
 * today is left to the reader: `planned` counts every scheduled day of the year (the
 * reader takes off the days already past) and member periods carry their first and last
 * dispatch start (covered = one has begun).
 * `json`, not `jsonb`: written whole, read whole, never queried inside.
 */
export const quotaTallies = pgTable(
  'quota_tallies',
  {
    communityId: uuid('community_id').notNull().references(() => communities.id, { onDelete: 'cascade' }),
    /** Academic year label (academic_years.label); a change of the years rebuilds every row. */
    academicYear: text('academic_year').notNull(),
    /** [kind, subjectCode, mode, source, count][] — counted items (evidence or correction). */
    counted: json('counted'),
    /** [kind, subjectCode, mode, count][] — scheduled or live sessions and planned offline research, every day of the year. */
    planned: json('planned'),
    /** [schoolId, name, from, to, lessons, firstDispatchStart, lastDispatchStart][] by name and from — member periods clipped to the year. */
    members: json('members'),
  },
  (t) => [primaryKey({ columns: [t.communityId, t.academicYear] })],
);

/**
 * Each community's progress for an academic year, kept current: recomputed for
 * one community when something of it changes, for all at start and every hour.
 * `computed_at` is the database time the facts were read at: an older
 * computation never overwrites a newer one (several server processes).
 */
export const quotaProgress = pgTable(
  'quota_progress',
  {
    communityId: uuid('community_id').notNull().references(() => communities.id, { onDelete: 'cascade' }),
    academicYear: text('academic_year').notNull(),
    ruleSetId: uuid('rule_set_id').references(() => quotaRuleSets.id),
    /** The worst status of the rules that apply (for sorting and filtering). */
    status: text('status').notNull(),
    /**
     * CommunityProgress (shared/schemas/quotas.ts) without `computedAt`. `json`, not `jsonb`:
     * written and read whole, never queried inside — a full recompute writes 10,000 of these
     * and building jsonb from their text cost 3–4× checking json.
     */
    progress: json('progress').notNull(),
    /** sha1 of `progress` as written: unchanged progress is not written again. */
    digest: text('digest').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.communityId, t.academicYear] }), index('quota_progress_year_idx').on(t.academicYear, t.status)],
);

/**
 * An academic year closed for a county: its numbers are frozen in
 * `quota_snapshots`, and the database refuses changes to that year's counted
 * items. Reopening sets `reopened_*` (the only change allowed); the audit trail
 * records both.
 */
export const quotaYearClosures = pgTable(
  'quota_year_closures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    countyId: uuid('county_id').notNull().references(() => counties.id),
    academicYear: text('academic_year').notNull(),
    closedBy: uuid('closed_by').references(() => accounts.id),
    closedAt: timestamp('closed_at', { withTimezone: true }).notNull().defaultNow(),
    note: text('note').notNull().default(''),
    reopenedBy: uuid('reopened_by').references(() => accounts.id),
    reopenedAt: timestamp('reopened_at', { withTimezone: true }),
    reopenReason: text('reopen_reason'),
  },
  (t) => [
    uniqueIndex('quota_year_closures_open_uq').on(t.countyId, t.academicYear).where(sql`${t.reopenedAt} is null`),
    check('quota_year_closures_reopen_ck', sql`(${t.reopenedAt} is null) = (${t.reopenReason} is null) and (${t.reopenReason} is null or length(btrim(${t.reopenReason})) > 0)`),
  ],
);

/** The frozen numbers of a closed year, per community, with the rule-set version it was judged by. Append-only. */
export const quotaSnapshots = pgTable(
  'quota_snapshots',
  {
    closureId: uuid('closure_id').notNull().references(() => quotaYearClosures.id),
    communityId: uuid('community_id').notNull().references(() => communities.id),
    ruleSetId: uuid('rule_set_id').references(() => quotaRuleSets.id),
    ruleSetVersion: integer('rule_set_version'),
    status: text('status').notNull(),
    /** CommunityProgress at closing. */
    progress: jsonb('progress').notNull(),
    /** The counted items with their evidence references at closing. */
    items: jsonb('items').notNull(),
    takenAt: timestamp('taken_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.closureId, t.communityId] })],
);
