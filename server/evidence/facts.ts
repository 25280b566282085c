import type { EvidenceRule, EvidenceRuleId } from '../../shared/schemas/live.ts';
import type { LiveSessionInfo } from '../live/directory.ts';
import { intersect, union, type Span } from './intervals.ts';
import type { RuleBook, SessionFacts } from './verdict.ts';

/**
 * The facts a verdict is computed from, gathered from a session's evidence
 * rows (pure; SQL only fetched the rows). Every publishing interval counts only
 * while its peer's send transport was connected, every receiving interval only
 * while the receive transport was: the media plane says the same, this makes
 * the rule independent of that detail.
 */
export interface EvidenceRow {
  readonly kind: string;
  readonly role: string;
  readonly teacherId: string | null;
  readonly classroomId: string | null;
  readonly direction: string | null;
  readonly source: string | null;
  readonly fromRole: string | null;
  readonly startedAt: Date;
  /** Still open: counts until `until`. */
  readonly endedAt: Date | null;
}

const spansOf = (rows: readonly EvidenceRow[], until: Date): Span[] =>
  union(rows.map((r) => ({ start: r.startedAt.getTime(), end: (r.endedAt ?? until).getTime() })));

/**
 * A classroom's time in the audio-and-courseware mode that can stand in for the picture
 * (E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE): while its receive transport was connected and
 * the session's board was up (from its first page shown: `boardShownAt`, the board never
 * goes down again). Without a board the mode is sound alone, which does not count.
 */
export function audioCoursewareSpans(rows: readonly EvidenceRow[], recv: readonly Span[], boardShownAt: Date | null, until: Date): Span[] {
  if (!boardShownAt) return [];
  const board = { start: boardShownAt.getTime(), end: Math.max(boardShownAt.getTime(), until.getTime()) };
  return intersect(intersect(spansOf(rows.filter((r) => r.kind === 'audio_courseware'), until), recv), [board]);
}

export function factsOf(
  session: Pick<LiveSessionInfo, 'kind' | 'startsAt' | 'endsAt' | 'hostTeacher' | 'invitedTeachers' | 'memberClassrooms'>,
  rows: readonly EvidenceRow[],
  until: Date,
  boardShownAt: Date | null = null,
): SessionFacts {
  const scheduled = { start: session.startsAt.getTime(), end: session.endsAt.getTime() };
  const connected = (rs: readonly EvidenceRow[], direction: 'send' | 'recv') => spansOf(rs.filter((r) => r.kind === 'connected' && r.direction === direction), until);
  const publishing = (rs: readonly EvidenceRow[], sources: readonly string[]) =>
    intersect(spansOf(rs.filter((r) => r.kind === 'publishing' && sources.includes(r.source ?? '')), until), connected(rs, 'send'));

  if (session.kind === 'sync_lesson') {
    const hostId = session.hostTeacher?.id;
    const host = rows.filter((r) => r.role === 'host' && hostId !== undefined && r.teacherId === hostId);
    return {
      kind: 'sync_lesson',
      scheduled,
      teacher: { camera: publishing(host, ['camera']), screen: publishing(host, ['screen']), microphone: publishing(host, ['microphone']) },
      classrooms: session.memberClassrooms.map((c) => {
        const mine = rows.filter((r) => r.classroomId === c.id);
        const recv = connected(mine, 'recv');
        const received = (sources: readonly string[]) =>
          intersect(spansOf(mine.filter((r) => r.kind === 'receiving' && r.fromRole === 'host' && sources.includes(r.source ?? '')), until), recv);
        return { classroomId: c.id, video: received(['camera', 'screen']), audio: received(['microphone']), audioCourseware: audioCoursewareSpans(mine, recv, boardShownAt, until) };
      }),
    };
  }
  const teacherIds = [...(session.hostTeacher ? [session.hostTeacher.id] : []), ...session.invitedTeachers.map((t) => t.id)];
  return {
    kind: 'online_research',
    scheduled,
    participants: teacherIds.map((teacherId) => {
      const mine = rows.filter((r) => r.teacherId === teacherId && (r.role === 'host' || r.role === 'teacher'));
      return {
        teacherId,
        receiving: intersect(spansOf(mine.filter((r) => r.kind === 'receiving'), until), connected(mine, 'recv')),
        publishing: publishing(mine, ['camera', 'microphone', 'screen', 'screen-audio']),
      };
    }),
  };
}

/**
 * The rule version in force on `date` (YYYY-MM-DD, the session's local start
 * date) for each rule: the latest one effective on or before it, else the
 * earliest one there is.
 */
export function ruleBookFor(versions: readonly EvidenceRule[], date: string): RuleBook {
  const byRule = new Map<EvidenceRuleId, EvidenceRule[]>();
  // (the participation rules P-… of the same table are judged by participationRules.ts)
  for (const v of versions) if (isEvidenceRuleId(v.ruleId)) byRule.set(v.ruleId, [...(byRule.get(v.ruleId) ?? []), v]);
  const book: Partial<Record<EvidenceRuleId, EvidenceRule>> = {};
  for (const [ruleId, list] of byRule) {
    const sorted = [...list].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    book[ruleId] = [...sorted].reverse().find((v) => v.effectiveFrom <= date) ?? sorted[0]!;
  }
  for (const id of ['E-TEACHER-PUBLISHED', 'E-CLASSROOM-RECEIVED', 'E-RESEARCH-PUBLISHED', 'E-RESEARCH-PARTICIPANTS'] as const) {
    if (!book[id]) throw new Error(`no version of evidence rule ${id} (table live_evidence_rules)`);
  }
  return book as RuleBook;
}

const isEvidenceRuleId = (id: string): id is EvidenceRuleId => id.startsWith('E-');

/** The local calendar date of an instant in a time zone, YYYY-MM-DD. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
