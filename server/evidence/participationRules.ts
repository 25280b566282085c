import type { EvidenceRule, LiveRuleId, ParticipationRuleId, RuleOutcome, Verdict } from '../../shared/schemas/live.ts';
import { clip, intersect, total, union, type Span } from './intervals.ts';
import type { ParticipantSpans, ParticipationFacts } from './participation.ts';
import { pct, receivedTeacher, round, scheduledShare, single } from './verdict.ts';

/**
 * The participation rules (issue #6): a pure function of the rule versions in
 * force and the session's participation facts (participation.ts). They are
 * judged together with the evidence rules (verdict.ts): a session counts
 * (delivered) only if every rule of its kind passes; otherwise it is missed and
 * the reason names each failing rule with its figures.
 *
 * A share is the time covered inside the scheduled window [start, end] divided
 * by its duration (as in verdict.ts: early minutes never count toward it); the
 * seconds a classroom was seen or a school spoke are counted inside
 * [start − margin, end + margin] (greetings before the bell count).
 *
 * Lessons (sync_lesson):
 * - P-LESSON-TEACHER-AV: the host teacher published camera AND microphone at
 *   the same time for ≥ min_share (a screen share does not stand in for the
 *   teacher's camera: the pupils must see their teacher).
 * - P-LESSON-CLASSROOM-PRESENT: ≥ min_count member classrooms each (a) received
 *   the host's picture and sound together for ≥ min_share (or the sound with the
 *   board in the audio-and-courseware mode: E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE, as
 *   in verdict.ts) and (b) were seen or heard — camera published, or speaking — for
 *   ≥ min_seconds in total. In a master-teacher lesson (名师课堂) classrooms may not
 *   publish, so (b) is waived.
 * Research (online_research):
 * - P-RESEARCH-SCHOOLS-SPOKE: teachers of ≥ min_count different schools spoke,
 *   a school counting when one of its teachers spoke ≥ min_seconds in total
 *   (a script joining silently, or one school talking to itself, does not count).
 */
export type ParticipationRuleBook = Readonly<Record<ParticipationRuleId, EvidenceRule>>;

export const participationRulesOfKind: Record<ParticipationFacts['kind'], readonly ParticipationRuleId[]> = {
  sync_lesson: ['P-LESSON-TEACHER-AV', 'P-LESSON-CLASSROOM-PRESENT'],
  online_research: ['P-RESEARCH-SCHOOLS-SPOKE'],
};

const ALL: readonly ParticipationRuleId[] = ['P-LESSON-TEACHER-AV', 'P-LESSON-CLASSROOM-PRESENT', 'P-RESEARCH-SCHOOLS-SPOKE'];

/**
 * The version of every rule in force on `date` (YYYY-MM-DD, the session's local
 * start date): the latest effective on or before it, else the earliest one.
 */
export function versionsInForce(versions: readonly EvidenceRule[], date: string): EvidenceRule[] {
  const byRule = new Map<LiveRuleId, EvidenceRule[]>();
  for (const v of versions) byRule.set(v.ruleId, [...(byRule.get(v.ruleId) ?? []), v]);
  return [...byRule.values()].map((list) => {
    const sorted = [...list].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    return [...sorted].reverse().find((v) => v.effectiveFrom <= date) ?? sorted[0]!;
  });
}

export function participationBookFor(versions: readonly EvidenceRule[], date: string): ParticipationRuleBook {
  const inForce = new Map(versionsInForce(versions, date).map((v) => [v.ruleId, v]));
  const book: Partial<Record<ParticipationRuleId, EvidenceRule>> = {};
  for (const id of ALL) {
    const v = inForce.get(id);
    if (!v) throw new Error(`no version of participation rule ${id} (table live_evidence_rules)`);
    book[id] = v;
  }
  return book as ParticipationRuleBook;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** 75 → "1 min 15 s"; 40 → "40 s". */
export function duration(secondsValue: number): string {
  const s = Math.round(secondsValue);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m} min${s % 60 ? ` ${s % 60} s` : ''}` : `${s} s`;
}

function measure(facts: ParticipationFacts, rule: EvidenceRule) {
  const margin = rule.marginMinutes * 60_000;
  const window: Span = { start: facts.scheduled.start - margin, end: facts.scheduled.end + margin };
  const inWindow = (spans: readonly Span[]) => total(clip(spans, window));
  return {
    share: (spans: readonly Span[]) => scheduledShare(spans, facts.scheduled),
    seconds: (spans: readonly Span[]) => inWindow(spans) / 1000,
  };
}

function teacherAv(rule: EvidenceRule, facts: ParticipationFacts): RuleOutcome {
  const host = facts.participants.find((p) => p.role === 'host');
  if (!host) return { ...single(rule, 0, ''), detail: 'the lesson has no teaching teacher' };
  return single(rule, measure(facts, rule).share(intersect(host.camera, host.microphone)), 'the teacher published camera and microphone together');
}

/**
 * Each member classroom of a lesson under P-LESSON-CLASSROOM-PRESENT: the share of
 * the scheduled time it received the teacher, the seconds it was seen or heard,
 * and whether it took part by the rule (`ok`) — the per-classroom answer the
 * quota tracker's member-school participation can use.
 */
export function classroomPresence(
  rule: EvidenceRule,
  facts: ParticipationFacts,
): { c: ParticipantSpans; received: number; byAudioCourseware: number; present: number; ok: boolean }[] {
  const m = measure(facts, rule);
  const waived = facts.mode === 'master';
  const members = facts.participants.filter((p) => p.kind === 'classroom' && !p.hostClassroom);
  return members.map((c: ParticipantSpans) => {
    const teacher = receivedTeacher({ video: c.receivedHostVideo, audio: c.receivedHostAudio, audioCourseware: c.audioCourseware });
    const received = m.share(teacher.received);
    const present = m.seconds(union([...c.camera, ...c.speaking]));
    return { c, received, byAudioCourseware: m.share(teacher.byAudioCourseware), present, ok: received >= rule.minShare && (waived || present >= rule.minSeconds) };
  });
}

function classroomPresent(rule: EvidenceRule, facts: ParticipationFacts): RuleOutcome {
  const waived = facts.mode === 'master';
  const members = facts.participants.filter((p) => p.kind === 'classroom' && !p.hostClassroom);
  const each = classroomPresence(rule, facts);
  const count = each.filter((e) => e.ok).length;
  const required = Math.max(1, rule.minCount);
  const byReceived = [...each].sort((a, b) => b.received - a.received);
  const receivedEnough = each.filter((e) => e.received >= rule.minShare).sort((a, b) => b.present - a.present);
  const figures = each
    .map((e) => `${e.c.name}: received ${pct(e.received)}${e.byAudioCourseware > 0 ? ` (by sound and courseware ${pct(e.byAudioCourseware)})` : ''}${waived ? '' : `, seen or heard ${duration(e.present)}`}`)
    .join('; ');
  const needs = waived
    ? `received the teacher for at least ${pct(rule.minShare)} of the scheduled time (master-teacher lesson: classrooms only receive)`
    : `received the teacher for at least ${pct(rule.minShare)} of the scheduled time and were seen or heard for at least ${duration(rule.minSeconds)}`;
  return {
    ruleId: rule.ruleId,
    passed: count >= required,
    measuredShare: round(byReceived[required - 1]?.received ?? 0),
    count,
    requiredShare: rule.minShare,
    requiredCount: required,
    measuredSeconds: round1(receivedEnough[required - 1]?.present ?? 0),
    requiredSeconds: waived ? 0 : rule.minSeconds,
    ...(each.some((e) => e.byAudioCourseware > 0) ? { audioCoursewareShare: round(byReceived[required - 1]?.byAudioCourseware ?? 0) } : {}),
    detail: `${count} of ${members.length} member classrooms ${needs} (needs ${required})${figures ? `: ${figures}` : ''}`,
  };
}

function schoolsSpoke(rule: EvidenceRule, facts: ParticipationFacts): RuleOutcome {
  const m = measure(facts, rule);
  const teachers = facts.participants.filter((p) => p.kind === 'teacher');
  const spoke = teachers.map((t) => ({ t, seconds: m.seconds(t.speaking) }));
  const bySchool = new Map<string, number>();
  for (const s of spoke) bySchool.set(s.t.schoolId, Math.max(bySchool.get(s.t.schoolId) ?? 0, s.seconds));
  const best = [...bySchool.values()].sort((a, b) => b - a);
  const count = best.filter((s) => s >= rule.minSeconds).length;
  const required = Math.max(1, rule.minCount);
  const measured = best[required - 1] ?? 0;
  const planned = (facts.scheduled.end - facts.scheduled.start) / 1000;
  return {
    ruleId: rule.ruleId,
    passed: count >= required,
    measuredShare: round(planned > 0 ? Math.min(1, measured / planned) : 0),
    count,
    requiredShare: rule.minShare,
    requiredCount: required,
    measuredSeconds: round1(measured),
    requiredSeconds: rule.minSeconds,
    detail: `teachers of ${count} of ${bySchool.size} schools spoke for at least ${duration(rule.minSeconds)} (needs ${required}): ${spoke.map((s) => `${s.t.name} ${duration(s.seconds)}`).join('; ')}`,
  };
}

export function evaluateParticipation(rules: ParticipationRuleBook, facts: ParticipationFacts): RuleOutcome[] {
  if (facts.kind === 'sync_lesson') return [teacherAv(rules['P-LESSON-TEACHER-AV'], facts), classroomPresent(rules['P-LESSON-CLASSROOM-PRESENT'], facts)];
  return [schoolsSpoke(rules['P-RESEARCH-SCHOOLS-SPOKE'], facts)];
}

/** Every outcome passed → delivered; else missed, the failing rule IDs with their figures as the reason. */
export function verdictOf(outcomes: readonly RuleOutcome[]): Verdict {
  const failed = outcomes.filter((o) => !o.passed);
  return {
    status: failed.length === 0 ? 'delivered' : 'missed',
    reason: failed.length === 0 ? null : failed.map((o) => `${o.ruleId}: ${o.detail}`).join('; '),
    outcomes: [...outcomes],
  };
}
