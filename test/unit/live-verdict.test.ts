import { describe, expect, it } from 'vitest';
import type { EvidenceRule } from '../../shared/schemas/live.ts';
import { factsOf, localDate, ruleBookFor, type EvidenceRow } from '../../server/evidence/facts.ts';
import { clip, intersect, minus, total, union, type Span } from '../../server/evidence/intervals.ts';
import { evaluate, type LessonFacts, type ResearchFacts, type RuleBook } from '../../server/evidence/verdict.ts';

const MIN = 60_000;
const rule = (ruleId: EvidenceRule['ruleId'], minShare = 0.6, minCount = 1, marginMinutes = 10): EvidenceRule => ({
  ruleId,
  effectiveFrom: '2025-09-01',
  minShare,
  minCount,
  marginMinutes,
  minSeconds: 0,
  description: '',
});
const rules: RuleBook = {
  'E-TEACHER-PUBLISHED': rule('E-TEACHER-PUBLISHED'),
  'E-CLASSROOM-RECEIVED': rule('E-CLASSROOM-RECEIVED'),
  'E-RESEARCH-PUBLISHED': rule('E-RESEARCH-PUBLISHED'),
  'E-RESEARCH-PARTICIPANTS': rule('E-RESEARCH-PARTICIPANTS', 0.6, 2),
};
// A 40-minute lesson from t=0.
const scheduled = { start: 0, end: 40 * MIN };
const span = (fromMin: number, toMin: number) => ({ start: fromMin * MIN, end: toMin * MIN });

type Classroom = Omit<LessonFacts['classrooms'][number], 'audioCourseware'> & { audioCourseware?: Span[] };
function lesson(p: Partial<LessonFacts['teacher']> = {}, classrooms: readonly Classroom[] = []): LessonFacts {
  return { kind: 'sync_lesson', scheduled, teacher: { camera: [], screen: [], microphone: [], ...p }, classrooms: classrooms.map((c) => ({ audioCourseware: [], ...c })) };
}
const outcome = (v: ReturnType<typeof evaluate>, id: string) => v.outcomes.find((o) => o.ruleId === id)!;

describe('interval arithmetic', () => {
  it('merges, intersects, clips and totals', () => {
    expect(union([span(5, 10), span(0, 6), span(20, 20)])).toEqual([span(0, 10)]);
    expect(intersect([span(0, 10), span(20, 30)], [span(5, 25)])).toEqual([span(5, 10), span(20, 25)]);
    expect(clip([span(-5, 5)], span(0, 40))).toEqual([span(0, 5)]);
    expect(total([span(0, 10), span(5, 15)])).toBe(15 * MIN);
    expect(minus([span(0, 10), span(20, 30)], [span(5, 22), span(25, 26)])).toEqual([span(0, 5), span(22, 25), span(26, 30)]);
    expect(minus([span(0, 10)], [])).toEqual([span(0, 10)]);
    expect(minus([span(0, 10)], [span(-5, 15)])).toEqual([]);
  });
});

describe('lesson verdict', () => {
  const fullTeacher = { camera: [span(0, 40)], microphone: [span(0, 40)] };
  const fullClass = { classroomId: 'c1', video: [span(0, 40)], audio: [span(0, 40)] };

  it('E-TEACHER-PUBLISHED + E-CLASSROOM-RECEIVED: a whole lesson seen and heard is delivered', () => {
    const v = evaluate(rules, lesson(fullTeacher, [fullClass]));
    expect(v.status).toBe('delivered');
    expect(v.reason).toBeNull();
    expect(outcome(v, 'E-TEACHER-PUBLISHED')).toMatchObject({ passed: true, measuredShare: 1 });
    expect(outcome(v, 'E-CLASSROOM-RECEIVED')).toMatchObject({ passed: true, count: 1 });
  });

  it('E-TEACHER-PUBLISHED: picture without sound does not count (camera ∩ microphone)', () => {
    const v = evaluate(rules, lesson({ camera: [span(0, 40)], microphone: [span(0, 10)] }, [fullClass]));
    expect(v.status).toBe('missed');
    expect(outcome(v, 'E-TEACHER-PUBLISHED')).toMatchObject({ passed: false, measuredShare: 0.25 });
    expect(v.reason).toMatch(/^E-TEACHER-PUBLISHED: /);
  });

  it('E-TEACHER-PUBLISHED: screen share counts as picture, camera and screen are united', () => {
    const v = evaluate(rules, lesson({ camera: [span(0, 15)], screen: [span(10, 30)], microphone: [span(0, 40)] }, [fullClass]));
    expect(outcome(v, 'E-TEACHER-PUBLISHED')).toMatchObject({ passed: true, measuredShare: 0.75 });
  });

  it('E-TEACHER-PUBLISHED: exactly the threshold passes, just under fails', () => {
    expect(outcome(evaluate(rules, lesson({ camera: [span(0, 24)], microphone: [span(0, 24)] }, [fullClass])), 'E-TEACHER-PUBLISHED').passed).toBe(true);
    const under = { camera: [{ start: 0, end: 24 * MIN - 1000 }], microphone: [span(0, 40)] };
    expect(outcome(evaluate(rules, lesson(under, [fullClass])), 'E-TEACHER-PUBLISHED').passed).toBe(false);
  });

  it('E-TEACHER-PUBLISHED: evidence outside the scheduled window does not count', () => {
    // 30 minutes, but 25 of them long before the lesson: only the 5 inside count.
    const early = { camera: [span(-60, -35), span(0, 5)], microphone: [span(-60, -35), span(0, 5)] };
    expect(outcome(evaluate(rules, lesson(early, [fullClass])), 'E-TEACHER-PUBLISHED')).toMatchObject({ passed: false, measuredShare: 0.125 });
    // 40 minutes sent, 8 of them before the start (inside the rule's margin): 32 of 40 count.
    const shifted = { camera: [span(-8, 32)], microphone: [span(-8, 32)] };
    expect(outcome(evaluate(rules, lesson(shifted, [fullClass])), 'E-TEACHER-PUBLISHED').measuredShare).toBe(0.8);
  });

  it('E-TEACHER-PUBLISHED + E-CLASSROOM-RECEIVED: a lesson live 10 minutes early and ended 2.5 minutes before its end is not 100%', () => {
    const teacher = { camera: [span(-10, 37.5)], microphone: [span(-10, 37.5)] };
    const v = evaluate(rules, lesson(teacher, [{ classroomId: 'c1', video: [span(-10, 37.5)], audio: [span(-10, 37.5)] }]));
    expect(outcome(v, 'E-TEACHER-PUBLISHED')).toMatchObject({ passed: true, measuredShare: 0.9375 });
    expect(outcome(v, 'E-CLASSROOM-RECEIVED')).toMatchObject({ passed: true, measuredShare: 0.9375 });
    expect(outcome(v, 'E-TEACHER-PUBLISHED').detail).toContain('93.8%');
  });

  it('E-CLASSROOM-RECEIVED: no member classroom received enough → missed with the reason', () => {
    const v = evaluate(rules, lesson(fullTeacher, [{ classroomId: 'c1', video: [span(0, 40)], audio: [span(0, 20)] }]));
    expect(v.status).toBe('missed');
    expect(outcome(v, 'E-CLASSROOM-RECEIVED')).toMatchObject({ passed: false, count: 0, measuredShare: 0.5 });
    expect(v.reason).toMatch(/E-CLASSROOM-RECEIVED: 0 of 1 member classrooms/);
  });

  it('E-CLASSROOM-RECEIVED: one classroom reaching the share is enough (minCount 1), another may drop out', () => {
    const v = evaluate(rules, lesson(fullTeacher, [fullClass, { classroomId: 'c2', video: [span(0, 5)], audio: [span(0, 5)] }]));
    expect(v.status).toBe('delivered');
    expect(outcome(v, 'E-CLASSROOM-RECEIVED')).toMatchObject({ passed: true, count: 1 });
  });

  it('E-CLASSROOM-RECEIVED: a classroom that reconnected adds up its pieces', () => {
    const v = evaluate(rules, lesson(fullTeacher, [{ classroomId: 'c1', video: [span(0, 15), span(16, 30)], audio: [span(0, 30)] }]));
    expect(outcome(v, 'E-CLASSROOM-RECEIVED')).toMatchObject({ passed: true, measuredShare: 0.725 });
  });

  it('E-CLASSROOM-RECEIVED: with minCount 2, two classrooms must each reach the share', () => {
    const strict = { ...rules, 'E-CLASSROOM-RECEIVED': rule('E-CLASSROOM-RECEIVED', 0.6, 2) };
    const one = evaluate(strict, lesson(fullTeacher, [fullClass]));
    expect(outcome(one, 'E-CLASSROOM-RECEIVED')).toMatchObject({ passed: false, count: 1, requiredCount: 2 });
    const two = evaluate(strict, lesson(fullTeacher, [fullClass, { ...fullClass, classroomId: 'c2' }]));
    expect(two.status).toBe('delivered');
  });

  it('E-TEACHER-PUBLISHED + E-CLASSROOM-RECEIVED: nothing happened → missed naming both rules', () => {
    const v = evaluate(rules, lesson({}, [{ classroomId: 'c1', video: [], audio: [] }]));
    expect(v.status).toBe('missed');
    expect(v.reason).toContain('E-TEACHER-PUBLISHED');
    expect(v.reason).toContain('E-CLASSROOM-RECEIVED');
  });
});

describe('research verdict', () => {
  const research = (participants: ResearchFacts['participants']): ResearchFacts => ({ kind: 'online_research', scheduled, participants });

  it('E-RESEARCH-PUBLISHED + E-RESEARCH-PARTICIPANTS: two teachers talking the whole time is delivered', () => {
    const v = evaluate(rules, research([
      { teacherId: 't1', receiving: [span(0, 40)], publishing: [span(0, 20)] },
      { teacherId: 't2', receiving: [span(0, 40)], publishing: [span(20, 40)] },
    ]));
    expect(v.status).toBe('delivered');
    expect(outcome(v, 'E-RESEARCH-PUBLISHED').measuredShare).toBe(1);
  });

  it('E-RESEARCH-PARTICIPANTS: a host alone is missed', () => {
    const v = evaluate(rules, research([{ teacherId: 't1', receiving: [], publishing: [span(0, 40)] }, { teacherId: 't2', receiving: [], publishing: [] }]));
    expect(v.status).toBe('missed');
    expect(outcome(v, 'E-RESEARCH-PARTICIPANTS')).toMatchObject({ passed: false, count: 0, requiredCount: 2 });
  });

  it('E-RESEARCH-PUBLISHED: everyone present but nobody speaking is missed', () => {
    const v = evaluate(rules, research([
      { teacherId: 't1', receiving: [span(0, 40)], publishing: [span(0, 5)] },
      { teacherId: 't2', receiving: [span(0, 40)], publishing: [] },
    ]));
    expect(outcome(v, 'E-RESEARCH-PUBLISHED')).toMatchObject({ passed: false });
    expect(outcome(v, 'E-RESEARCH-PARTICIPANTS')).toMatchObject({ passed: true, count: 2 });
  });
});

describe('facts from evidence rows', () => {
  const at = (min: number) => new Date(Date.UTC(2026, 10, 23, 1, 0) + min * MIN);
  const session = {
    kind: 'sync_lesson' as const,
    startsAt: at(0),
    endsAt: at(40),
    hostTeacher: { id: 'teacher-1', name: '王', schoolId: 's' },
    invitedTeachers: [],
    memberClassrooms: [{ id: 'class-1', name: '三(1)', schoolId: 's2' }],
  };
  const row = (p: Partial<EvidenceRow>): EvidenceRow => ({ kind: 'publishing', role: 'host', teacherId: 'teacher-1', classroomId: null, direction: null, source: null, fromRole: null, startedAt: at(0), endedAt: at(40), ...p });

  it('E-TEACHER-PUBLISHED: publishing counts only while the send transport was connected', () => {
    const rows = [
      row({ kind: 'connected', direction: 'send', startedAt: at(0), endedAt: at(10) }),
      row({ kind: 'connected', direction: 'send', startedAt: at(15), endedAt: at(40) }),
      row({ source: 'camera' }),
      row({ source: 'microphone' }),
    ];
    const facts = factsOf(session, rows, at(40));
    expect(facts.kind === 'sync_lesson' && facts.teacher.camera.length).toBe(2);
    expect(evaluate(rules, facts).outcomes[0]!.measuredShare).toBe(0.875);
  });

  it('E-CLASSROOM-RECEIVED: only the host teacher\'s media counts, open intervals count until the end', () => {
    const c = { role: 'classroom', teacherId: null, classroomId: 'class-1' };
    const rows = [
      row({ kind: 'connected', direction: 'send' }),
      row({ source: 'camera' }),
      row({ source: 'microphone' }),
      row({ ...c, kind: 'connected', direction: 'recv', endedAt: null }),
      row({ ...c, kind: 'receiving', source: 'camera', fromRole: 'host', endedAt: null }),
      row({ ...c, kind: 'receiving', source: 'microphone', fromRole: 'host', startedAt: at(5), endedAt: null }),
      row({ ...c, kind: 'receiving', source: 'microphone', fromRole: 'classroom' }),
    ];
    const v = evaluate(rules, factsOf(session, rows, at(30)));
    expect(outcome(v, 'E-CLASSROOM-RECEIVED')).toMatchObject({ passed: true, measuredShare: 0.625 });
  });
});

describe('E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE: a classroom following by sound and courseware', () => {
  const fullTeacher = { camera: [span(0, 40)], microphone: [span(0, 40)] };

  it('E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE: the whole lesson in the mode with the teacher\'s sound received the teacher, and the outcome says so', () => {
    const v = evaluate(rules, lesson(fullTeacher, [{ classroomId: 'c1', video: [], audio: [span(0, 40)], audioCourseware: [span(0, 40)] }]));
    expect(v.status).toBe('delivered');
    expect(outcome(v, 'E-CLASSROOM-RECEIVED')).toMatchObject({ passed: true, count: 1, measuredShare: 1, audioCoursewareShare: 1 });
    expect(outcome(v, 'E-CLASSROOM-RECEIVED').detail).toMatch(/of it by sound and courseware: 100%$/);
  });

  it('E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE: picture for half the lesson and the mode for the other half add up; only the mode\'s half is reported as such', () => {
    const v = evaluate(rules, lesson(fullTeacher, [{ classroomId: 'c1', video: [span(0, 20)], audio: [span(0, 40)], audioCourseware: [span(20, 40)] }]));
    expect(outcome(v, 'E-CLASSROOM-RECEIVED')).toMatchObject({ passed: true, measuredShare: 1, audioCoursewareShare: 0.5 });
  });

  it('E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE: the mode without the teacher\'s sound received nothing', () => {
    const v = evaluate(rules, lesson(fullTeacher, [{ classroomId: 'c1', video: [], audio: [span(0, 5)], audioCourseware: [span(0, 40)] }]));
    expect(v.status).toBe('missed');
    expect(outcome(v, 'E-CLASSROOM-RECEIVED')).toMatchObject({ passed: false, count: 0, measuredShare: 0.125, audioCoursewareShare: 0.125 });
  });

  it('E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE: outcomes of lessons where nobody used the mode keep their shape', () => {
    const v = evaluate(rules, lesson(fullTeacher, [{ classroomId: 'c1', video: [span(0, 40)], audio: [span(0, 40)] }]));
    expect(outcome(v, 'E-CLASSROOM-RECEIVED')).not.toHaveProperty('audioCoursewareShare');
  });

  const at = (min: number) => new Date(Date.UTC(2026, 10, 23, 1, 0) + min * MIN);
  const session = {
    kind: 'sync_lesson' as const,
    startsAt: at(0),
    endsAt: at(40),
    hostTeacher: { id: 'teacher-1', name: '王', schoolId: 's' },
    invitedTeachers: [],
    memberClassrooms: [{ id: 'class-1', name: '三(1)', schoolId: 's2' }],
  };
  const host = { kind: 'publishing', role: 'host', teacherId: 'teacher-1', classroomId: null, direction: null, source: null, fromRole: null, startedAt: at(0), endedAt: at(40) };
  const c = { role: 'classroom', teacherId: null, classroomId: 'class-1', direction: null, source: null, fromRole: null, startedAt: at(0), endedAt: at(40) };
  const rows: EvidenceRow[] = [
    { ...host, kind: 'connected', direction: 'send' },
    { ...host, source: 'camera' },
    { ...host, source: 'microphone' },
    { ...c, kind: 'connected', direction: 'recv', endedAt: at(36) },
    { ...c, kind: 'receiving', source: 'microphone', fromRole: 'host' },
    { ...c, kind: 'audio_courseware' },
  ];

  it('E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE: the mode counts from the board\'s first page and only while the receive transport was connected', () => {
    // Board up at minute 10, receive transport gone at 36: 26 of 40 minutes.
    expect(outcome(evaluate(rules, factsOf(session, rows, at(40), at(10))), 'E-CLASSROOM-RECEIVED')).toMatchObject({ passed: true, measuredShare: 0.65, audioCoursewareShare: 0.65 });
    // Board up only at minute 20: 16 of 40.
    expect(outcome(evaluate(rules, factsOf(session, rows, at(40), at(20))), 'E-CLASSROOM-RECEIVED')).toMatchObject({ passed: false, measuredShare: 0.4 });
  });

  it('E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE: with no board ever shown the mode is sound alone and does not count', () => {
    const v = evaluate(rules, factsOf(session, rows, at(40), null));
    expect(outcome(v, 'E-CLASSROOM-RECEIVED')).toMatchObject({ passed: false, measuredShare: 0 });
    expect(outcome(v, 'E-CLASSROOM-RECEIVED')).not.toHaveProperty('audioCoursewareShare');
  });
});

describe('rule versions', () => {
  it('E-TEACHER-PUBLISHED: the version in force on the session date applies', () => {
    const versions = [
      ...Object.values(rules),
      { ...rule('E-TEACHER-PUBLISHED', 0.8), effectiveFrom: '2026-09-01' },
    ];
    expect(ruleBookFor(versions, '2026-11-23')['E-TEACHER-PUBLISHED'].minShare).toBe(0.8);
    expect(ruleBookFor(versions, '2026-03-01')['E-TEACHER-PUBLISHED'].minShare).toBe(0.6);
    // Before every version: the earliest.
    expect(ruleBookFor(versions, '2020-01-01')['E-TEACHER-PUBLISHED'].minShare).toBe(0.6);
  });

  it('takes the local date of the school (a lesson at 07:30 Beijing time is on that day)', () => {
    expect(localDate(new Date('2026-08-31T23:30:00Z'), 'Asia/Shanghai')).toBe('2026-09-01');
  });
});
