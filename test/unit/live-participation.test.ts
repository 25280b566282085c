/**
 * Participation data and the participation rules (issue #6), pure: figures per
 * participant from evidence + activity intervals, and verdicts that resist
 * gaming — each test cites the rule ID it checks. Also the classroom audio
 * check's judgement and the capture constraints.
 */
import { describe, expect, it } from 'vitest';
import type { EvidenceRule } from '../../shared/schemas/live.ts';
import { countHandRaises, figuresOf, participationFacts, type ActivityRow, type ParticipationEvidenceRow, type SessionPlan } from '../../server/evidence/participation.ts';
import { evaluateParticipation, participationBookFor, verdictOf, versionsInForce, type ParticipationRuleBook } from '../../server/evidence/participationRules.ts';
import { AUDIO_CHECK, judgeAudioCheck, type AudioCheckReading } from '../../client/src/media/audioCheck.ts';
import { MICROPHONE_CONSTRAINTS } from '../../client/src/media/devices.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 23, 1, 0, 0);
const at = (min: number) => new Date(T0 + min * MIN);

const rule = (ruleId: EvidenceRule['ruleId'], p: Partial<EvidenceRule> = {}): EvidenceRule => ({
  ruleId,
  effectiveFrom: '2025-09-01',
  minShare: 0.6,
  minCount: 1,
  marginMinutes: 10,
  minSeconds: 0,
  description: '',
  ...p,
});
const defaults: ParticipationRuleBook = {
  'P-LESSON-TEACHER-AV': rule('P-LESSON-TEACHER-AV'),
  'P-LESSON-CLASSROOM-PRESENT': rule('P-LESSON-CLASSROOM-PRESENT', { minSeconds: 300 }),
  'P-RESEARCH-SCHOOLS-SPOKE': rule('P-RESEARCH-SCHOOLS-SPOKE', { minShare: 0, minCount: 2, minSeconds: 120 }),
};

const person = (id: string, schoolId: string) => ({ id, name: id, schoolId });
/** A 40-minute lesson: 王 teaches from the core school to two member classrooms. */
const lessonPlan = (mode: SessionPlan['mode'] = 'interactive'): SessionPlan => ({
  kind: 'sync_lesson',
  mode,
  startsAt: at(0),
  endsAt: at(40),
  hostTeacher: person('wang', 'core'),
  invitedTeachers: [],
  hostClassroom: person('core-room', 'core'),
  memberClassrooms: [person('ganpu', 'ganpu-school'), person('liuli', 'liuli-school')],
});
const researchPlan: SessionPlan = {
  kind: 'online_research',
  mode: null,
  startsAt: at(0),
  endsAt: at(60),
  hostTeacher: person('wang', 'core'),
  invitedTeachers: [person('li', 'ganpu-school'), person('zhao', 'core')],
  hostClassroom: null,
  memberClassrooms: [],
};

type Who = { role: 'host' | 'teacher' | 'classroom'; teacherId?: string; classroomId?: string; peerId?: string };
const host: Who = { role: 'host', teacherId: 'wang' };
const teacher = (id: string): Who => ({ role: 'teacher', teacherId: id });
const room = (id: string): Who => ({ role: 'classroom', classroomId: id });

function ev(who: Who, kind: 'connected' | 'publishing' | 'receiving' | 'audio_courseware', from: number, to: number | null, extra: Partial<ParticipationEvidenceRow> = {}): ParticipationEvidenceRow {
  return {
    kind,
    role: who.role,
    teacherId: who.teacherId ?? null,
    classroomId: who.classroomId ?? null,
    direction: null,
    source: null,
    fromRole: null,
    peerId: who.peerId ?? `${who.teacherId ?? who.classroomId}-peer`,
    startedAt: at(from),
    endedAt: to === null ? null : at(to),
    ...extra,
  };
}
const connected = (who: Who, direction: 'send' | 'recv', from: number, to: number | null) => ev(who, 'connected', from, to, { direction });
const publishing = (who: Who, source: string, from: number, to: number | null) => ev(who, 'publishing', from, to, { source });
const receivingHost = (who: Who, source: string, from: number, to: number | null) => ev(who, 'receiving', from, to, { source, fromRole: 'host' });
function act(who: Who, kind: 'speaking' | 'stage' | 'hand', from: number, to: number | null, endReason: string | null = to === null ? null : 'stopped'): ActivityRow {
  return { kind, role: who.role, teacherId: who.teacherId ?? null, classroomId: who.classroomId ?? null, peerId: who.peerId ?? `${who.teacherId ?? who.classroomId}-peer`, startedAt: at(from), endedAt: to === null ? null : at(to), endReason };
}

/** The host teacher sending camera and microphone over [from, to]. */
const teaching = (from = 0, to = 40) => [connected(host, 'send', from, to), publishing(host, 'camera', from, to), publishing(host, 'microphone', from, to)];
/** A member classroom receiving the teacher's picture and sound over [from, to]. */
const watching = (who: Who, from = 0, to = 40) => [connected(who, 'recv', from, to), receivingHost(who, 'camera', from, to), receivingHost(who, 'microphone', from, to)];
/** …and sending its camera over [from, to]. */
const seen = (who: Who, from: number, to: number) => [connected(who, 'send', from, to), publishing(who, 'camera', from, to)];

const outcome = (outcomes: ReturnType<typeof evaluateParticipation>, id: string) => outcomes.find((o) => o.ruleId === id)!;

describe('participation figures', () => {
  it('joined/left, receiving, camera and microphone (only while the transport was connected), speaking (only while the microphone was on), hands, stage', () => {
    const ganpu = room('ganpu');
    const facts = participationFacts(
      lessonPlan(),
      [
        ...teaching(),
        connected(ganpu, 'recv', 2, 38),
        receivingHost(ganpu, 'camera', 2, 38),
        receivingHost(ganpu, 'microphone', 2, 38),
        connected(ganpu, 'send', 2, 30),
        publishing(ganpu, 'camera', 2, 35), // the send transport dropped at 30: 28 min, not 33
        publishing(ganpu, 'microphone', 10, 20),
      ],
      [act(ganpu, 'speaking', 9, 12), act(ganpu, 'speaking', 15, 16), act(ganpu, 'hand', 12, 13), act(ganpu, 'hand', 25, 26), act(ganpu, 'stage', 13, 18)],
      at(45),
    );
    const figures = figuresOf(facts, new Map([['ganpu-school', '澉浦小学']]));
    const g = figures.find((f) => f.classroomId === 'ganpu')!;
    expect(g).toMatchObject({
      kind: 'classroom',
      schoolName: '澉浦小学',
      hostClassroom: false,
      joinedAt: at(2).toISOString(),
      leftAt: at(38).toISOString(),
      visits: 1,
      connectedSeconds: 36 * 60,
      receivingSeconds: 36 * 60,
      cameraSeconds: 28 * 60,
      microphoneSeconds: 10 * 60,
      speakingSeconds: 3 * 60, // 10–12 and 15–16: the first minute was before its microphone was on
      handRaises: 2,
      stageSeconds: 5 * 60,
    });
    const w = figures.find((f) => f.teacherId === 'wang')!;
    expect(w).toMatchObject({ role: 'host', cameraSeconds: 40 * 60, microphoneSeconds: 40 * 60, receivingSeconds: 0 });
    // A planned classroom that never came is there, with nothing.
    expect(figures.find((f) => f.classroomId === 'liuli')).toMatchObject({ joinedAt: null, leftAt: null, visits: 0, connectedSeconds: 0 });
    // Every planned participant, nobody else.
    expect(figures.map((f) => f.key)).toEqual(['teacher:wang', 'classroom:core-room', 'classroom:ganpu', 'classroom:liuli']);
  });

  it('a participant still in has no "left"; open intervals count until now', () => {
    const facts = participationFacts(lessonPlan(), [connected(room('ganpu'), 'recv', 0, null)], [], at(7));
    const g = figuresOf(facts, new Map()).find((f) => f.classroomId === 'ganpu')!;
    expect(g).toMatchObject({ joinedAt: at(0).toISOString(), leftAt: null, connectedSeconds: 7 * 60 });
  });

  it('a patrol is never attendance: rows of an observer (no teacher, no classroom) are nobody\'s', () => {
    const patrol = ev({ role: 'classroom' }, 'connected', 0, 40, { role: 'observer', direction: 'recv' });
    const facts = participationFacts(lessonPlan(), [patrol], [], at(40));
    expect(figuresOf(facts, new Map()).every((f) => f.connectedSeconds === 0)).toBe(true);
  });

  it('a hand raised again right after a reconnect is the same raise', () => {
    const ganpu = room('ganpu');
    expect(countHandRaises([act(ganpu, 'hand', 1, 2, 'left'), act(ganpu, 'hand', 2.2, 5), act(ganpu, 'hand', 10, 11), act(ganpu, 'hand', 20, null)])).toBe(3);
  });
});

describe('lesson rules', () => {
  const ganpu = room('ganpu');
  const liuli = room('liuli');

  it('E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE: P-LESSON-CLASSROOM-PRESENT counts a classroom that followed by sound and courseware with the board up, and its figures show how long', () => {
    // 澉浦 in the mode the whole lesson with the teacher's sound, seen for 5 minutes; 六里 in the mode with no sound.
    const evidence = [
      ...teaching(),
      connected(ganpu, 'recv', 0, 40),
      receivingHost(ganpu, 'microphone', 0, 40),
      ev(ganpu, 'audio_courseware', 0, 40),
      ...seen(ganpu, 0, 5),
      connected(liuli, 'recv', 0, 40),
      ev(liuli, 'audio_courseware', 0, 40),
      ...seen(liuli, 0, 5),
    ];
    const facts = participationFacts(lessonPlan(), evidence, [], at(40), at(2));
    const o = outcome(evaluateParticipation(defaults, facts), 'P-LESSON-CLASSROOM-PRESENT');
    expect(o).toMatchObject({ passed: true, count: 1, measuredShare: 0.95, audioCoursewareShare: 0.95 });
    expect(o.detail).toContain('ganpu: received 95% (by sound and courseware 95%), seen or heard 5 min');
    expect(o.detail).toContain('liuli: received 0%');
    const figures = figuresOf(facts, new Map());
    expect(figures.find((f) => f.classroomId === 'ganpu')).toMatchObject({ audioCoursewareSeconds: 38 * 60 });
    expect(figures.find((f) => f.classroomId === 'liuli')).toMatchObject({ audioCoursewareSeconds: 0 });
    expect(figures.find((f) => f.teacherId === 'wang')).toMatchObject({ audioCoursewareSeconds: 0 });
    // No board shown in the whole lesson: sound alone, nobody present.
    const soundOnly = participationFacts(lessonPlan(), evidence, [], at(40), null);
    expect(outcome(evaluateParticipation(defaults, soundOnly), 'P-LESSON-CLASSROOM-PRESENT')).toMatchObject({ passed: false, count: 0, measuredShare: 0 });
  });

  it('P-LESSON-TEACHER-AV + P-LESSON-CLASSROOM-PRESENT: a whole lesson taught, watched and seen counts', () => {
    const o = evaluateParticipation(defaults, participationFacts(lessonPlan(), [...teaching(), ...watching(ganpu), ...seen(ganpu, 0, 40)], [], at(40)));
    expect(o.map((x) => [x.ruleId, x.passed])).toEqual([
      ['P-LESSON-TEACHER-AV', true],
      ['P-LESSON-CLASSROOM-PRESENT', true],
    ]);
    expect(verdictOf(o)).toMatchObject({ status: 'delivered', reason: null });
  });

  it('P-LESSON-TEACHER-AV: camera and microphone must be on together; a screen share does not stand in for the camera', () => {
    const facts = participationFacts(
      lessonPlan(),
      [connected(host, 'send', 0, 40), publishing(host, 'screen', 0, 40), publishing(host, 'camera', 0, 10), publishing(host, 'microphone', 5, 40), ...watching(ganpu), ...seen(ganpu, 0, 40)],
      [],
      at(40),
    );
    const o = outcome(evaluateParticipation(defaults, facts), 'P-LESSON-TEACHER-AV');
    expect(o).toMatchObject({ passed: false, measuredShare: 0.125 });
    expect(o.detail).toMatch(/12.5% of the scheduled time \(needs 60%\)/);
  });

  it('P-LESSON-CLASSROOM-PRESENT (gaming): a classroom connected with camera and microphone off for the whole lesson does not make it count', () => {
    const facts = participationFacts(lessonPlan(), [...teaching(), ...watching(ganpu)], [], at(40));
    const v = verdictOf(evaluateParticipation(defaults, facts));
    expect(v.status).toBe('missed');
    expect(v.reason).toMatch(/^P-LESSON-CLASSROOM-PRESENT: 0 of 2 member classrooms/);
    const o = outcome(v.outcomes, 'P-LESSON-CLASSROOM-PRESENT');
    expect(o).toMatchObject({ passed: false, count: 0, measuredShare: 1, measuredSeconds: 0, requiredSeconds: 300 });
    expect(o.detail).toContain('ganpu: received 100%, seen or heard 0 s');
  });

  it('P-LESSON-CLASSROOM-PRESENT: a camera blip does not count, being seen for 5 minutes does, speaking counts as being heard', () => {
    const blip = participationFacts(lessonPlan(), [...teaching(), ...watching(ganpu), ...seen(ganpu, 3, 4)], [], at(40));
    expect(outcome(evaluateParticipation(defaults, blip), 'P-LESSON-CLASSROOM-PRESENT')).toMatchObject({ passed: false, measuredSeconds: 60 });
    const fiveMinutes = participationFacts(lessonPlan(), [...teaching(), ...watching(ganpu), ...seen(ganpu, 3, 8)], [], at(40));
    expect(outcome(evaluateParticipation(defaults, fiveMinutes), 'P-LESSON-CLASSROOM-PRESENT')).toMatchObject({ passed: true, measuredSeconds: 300 });
    const spoke = participationFacts(
      lessonPlan(),
      [...teaching(), ...watching(ganpu), connected(ganpu, 'send', 0, 40), publishing(ganpu, 'microphone', 0, 40)],
      [act(ganpu, 'speaking', 5, 8), act(ganpu, 'speaking', 20, 22)],
      at(40),
    );
    expect(outcome(evaluateParticipation(defaults, spoke), 'P-LESSON-CLASSROOM-PRESENT')).toMatchObject({ passed: true, measuredSeconds: 300 });
  });

  it('P-LESSON-CLASSROOM-PRESENT: seen but hardly receiving does not count; the host classroom is not a member classroom', () => {
    const facts = participationFacts(
      lessonPlan(),
      [...teaching(), ...watching(ganpu, 0, 20), ...seen(ganpu, 0, 40), ...watching(room('core-room')), ...seen(room('core-room'), 0, 40)],
      [],
      at(40),
    );
    expect(outcome(evaluateParticipation(defaults, facts), 'P-LESSON-CLASSROOM-PRESENT')).toMatchObject({ passed: false, count: 0, measuredShare: 0.5 });
  });

  it('P-LESSON-CLASSROOM-PRESENT: min_count classrooms must each be present', () => {
    const rules = { ...defaults, 'P-LESSON-CLASSROOM-PRESENT': rule('P-LESSON-CLASSROOM-PRESENT', { minCount: 2, minSeconds: 300 }) };
    const one = participationFacts(lessonPlan(), [...teaching(), ...watching(ganpu), ...seen(ganpu, 0, 40), ...watching(liuli)], [], at(40));
    expect(outcome(evaluateParticipation(rules, one), 'P-LESSON-CLASSROOM-PRESENT')).toMatchObject({ passed: false, count: 1, requiredCount: 2 });
    const two = participationFacts(lessonPlan(), [...teaching(), ...watching(ganpu), ...seen(ganpu, 0, 40), ...watching(liuli), ...seen(liuli, 10, 20)], [], at(40));
    expect(outcome(evaluateParticipation(rules, two), 'P-LESSON-CLASSROOM-PRESENT')).toMatchObject({ passed: true, count: 2 });
  });

  it('P-LESSON-CLASSROOM-PRESENT: in a master-teacher lesson (classrooms only receive) being seen is waived', () => {
    const facts = participationFacts(lessonPlan('master'), [...teaching(), ...watching(ganpu)], [], at(40));
    const o = outcome(evaluateParticipation(defaults, facts), 'P-LESSON-CLASSROOM-PRESENT');
    expect(o).toMatchObject({ passed: true, requiredSeconds: 0 });
    expect(o.detail).toMatch(/master-teacher lesson/);
  });

  it('P-LESSON-TEACHER-AV: only the scheduled time counts toward the share (not the margin before the start)', () => {
    const facts = participationFacts(lessonPlan(), [connected(host, 'send', -30, 10), publishing(host, 'camera', -30, 10), publishing(host, 'microphone', -30, 10), ...watching(ganpu), ...seen(ganpu, 0, 40)], [], at(40));
    // 40 minutes published, 10 of them inside the lesson = 10 of 40.
    expect(outcome(evaluateParticipation(defaults, facts), 'P-LESSON-TEACHER-AV')).toMatchObject({ passed: false, measuredShare: 0.25 });
  });
});

describe('research rules', () => {
  const li = teacher('li');
  const zhao = teacher('zhao');
  const micOn = (who: Who) => [connected(who, 'send', 0, 60), publishing(who, 'microphone', 0, 60)];

  it('P-RESEARCH-SCHOOLS-SPOKE: teachers of two schools each spoke at least 2 minutes → counts', () => {
    const facts = participationFacts(researchPlan, [...micOn(host), ...micOn(li)], [act(host, 'speaking', 0, 10), act(li, 'speaking', 20, 22)], at(60));
    const o = evaluateParticipation(defaults, facts);
    expect(o).toHaveLength(1);
    expect(o[0]).toMatchObject({ ruleId: 'P-RESEARCH-SCHOOLS-SPOKE', passed: true, count: 2, measuredSeconds: 120, requiredSeconds: 120 });
  });

  it('P-RESEARCH-SCHOOLS-SPOKE (gaming): a session where only one school spoke does not count', () => {
    const facts = participationFacts(researchPlan, [...micOn(host), ...micOn(li)], [act(host, 'speaking', 0, 30)], at(60));
    const v = verdictOf(evaluateParticipation(defaults, facts));
    expect(v.status).toBe('missed');
    expect(v.reason).toMatch(/^P-RESEARCH-SCHOOLS-SPOKE: teachers of 1 of 2 schools spoke for at least 2 min \(needs 2\)/);
    expect(v.outcomes[0]).toMatchObject({ count: 1, measuredSeconds: 0 });
  });

  it('P-RESEARCH-SCHOOLS-SPOKE: two teachers of the same school are one school; 119 s is not 2 minutes', () => {
    const sameSchool = participationFacts(researchPlan, [...micOn(host), ...micOn(zhao)], [act(host, 'speaking', 0, 10), act(zhao, 'speaking', 10, 20)], at(60));
    expect(evaluateParticipation(defaults, sameSchool)[0]).toMatchObject({ passed: false, count: 1 });
    const almost = participationFacts(
      researchPlan,
      [...micOn(host), ...micOn(li)],
      [act(host, 'speaking', 0, 10), { ...act(li, 'speaking', 20, 22), endedAt: new Date(at(22).getTime() - 1000) }],
      at(60),
    );
    expect(evaluateParticipation(defaults, almost)[0]).toMatchObject({ passed: false, measuredSeconds: 119 });
  });

  it('P-RESEARCH-SCHOOLS-SPOKE: speaking without a published microphone is not speaking', () => {
    const facts = participationFacts(researchPlan, [...micOn(host)], [act(host, 'speaking', 0, 10), act(li, 'speaking', 0, 10)], at(60));
    expect(evaluateParticipation(defaults, facts)[0]).toMatchObject({ passed: false, count: 1 });
  });
});

describe('rule versions', () => {
  it('the version in force on the session\'s date; every participation rule must have one', () => {
    const versions = [
      rule('P-LESSON-TEACHER-AV'),
      rule('P-LESSON-TEACHER-AV', { effectiveFrom: '2026-09-01', minShare: 0.8 }),
      rule('P-LESSON-CLASSROOM-PRESENT'),
      rule('P-RESEARCH-SCHOOLS-SPOKE'),
      rule('E-TEACHER-PUBLISHED'),
    ];
    expect(participationBookFor(versions, '2026-08-31')['P-LESSON-TEACHER-AV'].minShare).toBe(0.6);
    expect(participationBookFor(versions, '2026-11-23')['P-LESSON-TEACHER-AV'].minShare).toBe(0.8);
    expect(versionsInForce(versions, '2026-11-23')).toHaveLength(4);
    expect(() => participationBookFor(versions.slice(0, 2), '2026-11-23')).toThrow(/P-LESSON-CLASSROOM-PRESENT/);
  });
});

describe('classroom audio', () => {
  const reading = (p: Partial<AudioCheckReading>): AudioCheckReading => ({
    rawNoiseDb: -100,
    rawToneDb: -100,
    processedNoiseDb: -100,
    processedToneDb: -100,
    rawPeakDb: -40,
    settings: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    ...p,
  });

  it('terminals capture with echo cancellation, noise suppression and automatic gain control', () => {
    expect(MICROPHONE_CONSTRAINTS).toMatchObject({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
  });

  it('the audio check: the speakers reach the microphone and echo cancellation removes the tone → pass', () => {
    expect(judgeAudioCheck(reading({ rawToneDb: -60, processedToneDb: -97 }))).toEqual({ verdict: 'pass', heardDb: 40, echoDb: 3, advice: [] });
  });

  it('the audio check: the tone survives echo cancellation → echo, with advice (volume, microphone placement, push-to-talk)', () => {
    const r = judgeAudioCheck(reading({ rawToneDb: -50, processedToneDb: -70 }));
    expect(r).toMatchObject({ verdict: 'echo', echoDb: 30 });
    expect(r.advice).toEqual(['lowerVolume', 'moveMic', 'pushToTalk']);
  });

  it('the audio check: the microphone does not hear the speakers → check the speakers; digital silence → check the microphone', () => {
    expect(judgeAudioCheck(reading({ rawToneDb: -95 }))).toMatchObject({ verdict: 'not-heard', advice: ['speakers'] });
    expect(judgeAudioCheck(reading({ rawPeakDb: AUDIO_CHECK.silenceDb }))).toMatchObject({ verdict: 'silent-mic', advice: ['checkMic'] });
  });

  it('the audio check: a browser that turned the processing off is told so', () => {
    const r = judgeAudioCheck(reading({ rawToneDb: -60, processedToneDb: -97, settings: { echoCancellation: false, noiseSuppression: true, autoGainControl: true } }));
    expect(r).toMatchObject({ verdict: 'pass', advice: ['enableProcessing'] });
  });
});
