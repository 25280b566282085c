import { sql } from 'drizzle-orm';
import { boolean, check, customType, date, index, integer, numeric, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { communities } from './communities.ts';
import { classrooms, schools, subjects, teachers } from './schools.ts';

/**
 * The plan of a community's year (issue #3). What runs live — synchronized lessons
 * 同步课堂 and online teaching research 网络研修 — is a `live_sessions` row with its
 * participants; the database books every participant's time in `session_bookings`
 * (triggers, migration 0005) and refuses two live things of one teacher or one
 * classroom at once (exclusion constraint). Live classrooms (server/live) and the
 * quota tracker read these tables; they change a session's status only through
 * `transitionSessionStatus` (server/schedule/lifecycle.ts), which writes the
 * append-only `session_status_history`.
 */

/** PostgreSQL `tstzrange`, kept as its text form (`["2026-11-23 08:00:00+00","…")`). */
const tstzrange = customType<{ data: string }>({ dataType: () => 'tstzrange' });

/** A weekly series: its occurrences are ordinary `live_sessions` rows with `series_id` set. */
export const scheduleSeries = pgTable(
  'schedule_series',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityId: uuid('community_id').notNull().references(() => communities.id),
    /** Weekly only for now; the interval allows fortnightly plans. */
    intervalWeeks: integer('interval_weeks').notNull().default(1),
    /** Inclusive local date of the last possible occurrence, or … */
    untilOn: date('until_on'),
    /** … the number of occurrences asked for (holidays skipped, not counted). */
    occurrenceCount: integer('occurrence_count'),
    timeZone: text('time_zone').notNull(),
    createdBy: uuid('created_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('schedule_series_end_ck', sql`${t.untilOn} is not null or ${t.occurrenceCount} is not null`),
    check('schedule_series_interval_ck', sql`${t.intervalWeeks} between 1 and 4`),
    check('schedule_series_count_ck', sql`${t.occurrenceCount} is null or ${t.occurrenceCount} between 1 and 100`),
  ],
);

/**
 * A synchronized lesson (`sync_lesson`) or online teaching research (`online_research`).
 * Times are UTC instants; `time_zone` is the zone the plan was made in (the host school's).
 * status: scheduled → live → delivered | missed; scheduled → cancelled | missed (see lifecycle.ts).
 */
export const liveSessions = pgTable(
  'live_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityId: uuid('community_id').notNull().references(() => communities.id),
    /** sync_lesson | online_research */
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    topic: text('topic').notNull().default(''),
    subjectCode: text('subject_code').references(() => subjects.code),
    /** Lessons only: interactive 同步互动混合课堂 | dedicated 专递课堂 | master 名师课堂 */
    mode: text('mode'),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    timeZone: text('time_zone').notNull().default('Asia/Shanghai'),
    status: text('status').notNull().default('scheduled'),
    statusReason: text('status_reason'),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true }).notNull().defaultNow(),
    seriesId: uuid('series_id').references(() => scheduleSeries.id),
    /** Planned outside the terms or on a holiday, allowed by a coordinator (who, why). */
    calendarOverride: boolean('calendar_override').notNull().default(false),
    overrideBy: uuid('override_by').references(() => accounts.id),
    overrideReason: text('override_reason'),
    createdBy: uuid('created_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('live_sessions_community_starts_idx').on(t.communityId, t.startsAt),
    index('live_sessions_starts_idx').on(t.startsAt),
    index('live_sessions_series_idx').on(t.seriesId),
    // Sessions still to come: the quota tracker takes the ones whose day has passed off its planned counts.
    index('live_sessions_planned_idx').on(t.startsAt).where(sql`${t.status} in ('scheduled', 'live')`),
    check('live_sessions_kind_ck', sql`${t.kind} in ('sync_lesson', 'online_research')`),
    check('live_sessions_status_ck', sql`${t.status} in ('scheduled', 'live', 'delivered', 'missed', 'cancelled')`),
    check('live_sessions_mode_ck', sql`(${t.kind} = 'sync_lesson') = (${t.mode} is not null) and (${t.mode} is null or ${t.mode} in ('interactive', 'dedicated', 'master'))`),
    check('live_sessions_lesson_subject_ck', sql`${t.kind} <> 'sync_lesson' or ${t.subjectCode} is not null`),
    check('live_sessions_times_ck', sql`${t.endsAt} > ${t.startsAt} and ${t.endsAt} - ${t.startsAt} <= interval '12 hours'`),
    check('live_sessions_cancel_reason_ck', sql`${t.status} <> 'cancelled' or coalesce(btrim(${t.statusReason}), '') <> ''`),
    check('live_sessions_override_ck', sql`${t.calendarOverride} = (${t.overrideBy} is not null and ${t.overrideReason} is not null)`),
  ],
);

/** Classrooms of a session: the teaching classroom (`host`, lessons only) and the joining ones (`member`). */
export const sessionClassrooms = pgTable(
  'session_classrooms',
  {
    sessionId: uuid('session_id').notNull().references(() => liveSessions.id, { onDelete: 'cascade' }),
    classroomId: uuid('classroom_id').notNull().references(() => classrooms.id),
    /** host | member */
    role: text('role').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.classroomId] }),
    index('session_classrooms_classroom_idx').on(t.classroomId),
    uniqueIndex('session_classrooms_one_host_uq').on(t.sessionId).where(sql`${t.role} = 'host'`),
    check('session_classrooms_role_ck', sql`${t.role} in ('host', 'member')`),
  ],
);

/** Teachers of a session: the one teaching or hosting (`host`) and those invited to research (`invited`). */
export const sessionTeachers = pgTable(
  'session_teachers',
  {
    sessionId: uuid('session_id').notNull().references(() => liveSessions.id, { onDelete: 'cascade' }),
    teacherId: uuid('teacher_id').notNull().references(() => teachers.id),
    /** host | invited */
    role: text('role').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.teacherId] }),
    index('session_teachers_teacher_idx').on(t.teacherId),
    uniqueIndex('session_teachers_one_host_uq').on(t.sessionId).where(sql`${t.role} = 'host'`),
    check('session_teachers_role_ck', sql`${t.role} in ('host', 'invited')`),
  ],
);

/**
 * The time each teacher and classroom is taken, one row per participant, kept by
 * triggers from the two tables above and the session's times and status
 * (`active` = not cancelled). `session_bookings_no_overlap` (EXCLUDE … WHERE active)
 * is what makes double-booking impossible, whoever writes.
 */
export const sessionBookings = pgTable(
  'session_bookings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull().references(() => liveSessions.id, { onDelete: 'cascade' }),
    /** teacher | classroom */
    resourceKind: text('resource_kind').notNull(),
    resourceId: uuid('resource_id').notNull(),
    during: tstzrange('during').notNull(),
    active: boolean('active').notNull().default(true),
  },
  (t) => [
    unique('session_bookings_resource_uq').on(t.sessionId, t.resourceKind, t.resourceId),
    check('session_bookings_kind_ck', sql`${t.resourceKind} in ('teacher', 'classroom')`),
  ],
);

/** Every status a session had: who (an account) or what (a system source) changed it, when and why. Append-only. */
export const sessionStatusHistory = pgTable(
  'session_status_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull().references(() => liveSessions.id),
    /** null for the first row (the session was created). */
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    reason: text('reason'),
    actorAccountId: uuid('actor_account_id').references(() => accounts.id),
    /** e.g. `schedule:create`, `live:evidence`, `import` */
    systemSource: text('system_source'),
    /** clock_timestamp(): several changes in one transaction keep their order. */
    at: timestamp('at', { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
  },
  (t) => [
    index('session_status_history_session_idx').on(t.sessionId, t.at),
    check('session_status_history_who_ck', sql`${t.actorAccountId} is not null or ${t.systemSource} is not null`),
  ],
);

/** Reminders already sent: the primary key makes "send once" hold across restarts and server processes. */
export const remindersSent = pgTable(
  'reminders_sent',
  {
    sessionId: uuid('session_id').notNull().references(() => liveSessions.id, { onDelete: 'cascade' }),
    /** upcoming (N minutes before) | start ("join now") */
    kind: text('kind').notNull(),
    /** The start time the reminder was for: moving a session re-arms its reminders. */
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set when the session was cancelled or moved after the reminder went out, and its withdrawal was sent. */
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.kind, t.startsAt] })],
);

/** A private iCalendar subscription per account; only a SHA-256 of the token is stored. */
export const calendarFeeds = pgTable(
  'calendar_feeds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('calendar_feeds_one_active_uq').on(t.accountId).where(sql`${t.revokedAt} is null`)],
);

/** Offline teaching research 线下教研: counts once a coordinator confirms it with minutes or an attachment. */
export const offlineResearch = pgTable(
  'offline_research',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityId: uuid('community_id').notNull().references(() => communities.id),
    title: text('title').notNull(),
    heldOn: date('held_on').notNull(),
    place: text('place').notNull(),
    hostSchoolId: uuid('host_school_id').notNull().references(() => schools.id),
    minutes: text('minutes').notNull().default(''),
    /** planned | confirmed | cancelled */
    status: text('status').notNull().default('planned'),
    confirmedBy: uuid('confirmed_by').references(() => accounts.id),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('offline_research_community_idx').on(t.communityId, t.heldOn),
    index('offline_research_planned_idx').on(t.heldOn).where(sql`${t.status} = 'planned'`),
    check('offline_research_status_ck', sql`${t.status} in ('planned', 'confirmed', 'cancelled')`),
    check('offline_research_confirmed_ck', sql`(${t.status} = 'confirmed') = (${t.confirmedBy} is not null and ${t.confirmedAt} is not null)`),
  ],
);

export const offlineResearchSchools = pgTable(
  'offline_research_schools',
  {
    researchId: uuid('research_id').notNull().references(() => offlineResearch.id, { onDelete: 'cascade' }),
    schoolId: uuid('school_id').notNull().references(() => schools.id),
  },
  (t) => [primaryKey({ columns: [t.researchId, t.schoolId] })],
);

export const offlineResearchTeachers = pgTable(
  'offline_research_teachers',
  {
    researchId: uuid('research_id').notNull().references(() => offlineResearch.id, { onDelete: 'cascade' }),
    teacherId: uuid('teacher_id').notNull().references(() => teachers.id),
  },
  (t) => [primaryKey({ columns: [t.researchId, t.teacherId] })],
);

/** Evidence files (images, PDF); the bytes live under DATA_DIR, named by `storage_key`. */
export const offlineResearchAttachments = pgTable(
  'offline_research_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    researchId: uuid('research_id').notNull().references(() => offlineResearch.id),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull().unique(),
    uploadedBy: uuid('uploaded_by').references(() => accounts.id),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('offline_research_attachments_research_idx').on(t.researchId), check('offline_research_attachments_size_ck', sql`${t.sizeBytes} > 0`)],
);

/** Backbone-teacher dispatch 骨干教师派驻: a core-school teacher teaches at a member school for a period (dates inclusive). */
export const teacherDispatches = pgTable(
  'teacher_dispatches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityId: uuid('community_id').notNull().references(() => communities.id),
    teacherId: uuid('teacher_id').notNull().references(() => teachers.id),
    /** The member school the teacher is sent to. */
    schoolId: uuid('school_id').notNull().references(() => schools.id),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
    hoursPerWeek: numeric('hours_per_week', { precision: 4, scale: 1, mode: 'number' }),
    note: text('note').notNull().default(''),
    createdBy: uuid('created_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('teacher_dispatches_community_idx').on(t.communityId, t.startsOn),
    check('teacher_dispatches_dates_ck', sql`${t.endsOn} >= ${t.startsOn}`),
    check('teacher_dispatches_hours_ck', sql`${t.hoursPerWeek} is null or (${t.hoursPerWeek} > 0 and ${t.hoursPerWeek} <= 40)`),
  ],
);
