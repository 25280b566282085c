import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { liveSessions } from './schedule.ts';

/**
 * Live classrooms (issue #4): what the media plane saw happen, as evidence the
 * quota tracker can count, and the recordings of lessons.
 *
 * The evidence rule (enforced by triggers, migration `live_constraints`):
 * an interval is written open (`ended_at` null) when something starts and is
 * closed exactly once when it stops; closing sets `ended_at` and `end_reason`
 * and nothing else. A closed interval never changes, and no interval is ever
 * deleted (or truncated). Verdicts and rule versions are append-only as well.
 */

/** A server process writing evidence; its heartbeat says until when its open intervals were true (crash recovery). */
export const liveRecorders = pgTable('live_recorders', {
  id: uuid('id').primaryKey().defaultRandom(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
  /** Set on an orderly shutdown, or when another process recovered its open intervals. */
  stoppedAt: timestamp('stopped_at', { withTimezone: true }),
});

/**
 * From when to when someone was connected (per transport), publishing (per
 * source) or receiving (per consumer: whose media, which source), and when a
 * classroom followed by sound and courseware (per participant: its media id is
 * its peer id).
 */
export const liveEvidenceIntervals = pgTable(
  'live_evidence_intervals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull().references(() => liveSessions.id),
    recorderId: uuid('recorder_id').notNull().references(() => liveRecorders.id),
    /** connected | publishing | receiving | audio_courseware (a classroom in the audio-and-courseware mode) */
    kind: text('kind').notNull(),
    /** host | teacher | classroom | observer (see shared/schemas/live.ts) */
    role: text('role').notNull(),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    teacherId: uuid('teacher_id'),
    classroomId: uuid('classroom_id'),
    peerId: text('peer_id').notNull(),
    /** connected: send | recv */
    direction: text('direction'),
    /** publishing / receiving: camera | microphone | screen | screen-audio */
    source: text('source'),
    /** receiving: whose media */
    fromPeerId: text('from_peer_id'),
    fromAccountId: uuid('from_account_id').references(() => accounts.id),
    fromRole: text('from_role'),
    /** The transport, producer or consumer id of the media plane. */
    mediaId: text('media_id').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** stopped | left | disconnected | session_ended | shutdown | crash_recovered | media_rebuilt */
    endReason: text('end_reason'),
  },
  (t) => [
    index('live_evidence_session_idx').on(t.sessionId, t.kind),
    index('live_evidence_open_idx').on(t.recorderId).where(sql`${t.endedAt} is null`),
    uniqueIndex('live_evidence_one_open_uq').on(t.kind, t.mediaId).where(sql`${t.endedAt} is null`),
    check('live_evidence_kind_ck', sql`${t.kind} in ('connected', 'publishing', 'receiving', 'audio_courseware')`),
    check('live_evidence_role_ck', sql`${t.role} in ('host', 'teacher', 'classroom', 'observer')`),
    check('live_evidence_source_ck', sql`${t.source} is null or ${t.source} in ('camera', 'microphone', 'screen', 'screen-audio')`),
    check(
      'live_evidence_shape_ck',
      sql`case ${t.kind}
        when 'connected' then ${t.direction} in ('send', 'recv') and ${t.source} is null
        when 'publishing' then ${t.source} is not null and ${t.direction} is null
        when 'audio_courseware' then ${t.direction} is null and ${t.source} is null and ${t.fromPeerId} is null
        else ${t.source} is not null and ${t.fromPeerId} is not null and ${t.fromAccountId} is not null end`,
    ),
    check('live_evidence_end_ck', sql`(${t.endedAt} is null) = (${t.endReason} is null) and (${t.endedAt} is null or ${t.endedAt} >= ${t.startedAt})`),
    check(
      'live_evidence_end_reason_ck',
      sql`${t.endReason} is null or ${t.endReason} in ('stopped', 'left', 'disconnected', 'session_ended', 'shutdown', 'crash_recovered', 'media_rebuilt')`,
    ),
  ],
);

/**
 * The evidence rules' thresholds, one row per rule and version: the version in
 * force for a session is the latest `effective_from` on or before its start
 * date (the earliest if none). A change of rules is a new row for a new year.
 */
export const liveEvidenceRules = pgTable(
  'live_evidence_rules',
  {
    ruleId: text('rule_id').notNull(),
    effectiveFrom: date('effective_from').notNull(),
    minShare: numeric('min_share', { precision: 4, scale: 3, mode: 'number' }).notNull(),
    minCount: integer('min_count').notNull().default(1),
    marginMinutes: integer('margin_minutes').notNull().default(10),
    /** Participation rules (P-…, issue #6): seconds seen/heard or spoken; 0 where a rule has no time threshold. */
    minSeconds: integer('min_seconds').notNull().default(0),
    description: text('description').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.ruleId, t.effectiveFrom] }),
    check('live_evidence_rules_share_ck', sql`${t.minShare} between 0 and 1`),
    check('live_evidence_rules_count_ck', sql`${t.minCount} >= 0`),
    check('live_evidence_rules_margin_ck', sql`${t.marginMinutes} between 0 and 240`),
    check('live_evidence_rules_seconds_ck', sql`${t.minSeconds} between 0 and 86400`),
  ],
);

/**
 * The S-T analysis thresholds (server/live/stAnalysis.ts, rules ST-SAMPLE-30S and
 * ST-TYPE-THRESHOLDS): append-only versions by the date they take effect, like the
 * evidence rules; the version in force on a lesson's local date applies.
 */
export const liveStRules = pgTable(
  'live_st_rules',
  {
    effectiveFrom: date('effective_from').primaryKey(),
    sampleSeconds: integer('sample_seconds').notNull(),
    practiceMaxRt: numeric('practice_max_rt', { precision: 4, scale: 3, mode: 'number' }).notNull(),
    lectureMinRt: numeric('lecture_min_rt', { precision: 4, scale: 3, mode: 'number' }).notNull(),
    dialogueMinCh: numeric('dialogue_min_ch', { precision: 4, scale: 3, mode: 'number' }).notNull(),
    description: text('description').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('live_st_rules_sample_ck', sql`${t.sampleSeconds} between 5 and 600`),
    check('live_st_rules_rt_ck', sql`${t.practiceMaxRt} between 0 and 1 and ${t.lectureMinRt} between 0 and 1 and ${t.practiceMaxRt} < ${t.lectureMinRt}`),
    check('live_st_rules_ch_ck', sql`${t.dialogueMinCh} between 0 and 1`),
  ],
);

/**
 * Participation facts beside the evidence (issue #6), append-only like it (same
 * trigger, migration `oversight_constraints`): `speaking` (the microphone above
 * the speaker threshold, from the media plane's audio levels), `stage` (on
 * stage), `hand` (a raised hand, raised → lowered). Patrols (role observer)
 * never have any: the role check leaves them out.
 */
export const liveActivityIntervals = pgTable(
  'live_activity_intervals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull().references(() => liveSessions.id),
    recorderId: uuid('recorder_id').notNull().references(() => liveRecorders.id),
    /** speaking | stage | hand */
    kind: text('kind').notNull(),
    /** host | teacher | classroom */
    role: text('role').notNull(),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    teacherId: uuid('teacher_id'),
    classroomId: uuid('classroom_id'),
    peerId: text('peer_id').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** as for evidence intervals */
    endReason: text('end_reason'),
  },
  (t) => [
    index('live_activity_session_idx').on(t.sessionId, t.kind),
    index('live_activity_open_idx').on(t.recorderId).where(sql`${t.endedAt} is null`),
    uniqueIndex('live_activity_one_open_uq').on(t.kind, t.peerId).where(sql`${t.endedAt} is null`),
    check('live_activity_kind_ck', sql`${t.kind} in ('speaking', 'stage', 'hand')`),
    check('live_activity_role_ck', sql`${t.role} in ('host', 'teacher', 'classroom')`),
    check('live_activity_end_ck', sql`(${t.endedAt} is null) = (${t.endReason} is null) and (${t.endedAt} is null or ${t.endedAt} >= ${t.startedAt})`),
    check(
      'live_activity_end_reason_ck',
      sql`${t.endReason} is null or ${t.endReason} in ('stopped', 'left', 'disconnected', 'session_ended', 'shutdown', 'crash_recovered', 'media_rebuilt')`,
    ),
  ],
);

/** The outcome of a session, written once when it ends (the session's status follows it). */
export const liveSessionVerdicts = pgTable(
  'live_session_verdicts',
  {
    sessionId: uuid('session_id').primaryKey().references(() => liveSessions.id),
    /** delivered | missed */
    status: text('status').notNull(),
    reason: text('reason'),
    /** Per rule: passed, measured share, thresholds (shared/schemas/live.ts RuleOutcome). */
    outcomes: jsonb('outcomes').notNull(),
    /** The rule versions applied. */
    rules: jsonb('rules').notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }).notNull(),
    /** host | observer | auto_close */
    endCause: text('end_cause').notNull(),
    endedBy: uuid('ended_by').references(() => accounts.id),
    evaluatedAt: timestamp('evaluated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('live_session_verdicts_status_ck', sql`${t.status} in ('delivered', 'missed')`)],
);

/**
 * Recordings of a session (the media plane writes the file under DATA_DIR/recordings/). A
 * recording cut off with its room (its node died or drained, a restart) goes on as the next part
 * of the same series when the new room has the teacher's producers again (LIVE-RECORDING-RESUME).
 */
export const liveRecordings = pgTable(
  'live_recordings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull().references(() => liveSessions.id),
    startedBy: uuid('started_by').notNull().references(() => accounts.id),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** recording | ready | failed */
    status: text('status').notNull().default('recording'),
    /** Path under DATA_DIR/recordings/ (never absolute, never with `..`). */
    storageKey: text('storage_key').notNull().unique(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    error: text('error'),
    /** The series' first part; null for a first part (the series is then this row's id). */
    seriesId: uuid('series_id').references((): AnyPgColumn => liveRecordings.id),
    /** Its place in the series, from 1. */
    part: integer('part').notNull().default(1),
    /** The process writing it (its heartbeat says whether it still can); null for rows before series. */
    recorderId: uuid('recorder_id').references(() => liveRecorders.id),
    /**
     * Why it ended: stopped (the host, or the session's end), room-closed / worker-died /
     * interrupted (its room or its process went away: the series goes on), producers-closed,
     * ffmpeg-exited. Null while recording, and for rows before series.
     */
    endReason: text('end_reason'),
  },
  (t) => [
    index('live_recordings_session_idx').on(t.sessionId, t.startedAt),
    uniqueIndex('live_recordings_one_active_uq').on(t.sessionId).where(sql`${t.status} = 'recording'`),
    uniqueIndex('live_recordings_series_part_uq').on(t.seriesId, t.part).where(sql`${t.seriesId} is not null`),
    check('live_recordings_status_ck', sql`${t.status} in ('recording', 'ready', 'failed')`),
    check('live_recordings_key_ck', sql`${t.storageKey} !~ '(^/|\\.\\.)'`),
    check('live_recordings_part_ck', sql`(${t.seriesId} is null) = (${t.part} = 1)`),
    check(
      'live_recordings_end_reason_ck',
      sql`${t.endReason} is null or ${t.endReason} in ('stopped', 'room-closed', 'worker-died', 'interrupted', 'producers-closed', 'ffmpeg-exited')`,
    ),
  ],
);
