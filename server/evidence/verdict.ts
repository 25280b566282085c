import type { EvidenceRule, EvidenceRuleId, RuleOutcome, Verdict } from '../../shared/schemas/live.ts';
import { clip, intersect, minus, total, union, type Span } from './intervals.ts';

/**
 * Whether a session was delivered: a pure function of the rules in force and
 * the facts gathered from the evidence intervals (server/evidence/facts.ts).
 *
 * Every rule measures a *share*: the time covered by its evidence inside the
 * scheduled window [start, end], divided by the scheduled duration. Minutes
 * before the start (a teacher may go live early) or after the end never make up
 * for minutes missing inside it: a lesson ended early is short by that much.
 *
 * Lessons (sync_lesson):
 * - E-TEACHER-PUBLISHED: the host teacher sent picture and sound at once —
 *   (camera ∪ screen) ∩ microphone, each counted only while the send transport
 *   was connected — for at least `minShare`.
 * - E-CLASSROOM-RECEIVED: at least `minCount` member classrooms each received
 *   the host teacher's picture (camera or screen) and sound at once, while their
 *   receive transport was connected, for at least `minShare`.
 *   E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE: time a classroom spent in the
 *   audio-and-courseware mode (its videos held for a weak link) counts as picture
 *   while the board was up: it received the teacher's sound and the board's pages
 *   and strokes. The outcome says how much of the share came that way.
 * Research (online_research):
 * - E-RESEARCH-PUBLISHED: somebody was sending (any source of any teacher of
 *   the session) for at least `minShare`.
 * - E-RESEARCH-PARTICIPANTS: at least `minCount` teachers of the session were
 *   each connected and receiving for at least `minShare`.
 * Delivered when every rule of the kind passes; otherwise missed, with the
 * failing rule IDs as the reason.
 */

export type RuleBook = Readonly<Record<EvidenceRuleId, EvidenceRule>>;

export interface LessonFacts {
  readonly kind: 'sync_lesson';
  readonly scheduled: Span;
  readonly teacher: { readonly camera: Span[]; readonly screen: Span[]; readonly microphone: Span[] };
  readonly classrooms: readonly {
    readonly classroomId: string;
    readonly video: Span[];
    readonly audio: Span[];
    /** In the audio-and-courseware mode with the board up (facts.ts `audioCoursewareSpans`). */
    readonly audioCourseware: Span[];
  }[];
}

export interface ResearchFacts {
  readonly kind: 'online_research';
  readonly scheduled: Span;
  readonly participants: readonly { readonly teacherId: string; readonly receiving: Span[]; readonly publishing: Span[] }[];
}

export type SessionFacts = LessonFacts | ResearchFacts;

export const rulesOfKind: Record<SessionFacts['kind'], readonly EvidenceRuleId[]> = {
  sync_lesson: ['E-TEACHER-PUBLISHED', 'E-CLASSROOM-RECEIVED'],
  online_research: ['E-RESEARCH-PUBLISHED', 'E-RESEARCH-PARTICIPANTS'],
};

/**
 * What a classroom received of the teacher (E-CLASSROOM-RECEIVED with
 * E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE): the teacher's sound with the picture, or with
 * the board in the audio-and-courseware mode; and the part that came the second way only.
 */
export function receivedTeacher(c: { video: readonly Span[]; audio: readonly Span[]; audioCourseware: readonly Span[] }): { received: Span[]; byAudioCourseware: Span[] } {
  const withPicture = intersect(c.video, c.audio);
  const received = intersect(union([...c.video, ...c.audioCourseware]), c.audio);
  return { received, byAudioCourseware: minus(received, withPicture) };
}

/** The share of the scheduled window that `spans` cover. */
export function scheduledShare(spans: readonly Span[], scheduled: Span): number {
  const duration = scheduled.end - scheduled.start;
  if (duration <= 0) return 0;
  return Math.min(1, total(clip(spans, scheduled)) / duration);
}

/** 0.6 → "60%"; shares are stored to four decimals. */
export const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
export const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** The outcome of a rule on one share of the scheduled time ("what … for 72% of the scheduled time (needs 60%)"). */
export function single(rule: EvidenceRule, share: number, what: string): RuleOutcome {
  const passed = share >= rule.minShare;
  return {
    ruleId: rule.ruleId,
    passed,
    measuredShare: round(share),
    count: passed ? 1 : 0,
    requiredShare: rule.minShare,
    requiredCount: 1,
    detail: `${what} for ${pct(share)} of the scheduled time (needs ${pct(rule.minShare)})`,
  };
}

function counting(rule: EvidenceRule, shares: readonly number[], what: string): RuleOutcome {
  const sorted = [...shares].sort((a, b) => b - a);
  const count = sorted.filter((s) => s >= rule.minShare).length;
  const required = Math.max(1, rule.minCount);
  const measured = sorted[required - 1] ?? 0;
  return {
    ruleId: rule.ruleId,
    passed: count >= required,
    measuredShare: round(measured),
    count,
    requiredCount: required,
    requiredShare: rule.minShare,
    detail: `${count} of ${shares.length} ${what} for at least ${pct(rule.minShare)} of the scheduled time (needs ${required})`,
  };
}

export function evaluate(rules: RuleBook, facts: SessionFacts): Verdict {
  const outcomes: RuleOutcome[] = [];
  if (facts.kind === 'sync_lesson') {
    const t = facts.teacher;
    const published = intersect(union([...t.camera, ...t.screen]), t.microphone);
    const teacherRule = rules['E-TEACHER-PUBLISHED'];
    outcomes.push(single(teacherRule, scheduledShare(published, facts.scheduled), 'the teacher sent picture and sound'));
    const classRule = rules['E-CLASSROOM-RECEIVED'];
    const each = facts.classrooms.map((c) => {
      const r = receivedTeacher(c);
      return { share: scheduledShare(r.received, facts.scheduled), byAudioCourseware: scheduledShare(r.byAudioCourseware, facts.scheduled) };
    });
    const outcome = counting(classRule, each.map((e) => e.share), 'member classrooms received the teacher');
    outcomes.push(withAudioCourseware(outcome, each, classRule.minCount));
  } else {
    const pubRule = rules['E-RESEARCH-PUBLISHED'];
    const anyone = union(facts.participants.flatMap((p) => p.publishing));
    outcomes.push(single(pubRule, scheduledShare(anyone, facts.scheduled), 'somebody was speaking or showing'));
    const partRule = rules['E-RESEARCH-PARTICIPANTS'];
    const shares = facts.participants.map((p) => scheduledShare(p.receiving, facts.scheduled));
    outcomes.push(counting(partRule, shares, 'teachers took part'));
  }
  const failed = outcomes.filter((o) => !o.passed);
  return {
    status: failed.length === 0 ? 'delivered' : 'missed',
    reason: failed.length === 0 ? null : failed.map((o) => `${o.ruleId}: ${o.detail}`).join('; '),
    outcomes,
  };
}

/**
 * A classroom rule's outcome with the share its measured classroom (the `minCount`-th best)
 * received by sound and courseware (E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE) — only when some
 * classroom used the mode, so outcomes of lessons without it keep their shape.
 */
function withAudioCourseware(outcome: RuleOutcome, each: readonly { share: number; byAudioCourseware: number }[], minCount: number): RuleOutcome {
  if (!each.some((e) => e.byAudioCourseware > 0)) return outcome;
  const measured = [...each].sort((a, b) => b.share - a.share)[Math.max(1, minCount) - 1];
  const share = round(measured?.byAudioCourseware ?? 0);
  return { ...outcome, audioCoursewareShare: share, detail: `${outcome.detail}; of it by sound and courseware: ${pct(share)}` };
}

/** The failed rules of a verdict with their figures (what the client words). */
export const failuresOf = (outcomes: readonly RuleOutcome[]) =>
  outcomes.filter((o) => !o.passed).map(({ ruleId, measuredShare, requiredShare, count, requiredCount }) => ({ ruleId, measuredShare, requiredShare, count, requiredCount }));
