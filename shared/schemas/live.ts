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
 * - `observer`: a patrol 巡课 (issue #6) — a coordinator of the community or an auditor of its
 *   county: receives everything, publishes nothing, is invisible to the other participants
 *   (the host sees only a "being observed" marker), leaves no evidence; coordinators may end
 *   a session somebody forgot to end, auditors may not.
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
    /** A classroom in audio-and-courseware mode (仅声音和课件): it receives no video, only sound and the courseware. */
    audioCourseware: z.boolean().default(false),
    /**
     * The participant follows the lesson on another app node than the host's (an edge: server/cluster
     * N-EDGE-ROSTER). For diagnostics only: the teacher's console shows it like any other.
     */
    onEdge: z.boolean().default(false),
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

/**
 * `audio_courseware`: a classroom in the audio-and-courseware mode (仅声音和课件, CW-AUDIO-ONLY):
 * its videos held at the worker, it follows the lesson by sound and the board
 * (E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE, server/live/README.md).
 */
export const EvidenceIntervalKind = z.enum(['connected', 'publishing', 'receiving', 'audio_courseware']);
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

/**
 * Stable IDs of the participation rules (issue #6), judged on the per-participant
 * participation data (server/evidence/participationRules.ts):
 * - `P-LESSON-TEACHER-AV`: the host teacher sent camera and microphone at once for ≥ min_share;
 * - `P-LESSON-CLASSROOM-PRESENT`: ≥ min_count member classrooms each received the teacher
 *   (picture and sound, or sound and courseware: E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE) for
 *   ≥ min_share and were seen or heard (camera on or speaking) for
 *   ≥ min_seconds (waived in master-teacher lessons, where classrooms may not publish);
 * - `P-RESEARCH-SCHOOLS-SPOKE`: teachers of ≥ min_count schools spoke, each school through
 *   one teacher who spoke ≥ min_seconds in total.
 */
export const ParticipationRuleId = z.enum(['P-LESSON-TEACHER-AV', 'P-LESSON-CLASSROOM-PRESENT', 'P-RESEARCH-SCHOOLS-SPOKE']);
export type ParticipationRuleId = z.infer<typeof ParticipationRuleId>;

/** Every rule that decides delivered/missed: a session counts only if all rules of its kind pass. */
export const LiveRuleId = z.enum([...EvidenceRuleId.options, ...ParticipationRuleId.options]);
export type LiveRuleId = z.infer<typeof LiveRuleId>;

/** One version of one rule: thresholds are data, versioned by the date they take effect. */
export const EvidenceRule = z
  .object({
    ruleId: LiveRuleId,
    effectiveFrom: z.iso.date(),
    /** Share of the scheduled duration (0–1) that must be covered. */
    minShare: z.number().min(0).max(1),
    /** How many classrooms / participants must reach the share (where the rule counts). */
    minCount: z.number().int().min(0),
    /** Evidence this long before the scheduled start and after its end still counts. */
    marginMinutes: z.number().int().min(0),
    /** Participation rules: seconds seen or heard (classrooms) or spoken (research schools). 0 where unused. */
    minSeconds: z.number().int().min(0).max(86_400).default(0),
    description: z.string(),
  })
  .meta({ id: 'EvidenceRule' });
export type EvidenceRule = z.infer<typeof EvidenceRule>;

export const RuleOutcome = z.object({
  ruleId: LiveRuleId,
  passed: z.boolean(),
  /** The best share measured (for counting rules: the share of the `minCount`-th best). */
  measuredShare: z.number(),
  /** How many classrooms / participants reached the share. */
  count: z.number().int(),
  requiredShare: z.number(),
  requiredCount: z.number().int(),
  /** Participation rules with a time threshold: the seconds measured (of the `minCount`-th best) and required. */
  measuredSeconds: z.number().optional(),
  requiredSeconds: z.number().optional(),
  /**
   * E-CLASSROOM-RECEIVED and P-LESSON-CLASSROOM-PRESENT: how much of `measuredShare` the
   * classroom received by sound and courseware instead of picture and sound
   * (E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE); absent when no classroom used the mode.
   */
  audioCoursewareShare: z.number().optional(),
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
    /**
     * LIVE-RECORDING-RESUME: the series this recording is a part of (its first part's id) and its
     * place in it from 1. A recording cut off with its room (the node died or drained, a restart)
     * goes on as the next part once the new room has the teacher's producers again.
     */
    seriesId: Id,
    part: z.number().int().min(1),
    /**
     * Why it ended: `stopped` (the host, or the end of the session); `room-closed`, `worker-died`,
     * `interrupted` (its room or its server went away: the series goes on); `producers-closed`
     * (the teacher's camera and microphone went); `ffmpeg-exited`. Null while recording (and for
     * recordings made before series were kept).
     */
    endReason: z.enum(['stopped', 'room-closed', 'worker-died', 'interrupted', 'producers-closed', 'ffmpeg-exited']).nullable(),
    /** A later part: seconds from the end of the part before it to its start (the gap the move left). Null for a first part. */
    gapSeconds: z.number().min(0).nullable(),
  })
  .meta({ id: 'Recording' });
export type Recording = z.infer<typeof Recording>;

// ---- oversight (issue #6): participation data and patrols ----------------------------------

/**
 * Append-only facts beside the evidence intervals (table `live_activity_intervals`):
 * `speaking` — the microphone was above LIVE_SPEAKER_THRESHOLD_DBOV (media's audio levels);
 * `stage` — on stage; `hand` — a hand raised (raised → lowered, each one a row).
 */
export const ActivityKind = z.enum(['speaking', 'stage', 'hand']);
export type ActivityKind = z.infer<typeof ActivityKind>;

/**
 * One planned participant's figures for one session, computed from the
 * evidence and activity intervals. Seconds are of the whole session (not only
 * the scheduled window), rounded to 0.1 s; publishing counts only while the send
 * transport was connected, receiving only while the receive transport was.
 */
export const ParticipantFigures = z
  .object({
    /** `teacher:<id>` or `classroom:<id>`. */
    key: z.string(),
    kind: z.enum(['teacher', 'classroom']),
    /** host | teacher (invited) | classroom */
    role: LiveRole,
    teacherId: Id.nullable(),
    classroomId: Id.nullable(),
    name: z.string(),
    schoolId: Id,
    schoolName: z.string(),
    /** A lesson's host classroom (the core school's own class), not a member classroom. */
    hostClassroom: z.boolean(),
    /** First connected, last disconnected (null: never came / still in). */
    joinedAt: IsoDateTime.nullable(),
    leftAt: IsoDateTime.nullable(),
    /** How many times it entered (separate connections of its devices). */
    visits: z.number().int(),
    connectedSeconds: z.number(),
    receivingSeconds: z.number(),
    cameraSeconds: z.number(),
    microphoneSeconds: z.number(),
    screenSeconds: z.number(),
    speakingSeconds: z.number(),
    handRaises: z.number().int(),
    stageSeconds: z.number(),
    /**
     * Classrooms: seconds it followed the lesson by sound and courseware (E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE):
     * in the audio-and-courseware mode, receiving the teacher's sound, the board up. 0 for teachers.
     */
    audioCoursewareSeconds: z.number(),
    /** Classrooms: the quick quiz questions this classroom answered (P-QUIZ-ANSWERED, server/live/tools/README.md); 0 for teachers. */
    quizAnswers: z.number().int(),
    /**
     * Member classrooms of a judged lesson: whether this classroom took part by
     * P-LESSON-CLASSROOM-PRESENT (received the teacher long enough and was seen or heard),
     * under the rule versions the session was judged by. Null for everybody else, and
     * before the session is judged.
     */
    present: z.boolean().nullable(),
  })
  .meta({ id: 'ParticipantFigures' });
export type ParticipantFigures = z.infer<typeof ParticipantFigures>;

/**
 * S-T analysis (S-T分析法) of a lesson — server/live/stAnalysis.ts, rules ST-… in
 * server/live/README.md. The thresholds are data (`live_st_rules`), versioned by the date
 * they take effect.
 */
export const StRules = z
  .object({
    effectiveFrom: z.iso.date(),
    /** ST-SAMPLE-30S: one sample per this many seconds of the scheduled lesson. */
    sampleSeconds: z.number().int().min(5).max(600),
    /** ST-TYPE-THRESHOLDS: Rt at most this → practice (练习型). */
    practiceMaxRt: z.number().min(0).max(1),
    /** Rt at least this → lecture (讲授型). */
    lectureMinRt: z.number().min(0).max(1),
    /** Otherwise Ch at least this → dialogue (对话型); else mixed (混合型). */
    dialogueMinCh: z.number().min(0).max(1),
  })
  .meta({ id: 'StRules' });
export type StRules = z.infer<typeof StRules>;

/** A new version of the S-T thresholds (admin): practice must stay below lecture. */
export const StRulesCreate = StRules.extend({ description: z.string().trim().min(1).max(1000) })
  .refine((r) => r.practiceMaxRt < r.lectureMinRt, { path: ['lectureMinRt'], message: 'must be above practiceMaxRt' })
  .meta({ id: 'StRulesCreate' });
export type StRulesCreate = z.infer<typeof StRulesCreate>;

export const LessonType = z.enum(['practice', 'lecture', 'dialogue', 'mixed']);
export type LessonType = z.infer<typeof LessonType>;

export const StAnalysis = z
  .object({
    /** One letter per sample, in order: T (the teaching teacher spoke longer) or S. */
    samples: z.string(),
    sampleCount: z.number().int(),
    teacherSamples: z.number().int(),
    /** S samples in which nobody spoke (silence counts as S). */
    silentSamples: z.number().int(),
    runs: z.number().int(),
    /** Teacher share N_T / N, and changes (runs − 1) / N, to 0.001; null without samples. */
    rt: z.number().nullable(),
    ch: z.number().nullable(),
    type: LessonType.nullable(),
    /** The rule version the lesson was analysed with. */
    rules: StRules,
  })
  .meta({ id: 'StAnalysis' });
export type StAnalysis = z.infer<typeof StAnalysis>;

export const SessionParticipation = z
  .object({
    session: LiveSessionView,
    plannedSeconds: z.number(),
    /** The figures are final once the session ended (its intervals are closed). */
    final: z.boolean(),
    computedAt: IsoDateTime,
    participants: z.array(ParticipantFigures),
    /** Quick quiz questions asked in the session (a classroom's answer rate is its quizAnswers of these). */
    quizQuestions: z.number().int(),
    /** The verdict written when the session ended (null while live or never started). */
    verdict: Verdict.extend({ evaluatedAt: IsoDateTime }).nullable(),
    /**
     * Lessons: the S-T analysis of the scheduled window (T: the teaching teacher spoke,
     * S: a classroom spoke; quiz answers are not speech and do not count). Null for
     * research sessions.
     */
    st: StAnalysis.nullable(),
  })
  .meta({ id: 'SessionParticipation' });

/** A community's lessons of an academic year by the S-T analysis (delivered lessons only). */
export const CommunityStSummary = z
  .object({
    communityId: Id,
    academicYear: z.string(),
    years: z.array(z.object({ label: z.string(), current: z.boolean() })),
    /** Delivered lessons of the year, and of them those long enough to have samples. */
    lessons: z.number().int(),
    analysed: z.number().int(),
    /** Means over the analysed lessons, to 0.001; null when none. */
    avgRt: z.number().nullable(),
    avgCh: z.number().nullable(),
    byType: z.object({ practice: z.number().int(), lecture: z.number().int(), dialogue: z.number().int(), mixed: z.number().int() }),
  })
  .meta({ id: 'CommunityStSummary' });
export type CommunityStSummary = z.infer<typeof CommunityStSummary>;
export type SessionParticipation = z.infer<typeof SessionParticipation>;

/** A session live now that the caller may patrol (巡课). */
export const PatrolItem = z
  .object({
    session: LiveSessionView,
    communityName: z.string(),
    hostTeacherName: z.string().nullable(),
    plannedClassrooms: z.number().int(),
    /** Visible participants in the room now (patrols are not counted). */
    present: z.object({ teachers: z.number().int(), classrooms: z.number().int() }),
    recording: z.boolean(),
  })
  .meta({ id: 'PatrolItem' });
export type PatrolItem = z.infer<typeof PatrolItem>;
