import type { ParticipantFigures } from '../../shared/schemas/live.ts';
import type { LiveSessionInfo } from '../live/directory.ts';
import { audioCoursewareSpans, type EvidenceRow } from './facts.ts';
import { intersect, total, union, type Span } from './intervals.ts';

/**
 * Participation data of a session (issue #6), pure: who of the plan took part
 * and how, from the append-only evidence intervals (connected, publishing,
 * receiving) and activity intervals (speaking, stage, hands). The same facts
 * feed the figures shown after a lesson (`figuresOf`) and the participation
 * rules (participationRules.ts), so what is shown is what was judged.
 *
 * - Publishing counts only while the participant's send transport was
 *   connected, receiving only while its receive transport was (as in facts.ts).
 * - Speaking counts only while its microphone was published.
 * - Patrols (observers) never appear: nothing of theirs is written, and only
 *   the session's planned teachers and classrooms are looked for.
 */
export interface ParticipationEvidenceRow extends EvidenceRow {
  readonly peerId: string;
}

export interface ActivityRow {
  readonly kind: string;
  readonly role: string;
  readonly teacherId: string | null;
  readonly classroomId: string | null;
  readonly peerId: string;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
  readonly endReason: string | null;
}

export interface ParticipantSpans {
  readonly key: string;
  readonly kind: 'teacher' | 'classroom';
  readonly role: 'host' | 'teacher' | 'classroom';
  readonly teacherId: string | null;
  readonly classroomId: string | null;
  readonly name: string;
  readonly schoolId: string;
  /** A lesson's host classroom (not a member classroom). */
  readonly hostClassroom: boolean;
  /** Any transport connected. */
  readonly connected: Span[];
  readonly firstSeen: number | null;
  /** The end of its last connection; null while one is open (or never came). */
  readonly lastSeen: number | null;
  readonly visits: number;
  /** Receiving anything. */
  readonly receiving: Span[];
  /** Receiving the host teacher's picture (camera or screen) / sound (microphone). */
  readonly receivedHostVideo: Span[];
  readonly receivedHostAudio: Span[];
  /** In the audio-and-courseware mode with the board up (E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE, facts.ts). */
  readonly audioCourseware: Span[];
  readonly camera: Span[];
  readonly microphone: Span[];
  readonly screen: Span[];
  readonly speaking: Span[];
  readonly stage: Span[];
  readonly handRaises: number;
}

export interface ParticipationFacts {
  readonly kind: 'sync_lesson' | 'online_research';
  readonly mode: 'interactive' | 'dedicated' | 'master' | null;
  readonly scheduled: Span;
  readonly participants: readonly ParticipantSpans[];
}

export type SessionPlan = Pick<LiveSessionInfo, 'kind' | 'mode' | 'startsAt' | 'endsAt' | 'hostTeacher' | 'invitedTeachers' | 'hostClassroom' | 'memberClassrooms'>;

/** A hand raised again within this long after the same participant's hand interval ended with its connection is the same raise (a reconnect). */
export const HAND_RECONNECT_MS = 60_000;
const RECONNECT_REASONS = new Set(['left', 'disconnected', 'media_rebuilt', 'shutdown', 'crash_recovered']);

const end = (r: { endedAt: Date | null }, until: Date) => (r.endedAt ?? until).getTime();
const spans = (rows: readonly { startedAt: Date; endedAt: Date | null }[], until: Date): Span[] =>
  union(rows.map((r) => ({ start: r.startedAt.getTime(), end: end(r, until) })));

/** Raised hands, a reconnect's re-raise not counted twice. */
export function countHandRaises(rows: readonly ActivityRow[]): number {
  const sorted = rows.filter((r) => r.kind === 'hand').sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  let n = 0;
  let prev: ActivityRow | null = null;
  for (const r of sorted) {
    const continued = prev && prev.endedAt && RECONNECT_REASONS.has(prev.endReason ?? '') && r.startedAt.getTime() - prev.endedAt.getTime() <= HAND_RECONNECT_MS;
    if (!continued) n++;
    prev = r;
  }
  return n;
}

function spansOf(
  who: Omit<ParticipantSpans, 'connected' | 'firstSeen' | 'lastSeen' | 'visits' | 'receiving' | 'receivedHostVideo' | 'receivedHostAudio' | 'audioCourseware' | 'camera' | 'microphone' | 'screen' | 'speaking' | 'stage' | 'handRaises'>,
  ev: readonly ParticipationEvidenceRow[],
  act: readonly ActivityRow[],
  until: Date,
  boardShownAt: Date | null,
): ParticipantSpans {
  const connectedRows = ev.filter((r) => r.kind === 'connected');
  const send = spans(connectedRows.filter((r) => r.direction === 'send'), until);
  const recv = spans(connectedRows.filter((r) => r.direction === 'recv'), until);
  const published = (source: string) => intersect(spans(ev.filter((r) => r.kind === 'publishing' && r.source === source), until), send);
  const received = (match: (r: ParticipationEvidenceRow) => boolean) => intersect(spans(ev.filter((r) => r.kind === 'receiving' && match(r)), until), recv);
  const microphone = published('microphone');
  const starts = connectedRows.map((r) => r.startedAt.getTime());
  const open = connectedRows.some((r) => r.endedAt === null);
  return {
    ...who,
    connected: spans(connectedRows, until),
    firstSeen: starts.length ? Math.min(...starts) : null,
    lastSeen: connectedRows.length && !open ? Math.max(...connectedRows.map((r) => end(r, until))) : null,
    visits: new Set([...ev, ...act].map((r) => r.peerId)).size,
    receiving: received(() => true),
    receivedHostVideo: received((r) => r.fromRole === 'host' && (r.source === 'camera' || r.source === 'screen')),
    receivedHostAudio: received((r) => r.fromRole === 'host' && r.source === 'microphone'),
    audioCourseware: audioCoursewareSpans(ev, recv, boardShownAt, until),
    camera: published('camera'),
    microphone,
    screen: published('screen'),
    speaking: intersect(spans(act.filter((r) => r.kind === 'speaking'), until), microphone),
    stage: spans(act.filter((r) => r.kind === 'stage'), until),
    handRaises: countHandRaises(act),
  };
}

/**
 * Every planned teacher and classroom of the session with its spans (all empty for one that never came).
 * `boardShownAt`: when the session's board was first shown (E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE), null if never.
 */
export function participationFacts(
  session: SessionPlan,
  evidence: readonly ParticipationEvidenceRow[],
  activity: readonly ActivityRow[],
  until: Date,
  boardShownAt: Date | null = null,
): ParticipationFacts {
  const teachers = [
    ...(session.hostTeacher ? [{ ...session.hostTeacher, role: 'host' as const }] : []),
    ...session.invitedTeachers.map((t) => ({ ...t, role: 'teacher' as const })),
  ];
  const classrooms = [
    ...(session.hostClassroom ? [{ ...session.hostClassroom, host: true }] : []),
    ...session.memberClassrooms.map((c) => ({ ...c, host: false })),
  ];
  const isTeacherRow = (r: { role: string; teacherId: string | null }, id: string) => r.teacherId === id && (r.role === 'host' || r.role === 'teacher');
  const isClassroomRow = (r: { role: string; classroomId: string | null }, id: string) => r.classroomId === id && r.role === 'classroom';
  return {
    kind: session.kind,
    mode: session.mode,
    scheduled: { start: session.startsAt.getTime(), end: session.endsAt.getTime() },
    participants: [
      ...teachers.map((t) =>
        spansOf(
          { key: `teacher:${t.id}`, kind: 'teacher', role: t.role, teacherId: t.id, classroomId: null, name: t.name, schoolId: t.schoolId, hostClassroom: false },
          evidence.filter((r) => isTeacherRow(r, t.id)),
          activity.filter((r) => isTeacherRow(r, t.id)),
          until,
          boardShownAt,
        ),
      ),
      ...classrooms.map((c) =>
        spansOf(
          { key: `classroom:${c.id}`, kind: 'classroom', role: 'classroom', teacherId: null, classroomId: c.id, name: c.name, schoolId: c.schoolId, hostClassroom: c.host },
          evidence.filter((r) => isClassroomRow(r, c.id)),
          activity.filter((r) => isClassroomRow(r, c.id)),
          until,
          boardShownAt,
        ),
      ),
    ],
  };
}

/** Seconds, to a tenth. */
export const seconds = (s: readonly Span[]): number => Math.round(total(s) / 100) / 10;

/** The figures of each participant, as shown and exported. */
export function figuresOf(facts: ParticipationFacts, schoolNames: ReadonlyMap<string, string>): ParticipantFigures[] {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return facts.participants.map((p) => ({
    key: p.key,
    kind: p.kind,
    role: p.role,
    teacherId: p.teacherId,
    classroomId: p.classroomId,
    name: p.name,
    schoolId: p.schoolId,
    schoolName: schoolNames.get(p.schoolId) ?? '',
    hostClassroom: p.hostClassroom,
    joinedAt: iso(p.firstSeen),
    leftAt: iso(p.lastSeen),
    visits: p.visits,
    connectedSeconds: seconds(p.connected),
    receivingSeconds: seconds(p.receiving),
    cameraSeconds: seconds(p.camera),
    microphoneSeconds: seconds(p.microphone),
    screenSeconds: seconds(p.screen),
    speakingSeconds: seconds(p.speaking),
    handRaises: p.handRaises,
    stageSeconds: seconds(p.stage),
    audioCoursewareSeconds: seconds(intersect(p.audioCourseware, p.receivedHostAudio)),
    // Counted from the quiz records by the caller (participationService.ts): not an interval fact.
    quizAnswers: 0,
    present: null,
  }));
}
