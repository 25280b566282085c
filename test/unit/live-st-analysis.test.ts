/**
 * The S-T analysis of a lesson (S-T分析法), pure: a lesson built from known
 * speaking intervals gives exactly the samples, Rt, Ch and type the method
 * prescribes. Each test cites the rule it checks (server/live/README.md,
 * "S-T analysis"): ST-SAMPLE-30S, ST-RT-CH, ST-TYPE-THRESHOLDS.
 */
import { describe, expect, it } from 'vitest';
import type { StRules } from '../../shared/schemas/live.ts';
import { participationFacts, type ActivityRow, type ParticipationEvidenceRow, type SessionPlan } from '../../server/evidence/participation.ts';
import { analyseLesson, lessonType, runsOf, stInputOf, stRulesFor } from '../../server/live/stAnalysis.ts';
import type { Span } from '../../server/evidence/intervals.ts';

const CLASSIC: StRules = { effectiveFrom: '2025-09-01', sampleSeconds: 30, practiceMaxRt: 0.3, lectureMinRt: 0.7, dialogueMinCh: 0.4 };
const T0 = Date.UTC(2026, 10, 23, 1, 0, 0);
/** [from, to) in seconds after T0. */
const s = (from: number, to: number): Span => ({ start: T0 + from * 1000, end: T0 + to * 1000 });

/**
 * A 320-second lesson, slot by slot (30 s each; the last 20 s are not a whole slot):
 *   0 [0,30)    teacher 25 s                                  → T
 *   1 [30,60)   teacher 20 s                                  → T
 *   2 [60,90)   teacher 5 s, classroom A 20 s                 → S (the classroom spoke longer)
 *   3 [90,120)  teacher 10 s, classroom B 15 s                → S
 *   4 [120,150) nobody                                        → S (silence)
 *   5 [150,180) teacher 10 s, classroom A 10 s                → T (a tie goes to T)
 *   6 [180,210) teacher 30 s                                  → T
 *   7 [210,240) A 12 s and B 10 s at once (12 s), teacher 14 s → T (classrooms together, not summed)
 *   8 [240,270) classroom A 25 s, teacher 0                   → S
 *   9 [270,300) teacher 30 s                                  → T
 *     [300,320) teacher 20 s                                  → not a sample
 */
const lesson = {
  window: s(0, 320),
  teacher: [s(0, 25), s(30, 50), s(60, 65), s(90, 100), s(150, 160), s(180, 210), s(222, 236), s(270, 320)],
  classrooms: [
    [s(60, 80), s(160, 170), s(210, 222), s(245, 270)],
    [s(95, 110), s(212, 222)],
  ],
};

describe('S-T analysis of a hand-built lesson', () => {
  it('ST-SAMPLE-30S: one letter per whole 30-s slot, whoever spoke longer; a tie is T, silence is S, the trailing part is no sample', () => {
    const st = analyseLesson(lesson, CLASSIC);
    expect(st.samples).toBe('TTSSSTTTST');
    expect(st.sampleCount).toBe(10);
    expect(st.teacherSamples).toBe(6);
    expect(st.silentSamples).toBe(1);
  });

  it('ST-RT-CH: Rt = N_T / N = 0.6, g = 5 runs, Ch = (g − 1) / N = 0.4; ST-TYPE-THRESHOLDS: 0.3 < Rt < 0.7 and Ch ≥ 0.4 → dialogue', () => {
    const st = analyseLesson(lesson, CLASSIC);
    expect(st.runs).toBe(5);
    expect(st.rt).toBe(0.6);
    expect(st.ch).toBe(0.4);
    expect(st.type).toBe('dialogue');
    expect(st.rules).toEqual(CLASSIC);
  });

  it('ST-SAMPLE-30S: a lesson shorter than one sample has no samples, so no Rt, Ch or type', () => {
    const st = analyseLesson({ window: s(0, 29), teacher: [s(0, 29)], classrooms: [] }, CLASSIC);
    expect(st).toMatchObject({ samples: '', sampleCount: 0, runs: 0, rt: null, ch: null, type: null });
  });

  it('ST-SAMPLE-30S: a lesson nobody spoke in is all S (silence) — practice, with every sample counted silent', () => {
    const st = analyseLesson({ window: s(0, 300), teacher: [], classrooms: [[], []] }, CLASSIC);
    expect(st).toMatchObject({ samples: 'SSSSSSSSSS', silentSamples: 10, rt: 0, ch: 0, type: 'practice' });
  });

  it('ST-SAMPLE-30S: speech outside the lesson window does not count', () => {
    const st = analyseLesson({ window: s(0, 60), teacher: [s(-30, 0), s(60, 90)], classrooms: [[s(0, 5)]] }, CLASSIC);
    expect(st.samples).toBe('SS');
    expect(st.silentSamples).toBe(1);
  });

  it('ST-TYPE-THRESHOLDS are data: 60-s samples and a lecture threshold of 0.6 make the same lesson a lecture', () => {
    // [0,60) T 45 s vs S 0 → T; [60,120) 15 vs 35 → S; [120,180) 10 vs 10 → T; [180,240) 44 vs 12 → T; [240,300) 30 vs 25 → T
    const st = analyseLesson(lesson, { ...CLASSIC, sampleSeconds: 60, lectureMinRt: 0.6 });
    expect(st.samples).toBe('TSTTT');
    expect(st).toMatchObject({ rt: 0.8, ch: 0.4, type: 'lecture' });
  });

  it('ST-TYPE-THRESHOLDS: practice and lecture by Rt first (bounds included), then dialogue by Ch, else mixed', () => {
    expect(lessonType(0.3, 0.9, CLASSIC)).toBe('practice');
    expect(lessonType(0.7, 0.9, CLASSIC)).toBe('lecture');
    expect(lessonType(0.31, 0.4, CLASSIC)).toBe('dialogue');
    expect(lessonType(0.69, 0.39, CLASSIC)).toBe('mixed');
    // Rt computed as a fraction lands on the bound: 3 of 10 samples T is practice.
    const st = analyseLesson({ window: s(0, 300), teacher: [s(0, 90)], classrooms: [[s(90, 300)]] }, CLASSIC);
    expect(st).toMatchObject({ samples: 'TTTSSSSSSS', rt: 0.3, ch: 0.1, type: 'practice' });
    const lecture = analyseLesson({ window: s(0, 300), teacher: [s(0, 210)], classrooms: [[s(210, 300)]] }, CLASSIC);
    expect(lecture).toMatchObject({ rt: 0.7, type: 'lecture' });
  });

  it('ST-RT-CH: runs are maximal groups of one letter', () => {
    expect(runsOf('')).toBe(0);
    expect(runsOf('T')).toBe(1);
    expect(runsOf('TTSSTS')).toBe(4);
  });

  it('ST-TYPE-THRESHOLDS: the version in force on the lesson date applies (the earliest before any)', () => {
    const later: StRules = { ...CLASSIC, effectiveFrom: '2026-09-01', dialogueMinCh: 0.5 };
    expect(stRulesFor([later, CLASSIC], '2026-08-31')).toBe(CLASSIC);
    expect(stRulesFor([later, CLASSIC], '2026-09-01')).toBe(later);
    expect(stRulesFor([later, CLASSIC], '2024-01-01')).toBe(CLASSIC);
    expect(() => stRulesFor([], '2026-01-01')).toThrow(/live_st_rules/);
  });
});

describe('S-T input from the participation facts', () => {
  const at = (sec: number) => new Date(T0 + sec * 1000);
  const plan: SessionPlan = {
    kind: 'sync_lesson',
    mode: 'interactive',
    startsAt: at(0),
    endsAt: at(2 * 60),
    hostTeacher: { id: 'wang', name: '王', schoolId: 'core' },
    invitedTeachers: [{ id: 'li', name: '李', schoolId: 'core' }],
    hostClassroom: null,
    memberClassrooms: [{ id: 'ganpu', name: '澉浦', schoolId: 'ganpu-school' }],
  };
  type Who = { role: 'host' | 'teacher' | 'classroom'; teacherId: string | null; classroomId: string | null };
  const wang: Who = { role: 'host', teacherId: 'wang', classroomId: null };
  const li: Who = { role: 'teacher', teacherId: 'li', classroomId: null };
  const ganpu: Who = { role: 'classroom', teacherId: null, classroomId: 'ganpu' };
  const row = (who: Who, kind: string, extra: Partial<ParticipationEvidenceRow>): ParticipationEvidenceRow => ({
    kind, role: who.role, teacherId: who.teacherId, classroomId: who.classroomId, direction: null, source: null, fromRole: null,
    peerId: `${who.teacherId ?? who.classroomId}-peer`, startedAt: at(0), endedAt: at(120), ...extra,
  });
  const mic = (who: Who) => [row(who, 'connected', { direction: 'send' }), row(who, 'publishing', { source: 'microphone' })];
  const speak = (who: Who, from: number, to: number): ActivityRow => ({
    kind: 'speaking', role: who.role, teacherId: who.teacherId, classroomId: who.classroomId, peerId: `${who.teacherId ?? who.classroomId}-peer`, startedAt: at(from), endedAt: at(to), endReason: 'stopped',
  });

  it('T is the teaching teacher only (an invited teacher is no T), S any classroom; research sessions have no S-T analysis', () => {
    const facts = participationFacts(plan, [...mic(wang), ...mic(li), ...mic(ganpu)], [speak(wang, 0, 20), speak(li, 30, 60), speak(ganpu, 60, 70), speak(wang, 95, 100)], at(120));
    const input = stInputOf(facts)!;
    expect(analyseLesson(input, CLASSIC).samples).toBe('TSST');
    expect(stInputOf({ ...facts, kind: 'online_research' })).toBeNull();
  });
});
