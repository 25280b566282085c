import { z } from 'zod';
import { Id, IsoDateTime } from './common.ts';
import { LessonMode, SessionKind, SessionStatus } from './schedule.ts';

/**
 * Live classrooms (issue #4): what a live session looks like to its
 * participants, the evidence it leaves (append-only intervals) and the verdict
 * derived from it. The signaling messages are in shared/signaling/.
 */

/** What a producer carries; a peer has at most one producer per source. */
export const MediaSource = z.enum(['camera', 'microphone', 'screen', 'screen-audio']);
export type MediaSource = z.infer<typeof MediaSource>;


/**
 * How someone takes part in a live session (decided by server/live/access.ts):
 * - `host`: the teaching teacher of a lesson, the host of a research session (moderates);
 * - `teacher`: an invited teacher (research: publishes; lesson: receives only);
 * - `classroom`: a classroom terminal (member classroom, or the lesson's own host classroom);
 * - `observer`: a coordinator of the community (receives everything, publishes nothing, may end the session).
 */
export const LiveRole = z.enum(['host', 'teacher', 'classroom', 'observer']);
export type LiveRole = z.infer<typeof LiveRole>;

export const LiveSessionView = z
  .object({
    id: Id,
    communityId: Id,
    kind: SessionKind,
    mode: LessonMode.nullable(),
    title: z.string(),
    subjectCode: z.string().nullable(),
    startsAt: IsoDateTime,
    endsAt: IsoDateTime,
    status: SessionStatus,
  })
  .meta({ id: 'LiveSessionView' });
export type LiveSessionView = z.infer<typeof LiveSessionView>;

/** What the server lets this participant do (the client only hides buttons; the server checks again). */
export const LivePermissions = z.object({
  role: LiveRole,
  publish: z.array(MediaSource),
  /** Stage, mute a classroom, recording. */
  moderate: z.boolean(),
  endSession: z.boolean(),
});
export type LivePermissions = z.infer<typeof LivePermissions>;

export const LivePeer = z
  .object({
    peerId: z.string(),
    accountId: Id,
    displayName: z.string(),
    role: LiveRole,
    teacherId: Id.nullable(),
    classroomId: Id.nullable(),
    /** Sources the peer is sending now (producer exists and is not paused). */
    publishing: z.array(MediaSource),
    handRaised: z.boolean(),
    /** The host muted this classroom's microphone; only the host can lift it. */
    mutedByHost: z.boolean(),
    /** false while the peer's signaling socket is away (it may come back and resume). */
    online: z.boolean(),
  })
  .meta({ id: 'LivePeer' });
export type LivePeer = z.infer<typeof LivePeer>;

export const RecordingState = z.object({
  active: z.boolean(),
  recordingId: Id.nullable(),
  startedAt: IsoDateTime.nullable(),
});
export type RecordingState = z.infer<typeof RecordingState>;

export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

// ---- REST ---------------------------------------------------------------------

export const SessionParams = z.object({ sessionId: Id });
export const RecordingParams = z.object({ recordingId: Id });

/** A session the caller may join now or soon (the classroom terminal auto-joins `live` ones). */
export const LiveNowItem = z
  .object({
    session: LiveSessionView,
    role: LiveRole,
    /** The host may go live from this instant; everyone else joins once it is live. */
    joinableFrom: IsoDateTime,
    /** Someone is in the room right now. */
    peers: z.number().int(),
    recording: z.boolean(),
  })
  .meta({ id: 'LiveNowItem' });
export type LiveNowItem = z.infer<typeof LiveNowItem>;

export const EvidenceIntervalKind = z.enum(['connected', 'publishing', 'receiving']);
export type EvidenceIntervalKind = z.infer<typeof EvidenceIntervalKind>;
export const IntervalEndReason = z.enum(['stopped', 'left', 'disconnected', 'session_ended', 'shutdown', 'crash_recovered', 'media_rebuilt']);
export type IntervalEndReason = z.infer<typeof IntervalEndReason>;

export const EvidenceInterval = z
  .object({
    id: Id,
    kind: EvidenceIntervalKind,
    role: LiveRole,
    accountId: Id,
    teacherId: Id.nullable(),
    classroomId: Id.nullable(),
    source: MediaSource.nullable(),
    /** receiving: whose media (the producing participant's account). */
    fromAccountId: Id.nullable(),
    startedAt: IsoDateTime,
    endedAt: IsoDateTime.nullable(),
    endReason: IntervalEndReason.nullable(),
  })
  .meta({ id: 'EvidenceInterval' });
export type EvidenceInterval = z.infer<typeof EvidenceInterval>;

/** Stable IDs of the evidence rules (cited by the quota tracker and in test names). */
export const EvidenceRuleId = z.enum(['E-TEACHER-PUBLISHED', 'E-CLASSROOM-RECEIVED', 'E-RESEARCH-PUBLISHED', 'E-RESEARCH-PARTICIPANTS']);
export type EvidenceRuleId = z.infer<typeof EvidenceRuleId>;

/** One version of one rule: thresholds are data, versioned by the date they take effect. */
export const EvidenceRule = z
  .object({
    ruleId: EvidenceRuleId,
    effectiveFrom: z.iso.date(),
    /** Share of the scheduled duration (0–1) that must be covered. */
    minShare: z.number().min(0).max(1),
    /** How many classrooms / participants must reach the share (where the rule counts). */
    minCount: z.number().int().min(0),
    /** Evidence this long before the scheduled start and after its end still counts. */
    marginMinutes: z.number().int().min(0),
    description: z.string(),
  })
  .meta({ id: 'EvidenceRule' });
export type EvidenceRule = z.infer<typeof EvidenceRule>;

export const RuleOutcome = z.object({
  ruleId: EvidenceRuleId,
  passed: z.boolean(),
  /** The best share measured (for counting rules: the share of the `minCount`-th best). */
  measuredShare: z.number(),
  /** How many classrooms / participants reached the share. */
  count: z.number().int(),
  requiredShare: z.number(),
  requiredCount: z.number().int(),
  /** Plain-language why, in English (the UI translates by rule ID). */
  detail: z.string(),
});
export type RuleOutcome = z.infer<typeof RuleOutcome>;

export const Verdict = z
  .object({
    status: z.enum(['delivered', 'missed']),
    /** Rule IDs that failed, joined — the reason stored on the session when missed. */
    reason: z.string().nullable(),
    outcomes: z.array(RuleOutcome),
  })
  .meta({ id: 'Verdict' });
export type Verdict = z.infer<typeof Verdict>;

export const SessionEvidence = z
  .object({
    session: LiveSessionView,
    intervals: z.array(EvidenceInterval),
    verdict: Verdict.extend({ evaluatedAt: IsoDateTime, endedAt: IsoDateTime, endCause: z.string() }).nullable(),
  })
  .meta({ id: 'SessionEvidence' });
export type SessionEvidence = z.infer<typeof SessionEvidence>;

export const Recording = z
  .object({
    id: Id,
    sessionId: Id,
    status: z.enum(['recording', 'ready', 'failed']),
    startedAt: IsoDateTime,
    endedAt: IsoDateTime.nullable(),
    contentType: z.string(),
    sizeBytes: z.number().int().nullable(),
    fileName: z.string(),
  })
  .meta({ id: 'Recording' });
export type Recording = z.infer<typeof Recording>;
