import { z } from 'zod';
import { QuotaMetric, QuotaStatus } from '../quotas/rules.ts';
import { Id, IsoDate, Name } from './common.ts';
import { LessonMode } from './schedule.ts';

/**
 * The year planner (shared/planner/SPEC.md): a proposal of sessions, offline research dates
 * and dispatches that makes a community's rules met with a margin; the coordinator edits it
 * and accepts it in one act.
 */
const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

const PlanItemKind = z.enum(['sync_lesson', 'online_research', 'offline_research', 'dispatch']);

export const PlanItem = z
  .object({
    /** Stable within a proposal (`L01`, `R01`, `O01`, `D01`): what the coordinator removes or moves, what a clash names. */
    key: z.string().regex(/^[A-Z]\d{1,4}$/, 'like L01'),
    kind: PlanItemKind,
    /** The rules the item is planned for. */
    ruleIds: z.array(z.string().max(60)).max(10).default([]),
    /** Local date: the session's day, the offline research day, a dispatch's first day. */
    date: IsoDate,
    /** Sessions: local start and end (the community's zone). */
    startTime: LocalTime.nullable().default(null),
    endTime: LocalTime.nullable().default(null),
    /** Dispatch: last day (inclusive). */
    endDate: IsoDate.nullable().default(null),
    title: Name,
    subjectCode: z.string().min(1).max(40).nullable().default(null),
    mode: LessonMode.nullable().default(null),
    /** Lessons and research: the host teacher; dispatch: the backbone teacher. */
    teacherId: Id.nullable().default(null),
    hostClassroomId: Id.nullable().default(null),
    memberClassroomIds: z.array(Id).max(50).default([]),
    invitedTeacherIds: z.array(Id).max(100).default([]),
    /** Offline research: the host school; dispatch: the member school. */
    schoolId: Id.nullable().default(null),
    /** Offline research: the schools taking part. */
    schoolIds: z.array(Id).max(50).default([]),
    /** Names for display (ignored when accepting). */
    who: z.string().max(300).default(''),
    where: z.string().max(300).default(''),
  })
  .meta({ id: 'PlanItem' });
export type PlanItem = z.infer<typeof PlanItem>;

const PlanSlot = z.object({ weekday: z.number().int().min(1).max(5), time: LocalTime });

export const PlanPreferences = z
  .object({
    /** Preferred weekly slots (weekday 1 = Monday, local start time); default Tuesday and Thursday afternoons. */
    slots: z.array(PlanSlot).min(1).max(20).default([
      { weekday: 2, time: '14:00' },
      { weekday: 2, time: '15:00' },
      { weekday: 4, time: '14:00' },
      { weekday: 4, time: '15:00' },
    ]),
    /** At most this many sessions a week per teacher (their existing bookings included). */
    maxPerWeekPerTeacher: z.number().int().min(1).max(20).default(2),
    lessonMinutes: z.number().int().min(20).max(180).default(40),
    researchMinutes: z.number().int().min(20).max(240).default(60),
    /** Subjects wanted for lessons, in order of preference (codes). */
    subjects: z.array(z.string().min(1).max(40)).max(20).default([]),
    /** Length of a planned dispatch, in weeks. */
    dispatchWeeks: z.number().int().min(1).max(20).default(4),
  })
  .meta({ id: 'PlanPreferences' });
export type PlanPreferences = z.output<typeof PlanPreferences>;

export const PlanProposeRequest = z.object({
  academicYear: z.string().regex(/^\d{4}-\d{4}$/).optional(),
  /** For this proposal only; without them, the community's saved preferences (PL-PREFERENCES). */
  preferences: PlanPreferences.optional(),
});

/** A community's saved planning preferences, and whether they were ever saved. */
export const PlanPreferencesState = z
  .object({ preferences: PlanPreferences, saved: z.boolean(), updatedAt: z.string().nullable() })
  .meta({ id: 'PlanPreferencesState' });
export type PlanPreferencesState = z.infer<typeof PlanPreferencesState>;

export const PlanForecast = z.object({
  ruleId: z.string(),
  metric: QuotaMetric,
  nameZh: z.string(),
  nameEn: z.string(),
  required: z.number(),
  counted: z.number(),
  /** Already scheduled and still to come. */
  planned: z.number(),
  /** Added by this proposal. */
  proposed: z.number(),
  /** What is expected to count if the community keeps missing at its miss rate. */
  expected: z.number(),
  statusNow: QuotaStatus,
  /** The tracker's status once the proposal is accepted. */
  status: QuotaStatus,
  metWithMargin: z.boolean(),
});
export type PlanForecast = z.infer<typeof PlanForecast>;

/** What the planner could not satisfy: a reason code (SPEC: PL-SHORTFALL-SAID) and its parameters; the client words it. */
export const PlanShortfall = z.object({
  ruleId: z.string().nullable(),
  code: z.enum(['no_join_terminal', 'no_member_teacher', 'no_subject_teacher', 'subject_replaced', 'not_enough_subjects', 'capacity', 'no_backbone', 'no_teaching_weeks', 'margin']),
  params: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
});
export type PlanShortfall = z.infer<typeof PlanShortfall>;

const PlanMissRate = z.object({
  rate: z.number().min(0).max(1),
  delivered: z.number().int(),
  missed: z.number().int(),
  /** No history: the rate is 0; capped: the record's rate was above the cap. */
  basis: z.enum(['history', 'none', 'capped']),
});

export const PlanProposal = z
  .object({
    communityId: Id,
    academicYear: z.string(),
    from: IsoDate,
    timeZone: z.string(),
    missRate: PlanMissRate,
    preferences: PlanPreferences,
    items: z.array(PlanItem),
    forecast: z.array(PlanForecast),
    shortfalls: z.array(PlanShortfall),
    /** Hash of the proposal as made; an accepted plan carries it into the audit trail. */
    fingerprint: z.string(),
  })
  .meta({ id: 'PlanProposal' });
export type PlanProposal = z.infer<typeof PlanProposal>;

export const PlanAcceptRequest = z.object({
  academicYear: z.string().regex(/^\d{4}-\d{4}$/).optional(),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/, 'the proposal\'s fingerprint'),
  items: z.array(PlanItem).min(1).max(400),
});

export const PlanAccepted = z
  .object({
    /** The planning act: the source of every status-history row written (`planner:<act>`). */
    act: z.string(),
    sessions: z.number().int(),
    offlineResearch: z.number().int(),
    dispatches: z.number().int(),
  })
  .meta({ id: 'PlanAccepted' });
export type PlanAccepted = z.infer<typeof PlanAccepted>;
