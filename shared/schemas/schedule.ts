import { z } from 'zod';
import { TimeZone } from './places.ts';
import { Id, IsoDate, IsoDateTime, Name } from './common.ts';
import { ConflictDetail, FieldIssueParams } from './errors.ts';

// ---- live sessions: synchronized lessons 同步课堂 and online research 网络研修 ----

export const SessionKind = z.enum(['sync_lesson', 'online_research']);
export type SessionKind = z.infer<typeof SessionKind>;
/** 同步互动混合课堂 | 同步互动专递课堂 | 名师课堂 */
export const LessonMode = z.enum(['interactive', 'dedicated', 'master']);
export type LessonMode = z.infer<typeof LessonMode>;
export const SessionStatus = z.enum(['scheduled', 'live', 'delivered', 'missed', 'cancelled']);
export type SessionStatus = z.infer<typeof SessionStatus>;


const Person = z.object({ id: Id, name: z.string(), schoolId: Id, schoolName: z.string() });

export const LiveSession = z
  .object({
    id: Id,
    communityId: Id,
    communityName: z.string(),
    kind: SessionKind,
    title: z.string(),
    topic: z.string(),
    subjectCode: z.string().nullable(),
    mode: LessonMode.nullable(),
    /** UTC instants (ISO 8601, `Z`); show them in `timeZone`. */
    startsAt: z.string(),
    endsAt: z.string(),
    timeZone: z.string(),
    status: SessionStatus,
    statusReason: z.string().nullable(),
    seriesId: Id.nullable(),
    teachers: z.array(Person.extend({ role: z.enum(['host', 'invited']) })),
    classrooms: z.array(Person.extend({ role: z.enum(['host', 'member']) })),
    override: z.object({ byAccountId: Id, byName: z.string(), reason: z.string() }).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'LiveSession' });
export type LiveSession = z.infer<typeof LiveSession>;

/** Weekly recurrence: until a local date (inclusive) or a number of occurrences; holidays are skipped. */
export const Recurrence = z
  .object({
    intervalWeeks: z.number().int().min(1).max(4).default(1),
    until: IsoDate.optional(),
    count: z.number().int().min(1).max(100).optional(),
  })
  .refine((r) => (r.until === undefined) !== (r.count === undefined), { message: 'give either until or count', path: ['until'] });

/** A coordinator's permission to plan outside the terms or on a holiday. */
export const CalendarOverride = z.object({ reason: z.string().trim().min(2).max(500) });

const SessionFields = {
  communityId: Id,
  kind: SessionKind,
  title: Name,
  topic: z.string().trim().max(500).default(''),
  subjectCode: z.string().min(1).nullable().default(null),
  mode: LessonMode.nullable().default(null),
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  /** Defaults to the host teacher's school's zone. */
  timeZone: TimeZone.optional(),
  hostTeacherId: Id,
  /** Lessons: the classroom the teacher teaches from (normally at the core school). */
  hostClassroomId: Id.nullable().default(null),
  /** Lessons: the member-school classrooms taking part (at least one). */
  memberClassroomIds: z.array(Id).max(50).default([]),
  /** Research: the teachers invited (core and member schools; at least one member school). */
  invitedTeacherIds: z.array(Id).max(100).default([]),
  override: CalendarOverride.nullable().default(null),
};

function sessionRules(s: { kind: string; subjectCode: string | null; mode: string | null; startsAt: string; endsAt: string; hostClassroomId: string | null; memberClassroomIds: string[]; invitedTeacherIds: string[]; hostTeacherId: string }, ctx: z.RefinementCtx) {
  const start = Date.parse(s.startsAt);
  const end = Date.parse(s.endsAt);
  if (!(end > start)) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'ends before it starts' });
  else if (end - start > 12 * 3600_000) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'longer than 12 hours' });
  if (s.kind === 'sync_lesson') {
    if (!s.subjectCode) ctx.addIssue({ code: 'custom', path: ['subjectCode'], message: 'a lesson has a subject' });
    if (!s.mode) ctx.addIssue({ code: 'custom', path: ['mode'], message: 'a lesson has a mode' });
    if (!s.hostClassroomId) ctx.addIssue({ code: 'custom', path: ['hostClassroomId'], message: 'a lesson is taught from a classroom' });
    if (s.memberClassroomIds.length === 0) ctx.addIssue({ code: 'custom', path: ['memberClassroomIds'], message: 'at least one member-school classroom takes part' });
    if (s.invitedTeacherIds.length) ctx.addIssue({ code: 'custom', path: ['invitedTeacherIds'], message: 'lessons invite classrooms, not teachers' });
  } else {
    if (s.mode) ctx.addIssue({ code: 'custom', path: ['mode'], message: 'only lessons have a mode' });
    if (s.hostClassroomId || s.memberClassroomIds.length) ctx.addIssue({ code: 'custom', path: ['memberClassroomIds'], message: 'research sessions invite teachers, not classrooms' });
    if (s.invitedTeacherIds.length === 0) ctx.addIssue({ code: 'custom', path: ['invitedTeacherIds'], message: 'invite at least one teacher' });
  }
  if (new Set(s.memberClassroomIds).size !== s.memberClassroomIds.length || (s.hostClassroomId && s.memberClassroomIds.includes(s.hostClassroomId))) {
    ctx.addIssue({ code: 'custom', path: ['memberClassroomIds'], message: 'a classroom is listed twice' });
  }
  if (new Set(s.invitedTeacherIds).size !== s.invitedTeacherIds.length || s.invitedTeacherIds.includes(s.hostTeacherId)) {
    ctx.addIssue({ code: 'custom', path: ['invitedTeacherIds'], message: 'a teacher is listed twice' });
  }
}

export const SessionCreate = z
  .object({ ...SessionFields, recurrence: Recurrence.nullable().default(null) })
  .superRefine(sessionRules);
export type SessionCreate = z.input<typeof SessionCreate>;

/** What the form sends while the user edits: same fields; answers with every clash found. */
export const SessionCheck = z
  .object({ ...SessionFields, recurrence: Recurrence.nullable().default(null), excludeSessionId: Id.optional() })
  .superRefine(sessionRules);

export const SkippedDate = z.object({ date: IsoDate, reason: z.string() });

export const SessionCreated = z
  .object({ seriesId: Id.nullable(), sessions: z.array(LiveSession), skipped: z.array(SkippedDate) })
  .meta({ id: 'SessionCreated' });
export type SessionCreated = z.infer<typeof SessionCreated>;

export const CalendarIssue = z.object({
  date: IsoDate,
  /** `in_past`: the session would start before now (S-SCHEDULE-PAST). */
  kind: z.enum(['holiday', 'outside_term', 'in_past']),
  /** The holiday's name, or the nearest term. */
  name: z.string().nullable(),
  description: z.string(),
});
export type CalendarIssue = z.infer<typeof CalendarIssue>;

export const SessionCheckResult = z
  .object({
    ok: z.boolean(),
    conflicts: z.array(ConflictDetail),
    calendarIssues: z.array(CalendarIssue),
    /** The occurrences a series would have (local dates), and those skipped for holidays. */
    occurrences: z.array(z.object({ startsAt: z.string(), endsAt: z.string() })),
    skipped: z.array(SkippedDate),
  })
  .meta({ id: 'SessionCheckResult' });
export type SessionCheckResult = z.infer<typeof SessionCheckResult>;

export const ChangeScope = z.enum(['one', 'following']);

export const SessionUpdate = z
  .object({
    title: Name.optional(),
    topic: z.string().trim().max(500).optional(),
    subjectCode: z.string().min(1).optional(),
    mode: LessonMode.optional(),
    startsAt: IsoDateTime.optional(),
    endsAt: IsoDateTime.optional(),
    hostTeacherId: Id.optional(),
    hostClassroomId: Id.optional(),
    memberClassroomIds: z.array(Id).min(1).max(50).optional(),
    invitedTeacherIds: z.array(Id).min(1).max(100).optional(),
    override: CalendarOverride.nullable().optional(),
    /** `following`: this occurrence and the later ones of its series (times shift by the same amount). */
    scope: ChangeScope.default('one'),
  })
  .refine((u) => (u.startsAt === undefined) === (u.endsAt === undefined), { path: ['endsAt'], message: 'give startsAt and endsAt together' });

export const SessionCancel = z.object({ reason: z.string().trim().min(2).max(500), scope: ChangeScope.default('one') });

/** Cancelling the lessons whose member schools have left (Q-PLANNED-LESSON-MEMBERS). */
export const StrandedCancel = z.object({ reason: z.string().trim().min(2).max(500) });

export const SessionsChanged = z.object({ sessions: z.array(LiveSession) }).meta({ id: 'SessionsChanged' });

export const SessionListQuery = z.object({
  from: IsoDateTime,
  to: IsoDateTime,
  communityId: Id.optional(),
  teacherId: Id.optional(),
  classroomId: Id.optional(),
  kind: SessionKind.optional(),
  includeCancelled: z.enum(['true', 'false']).optional(),
});

export const StatusHistoryEntry = z.object({
  fromStatus: SessionStatus.nullable(),
  toStatus: SessionStatus,
  reason: z.string().nullable(),
  actor: z.object({ accountId: Id, displayName: z.string() }).nullable(),
  systemSource: z.string().nullable(),
  at: z.string(),
});

// ---- offline teaching research 线下教研 ----

export const OfflineResearchStatus = z.enum(['planned', 'confirmed', 'cancelled']);

export const OfflineAttachment = z.object({ id: Id, fileName: z.string(), contentType: z.string(), sizeBytes: z.number().int(), uploadedAt: z.string() });

export const OfflineResearch = z
  .object({
    id: Id,
    communityId: Id,
    title: z.string(),
    heldOn: IsoDate,
    place: z.string(),
    hostSchool: z.object({ id: Id, name: z.string() }),
    schools: z.array(z.object({ id: Id, name: z.string() })),
    teachers: z.array(Person),
    minutes: z.string(),
    status: OfflineResearchStatus,
    confirmedAt: z.string().nullable(),
    confirmedBy: z.string().nullable(),
    attachments: z.array(OfflineAttachment),
  })
  .meta({ id: 'OfflineResearch' });
export type OfflineResearch = z.infer<typeof OfflineResearch>;

export const OfflineResearchCreate = z.object({
  communityId: Id,
  title: Name,
  heldOn: IsoDate,
  place: z.string().trim().min(1).max(200),
  hostSchoolId: Id,
  schoolIds: z.array(Id).max(50).default([]),
  teacherIds: z.array(Id).max(200).default([]),
  minutes: z.string().max(20_000).default(''),
});
export const OfflineResearchUpdate = OfflineResearchCreate.omit({ communityId: true }).partial().extend({ status: z.literal('cancelled').optional() });
export const OfflineResearchListQuery = z.object({ communityId: Id.optional(), from: IsoDate.optional(), to: IsoDate.optional() });
export const AttachmentParams = z.object({ id: Id, attachmentId: Id });
/** Evidence uploads: photos and PDF minutes, at most this size. */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;

// ---- backbone-teacher dispatch 骨干教师派驻 ----

export const Dispatch = z
  .object({
    id: Id,
    communityId: Id,
    teacher: Person,
    school: z.object({ id: Id, name: z.string() }),
    startsOn: IsoDate,
    endsOn: IsoDate,
    hoursPerWeek: z.number().nullable(),
    note: z.string(),
  })
  .meta({ id: 'Dispatch' });
export type Dispatch = z.infer<typeof Dispatch>;

export const DispatchCreate = z
  .object({
    communityId: Id,
    teacherId: Id,
    schoolId: Id,
    startsOn: IsoDate,
    endsOn: IsoDate,
    hoursPerWeek: z.number().positive().max(40).nullable().default(null),
    note: z.string().max(2000).default(''),
  })
  .refine((d) => d.endsOn >= d.startsOn, { path: ['endsOn'], message: 'ends before it starts' });
export const DispatchUpdate = z.object({
  startsOn: IsoDate.optional(),
  endsOn: IsoDate.optional(),
  hoursPerWeek: z.number().positive().max(40).nullable().optional(),
  note: z.string().max(2000).optional(),
});
export const DispatchListQuery = z.object({ communityId: Id.optional() });

// ---- calendars: export and subscription ----

export const CalendarExportQuery = z.object({
  communityId: Id.optional(),
  teacherId: Id.optional(),
  classroomId: Id.optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
});

export const CalendarFeedState = z
  .object({
    active: z.boolean(),
    createdAt: z.string().nullable(),
    /** Only right after creation: the token is stored hashed and cannot be shown again. */
    url: z.string().nullable(),
  })
  .meta({ id: 'CalendarFeedState' });
export const CalendarFeedParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,80}\.ics$/) });

// ---- bulk import ----

export const ImportFormat = z.enum(['xlsx', 'csv']);
export const ImportTemplateQuery = z.object({ format: ImportFormat.default('xlsx') });
export const ImportRequest = z.object({ dryRun: z.boolean().default(true) });
export const ImportRowError = z.object({
  row: z.number().int(),
  column: z.string().nullable(),
  message: z.string(),
  conflict: ConflictDetail.optional(),
  /** A failed built-in check of the row's values: its code and parameters, as in a 400's field errors. */
  code: z.string().optional(),
  params: FieldIssueParams.optional(),
});
export const ImportResult = z
  .object({
    dryRun: z.boolean(),
    rows: z.number().int(),
    /** Sessions that were (or, in a dry run, would be) created. */
    sessions: z.number().int(),
    errors: z.array(ImportRowError),
    committed: z.boolean(),
  })
  .meta({ id: 'ImportResult' });
export type ImportResult = z.infer<typeof ImportResult>;

// ---- reminders (Socket.IO, server → client) ----

export const REMINDER_EVENT = 'schedule:reminder';
export const Reminder = z.object({
  sessionId: Id,
  /** `upcoming`: N minutes before; `start`: the session starts — join now. */
  kind: z.enum(['upcoming', 'start']),
  title: z.string(),
  sessionKind: SessionKind,
  startsAt: z.string(),
  endsAt: z.string(),
  timeZone: z.string(),
  minutesBefore: z.number().int(),
});
export type Reminder = z.infer<typeof Reminder>;

/** A session reminded of has ended (or was cancelled): its notices are taken down. */
export const REMINDER_WITHDRAWN_EVENT = 'schedule:reminderWithdrawn';
export const ReminderWithdrawn = z.object({ sessionId: Id });
export type ReminderWithdrawn = z.infer<typeof ReminderWithdrawn>;
