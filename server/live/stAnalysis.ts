import type { LessonType, StAnalysis, StRules } from '../../shared/schemas/live.ts';
import { clip, total, union, type Span } from '../evidence/intervals.ts';
import type { ParticipationFacts } from '../evidence/participation.ts';

/**
 * The S-T analysis of a lesson (S-T分析法), pure: speaking intervals of the
 * teaching teacher (T) and of the classrooms (S) inside the lesson window →
 * a sample every `sampleSeconds`, the teacher share Rt, the change rate Ch and
 * the lesson's type. Rules (server/live/README.md, "S-T analysis"):
 *
 * - ST-SAMPLE-30S: the scheduled window is cut into whole slots of
 *   `sampleSeconds` (30) from its start; a trailing part shorter than a slot is
 *   not a sample, so a lesson shorter than one slot has no samples (Rt, Ch and
 *   the type are null). In a slot, whoever spoke longer decides: the teacher →
 *   T, the classrooms (all of them together) → S; an exact tie where both spoke
 *   → T. A slot where nobody spoke is S: the method codes silence, pupils
 *   thinking or doing exercises as S behaviour (it is counted in `silent` too,
 *   so a reader sees how much of S was silence).
 * - ST-RT-CH: Rt = N_T / N; Ch = (g − 1) / N, g the number of runs (maximal
 *   groups of the same letter).
 * - ST-TYPE-THRESHOLDS, checked in this order: Rt ≤ practiceMaxRt → practice
 *   (练习型); Rt ≥ lectureMinRt → lecture (讲授型); Ch ≥ dialogueMinCh →
 *   dialogue (对话型); else mixed (混合型). The thresholds are rows of
 *   `live_st_rules`, the version in force on the lesson's local date applies.
 */
const EPSILON = 1e-9;

interface StInput {
  /** The lesson window (scheduled start → end), ms. */
  readonly window: Span;
  /** The teaching teacher's speaking. */
  readonly teacher: readonly Span[];
  /** Each classroom's speaking (quiz answers are not speech: they are counted beside, P-QUIZ-ANSWERED). */
  readonly classrooms: readonly (readonly Span[])[];
}

export function lessonType(rt: number, ch: number, rules: StRules): LessonType {
  if (rt <= rules.practiceMaxRt + EPSILON) return 'practice';
  if (rt >= rules.lectureMinRt - EPSILON) return 'lecture';
  if (ch >= rules.dialogueMinCh - EPSILON) return 'dialogue';
  return 'mixed';
}

/** Runs of equal letters ("TTSST" → 3). */
export const runsOf = (samples: string): number => (samples.length ? 1 + [...samples].filter((c, i) => i > 0 && c !== samples[i - 1]).length : 0);

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function analyseLesson(input: StInput, rules: StRules): StAnalysis {
  const slot = rules.sampleSeconds * 1000;
  const n = slot > 0 ? Math.max(0, Math.floor((input.window.end - input.window.start) / slot)) : 0;
  const teacher = union(input.teacher);
  const classrooms = union(input.classrooms.flat());
  let samples = '';
  let silent = 0;
  for (let k = 0; k < n; k++) {
    const w: Span = { start: input.window.start + k * slot, end: input.window.start + (k + 1) * slot };
    const t = total(clip(teacher, w));
    const s = total(clip(classrooms, w));
    if (t === 0 && s === 0) silent++;
    samples += t > 0 && t >= s ? 'T' : 'S';
  }
  const nT = [...samples].filter((c) => c === 'T').length;
  const runs = runsOf(samples);
  const rt = n ? nT / n : null;
  const ch = n ? (runs - 1) / n : null;
  return {
    samples,
    sampleCount: n,
    teacherSamples: nT,
    silentSamples: silent,
    runs,
    rt: rt === null ? null : round3(rt),
    ch: ch === null ? null : round3(ch),
    type: rt === null || ch === null ? null : lessonType(rt, ch, rules),
    rules,
  };
}

/** The version in force on `date` (YYYY-MM-DD): the latest effective on or before it, else the earliest. */
export function stRulesFor(versions: readonly StRules[], date: string): StRules {
  const sorted = [...versions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  const v = [...sorted].reverse().find((x) => x.effectiveFrom <= date) ?? sorted[0];
  if (!v) throw new Error('no version of the S-T rules (table live_st_rules)');
  return v;
}

/**
 * A lesson's S-T input from its participation facts: T is the teaching teacher
 * (role host) speaking, S any planned classroom speaking (the host classroom's
 * pupils are pupils too), inside the scheduled window. Research sessions have none.
 */
export function stInputOf(facts: ParticipationFacts): StInput | null {
  if (facts.kind !== 'sync_lesson') return null;
  return {
    window: facts.scheduled,
    teacher: facts.participants.filter((p) => p.role === 'host').flatMap((p) => p.speaking),
    classrooms: facts.participants.filter((p) => p.kind === 'classroom').map((p) => p.speaking),
  };
}
