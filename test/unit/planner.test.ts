/**
 * The year planner's core on hand-built communities (shared/planner/SPEC.md), including
 * impossible ones: no classroom with a join terminal, more lessons than the weeks left hold.
 */
import { describe, expect, it } from 'vitest';
import type { CommunityYearTally } from '../../shared/quotas/facts.ts';
import { jiaxingDefaultRules, QuotaRule, RuleIds } from '../../shared/quotas/rules.ts';
import { PlanPreferences, type PlanItem } from '../../shared/schemas/planner.ts';
import { mondayOf } from '../../shared/schedule/time.ts';
import { itemsNeeded, planYear, type PlannerInput } from '../../server/planner/plan.ts';
import { missRateOf } from '../../server/planner/missRate.ts';

const rules = jiaxingDefaultRules.map((r) => QuotaRule.parse(r));
const calendar = {
  terms: [
    { name: '秋季学期', startsOn: '2026-09-01', endsOn: '2027-01-22' },
    { name: '春季学期', startsOn: '2027-02-22', endsOn: '2027-07-02' },
  ],
  holidays: [
    { name: '元旦', startsOn: '2027-01-01', endsOn: '2027-01-03' },
    { name: '劳动节', startsOn: '2027-05-01', endsOn: '2027-05-05' },
  ],
};
const TZ = 'Asia/Shanghai';
const schools = [
  { id: 'core', name: '实验小学', role: 'core' as const, from: '2026-09-01', to: null },
  { id: 'm1', name: '澉浦小学', role: 'member' as const, from: '2026-09-01', to: null },
  { id: 'm2', name: '六里小学', role: 'member' as const, from: '2026-09-01', to: null },
];
const teachers = [
  { id: 't-math', name: '王丽华', schoolId: 'core', subjects: ['math'], backbone: true },
  { id: 't-chinese', name: '陈志强', schoolId: 'core', subjects: ['chinese'], backbone: true },
  { id: 't-music', name: '徐静怡', schoolId: 'core', subjects: ['music'], backbone: false },
  { id: 't-art', name: '顾晓红', schoolId: 'core', subjects: ['art'], backbone: false },
  { id: 't-m1', name: '李春燕', schoolId: 'm1', subjects: ['chinese'], backbone: false },
  { id: 't-m2', name: '吴海燕', schoolId: 'm2', subjects: ['math'], backbone: false },
];
const rooms = [
  { id: 'r-studio', name: '录播教室', schoolId: 'core', hasJoinTerminal: true },
  { id: 'r-m1', name: '三年级(1)班', schoolId: 'm1', hasJoinTerminal: true },
  { id: 'r-m2', name: '四年级(2)班', schoolId: 'm2', hasJoinTerminal: true },
];

function tally(today: string, over: Partial<CommunityYearTally> = {}): CommunityYearTally {
  return {
    communityId: 'c1',
    typeCode: 'co_built',
    requiresDispatch: true,
    period: { startsOn: '2026-09-01', endsOn: '2027-08-31' },
    today,
    calendar,
    counted: [],
    planned: [],
    members: [
      { schoolId: 'm1', name: '澉浦小学', from: '2026-09-01', to: '2027-08-31', lessons: 0, covered: false, plannedCovered: false },
      { schoolId: 'm2', name: '六里小学', from: '2026-09-01', to: '2027-08-31', lessons: 0, covered: false, plannedCovered: false },
    ],
    ...over,
  };
}

function input(today: string, over: Partial<PlannerInput> = {}): PlannerInput {
  return {
    now: Date.parse(`${today}T08:00:00+08:00`),
    today,
    timeZone: TZ,
    tally: tally(today),
    rules,
    missRate: 0,
    schools,
    teachers,
    rooms,
    busy: [],
    dispatches: [],
    prefs: PlanPreferences.parse({}),
    ...over,
  };
}

const forecast = (r: ReturnType<typeof planYear>, id: string) => r.forecast.find((f) => f.ruleId === id)!;
const ofKind = (items: PlanItem[], kind: PlanItem['kind']) => items.filter((i) => i.kind === kind);
const startOf = (i: PlanItem) => Date.parse(`${i.date}T${i.startTime}:00+08:00`);
const endOf = (i: PlanItem) => Date.parse(`${i.date}T${i.endTime}:00+08:00`);

describe('the year planner', () => {
  it('PL-FORECAST: a year from its start gets every rule of the rule set on track, with nothing left to say', () => {
    const r = planYear(input('2026-09-01'));
    for (const f of r.forecast) expect([f.ruleId, f.status, f.metWithMargin]).toEqual([f.ruleId, 'on_track', true]);
    expect(r.shortfalls).toEqual([]);
    expect(ofKind(r.items, 'sync_lesson')).toHaveLength(20);
    expect(new Set(ofKind(r.items, 'sync_lesson').map((i) => i.subjectCode)).size).toBeGreaterThanOrEqual(2);
    expect(ofKind(r.items, 'online_research')).toHaveLength(8);
    expect(ofKind(r.items, 'offline_research')).toHaveLength(4);
    expect(ofKind(r.items, 'dispatch').map((d) => d.schoolId).sort()).toEqual(['m1', 'm2']);
    expect(new Set(r.items.map((i) => i.key)).size).toBe(r.items.length);
  });

  it('PL-MARGIN-MISS-RATE: with a miss rate of 15 % it plans enough that the rules are met even if it keeps missing at that rate', () => {
    expect(itemsNeeded(20, 0, 0, 0.15)).toBe(24); // 24 × 0.85 = 20.4 ≥ 20; 23 × 0.85 = 19.55
    expect(itemsNeeded(20, 10, 3, 0.15)).toBe(9); // 10 + 12 × 0.85 = 20.2
    const r = planYear(input('2026-09-01', { missRate: 0.15 }));
    expect(ofKind(r.items, 'sync_lesson')).toHaveLength(24);
    expect(ofKind(r.items, 'online_research')).toHaveLength(10);
    expect(ofKind(r.items, 'offline_research')).toHaveLength(5);
    const lessons = forecast(r, RuleIds.syncLessons);
    expect(lessons.expected).toBeGreaterThanOrEqual(20);
    expect(lessons.metWithMargin).toBe(true);
    // Each new subject gets ⌈1 / 0.85⌉ = 2 lessons at least.
    const bySubject = new Map<string, number>();
    for (const l of ofKind(r.items, 'sync_lesson')) bySubject.set(l.subjectCode!, (bySubject.get(l.subjectCode!) ?? 0) + 1);
    expect([...bySubject.values()].every((n) => n >= 2)).toBe(true);
    expect(forecast(r, RuleIds.syncSubjects).metWithMargin).toBe(true);
  });

  it('PL-MISS-RATE: missed ÷ (delivered + missed), 0 without history, capped at one half', () => {
    expect(missRateOf(17, 3)).toEqual({ rate: 0.15, delivered: 17, missed: 3, basis: 'history' });
    expect(missRateOf(0, 0)).toEqual({ rate: 0, delivered: 0, missed: 0, basis: 'none' });
    expect(missRateOf(2, 8)).toEqual({ rate: 0.5, delivered: 2, missed: 8, basis: 'capped' });
  });

  it('PL-SPREAD-WEEKS: lessons are spread evenly over the teaching weeks, at most the rule\'s maximum a week, never on a holiday', () => {
    const r = planYear(input('2026-09-01'));
    const lessons = ofKind(r.items, 'sync_lesson');
    const months = new Set(lessons.map((l) => l.date.slice(0, 7)));
    // 20 lessons over about 40 weeks: they reach from September into the spring term.
    expect(months.has('2026-09')).toBe(true);
    expect([...months].some((m) => m >= '2027-03')).toBe(true);
    const perWeek = new Map<string, number>();
    for (const l of lessons) perWeek.set(mondayOf(l.date), (perWeek.get(mondayOf(l.date)) ?? 0) + 1);
    expect(Math.max(...perWeek.values())).toBe(1);
    for (const i of r.items) expect(i.date >= '2027-01-01' && i.date <= '2027-01-03').toBe(false);
    for (const i of r.items) expect(i.date >= '2027-01-23' && i.date <= '2027-02-21').toBe(false);
  });

  it('PL-SLOTS / PL-FREE: sessions use the preferred slots, skip existing bookings and keep each teacher under the weekly maximum', () => {
    // 王丽华 is booked every Tuesday 14:00–16:00 in September (another community's lessons).
    const busy = ['2026-09-01', '2026-09-08', '2026-09-15', '2026-09-22', '2026-09-29'].map((d) => ({ kind: 'teacher' as const, id: 't-math', start: Date.parse(`${d}T14:00:00+08:00`), end: Date.parse(`${d}T16:00:00+08:00`) }));
    const r = planYear(input('2026-09-01', { busy, prefs: PlanPreferences.parse({ slots: [{ weekday: 2, time: '14:00' }, { weekday: 3, time: '09:00' }], maxPerWeekPerTeacher: 1 }) }));
    const sessions = r.items.filter((i) => i.startTime);
    for (const s of sessions) expect([2, 3]).toContain(new Date(`${s.date}T00:00:00Z`).getUTCDay());
    for (const s of sessions) expect(['14:00', '09:00']).toContain(s.startTime);
    for (const s of sessions.filter((x) => x.teacherId === 't-math')) for (const b of busy) expect(startOf(s) < b.end && b.start < endOf(s)).toBe(false);
    const perTeacherWeek = new Map<string, number>();
    for (const s of sessions) for (const t of [s.teacherId!, ...s.invitedTeacherIds]) {
      const k = `${t}|${mondayOf(s.date)}`;
      perTeacherWeek.set(k, (perTeacherWeek.get(k) ?? 0) + 1);
    }
    expect(Math.max(...perTeacherWeek.values())).toBe(1);
    // No two sessions share a teacher or a classroom at once.
    for (const a of sessions) for (const b of sessions) {
      if (a === b || !(startOf(a) < endOf(b) && startOf(b) < endOf(a))) continue;
      expect([a.teacherId, ...a.invitedTeacherIds].filter((t) => [b.teacherId, ...b.invitedTeacherIds].includes(t))).toEqual([]);
      expect([a.hostClassroomId, ...a.memberClassroomIds].filter((c) => c && [b.hostClassroomId, ...b.memberClassroomIds].includes(c))).toEqual([]);
    }
  });

  it('PL-CAST: lessons go from a core teacher of the subject to member classrooms with a join terminal, member schools taking turns; research invites a member-school teacher', () => {
    const r = planYear(input('2026-09-01'));
    for (const l of ofKind(r.items, 'sync_lesson')) {
      expect(teachers.find((t) => t.id === l.teacherId)!.subjects).toContain(l.subjectCode);
      expect(l.hostClassroomId).toBe('r-studio');
      expect(['r-m1', 'r-m2']).toContain(l.memberClassroomIds[0]);
    }
    const rooms = ofKind(r.items, 'sync_lesson').map((l) => l.memberClassroomIds[0]);
    expect(rooms.filter((x) => x === 'r-m1').length).toBeGreaterThanOrEqual(9);
    expect(rooms.filter((x) => x === 'r-m2').length).toBeGreaterThanOrEqual(9);
    for (const s of ofKind(r.items, 'online_research')) expect(['t-m1', 't-m2']).toContain(s.invitedTeacherIds[0]);
    for (const d of ofKind(r.items, 'dispatch')) expect(['t-math', 't-chinese']).toContain(d.teacherId);
    const [d1, d2] = ofKind(r.items, 'dispatch');
    if (d1!.teacherId === d2!.teacherId) expect(d1!.endDate! < d2!.date || d2!.endDate! < d1!.date).toBe(true);
  });

  it('PL-SUBJECTS: a preferred subject nobody teaches is said, and one whose only teacher is full is replaced by another subject, named', () => {
    const noPe = planYear(input('2026-09-01', { prefs: PlanPreferences.parse({ subjects: ['pe', 'math'] }) }));
    expect(noPe.shortfalls).toContainEqual({ ruleId: RuleIds.syncSubjects, code: 'no_subject_teacher', params: { subject: 'pe' } });
    // Only one teacher teaches music, and she is booked in every preferred slot of the year.
    const busy = [{ kind: 'teacher' as const, id: 't-music', start: Date.parse('2026-08-01T00:00:00+08:00'), end: Date.parse('2027-09-01T00:00:00+08:00') }];
    const r = planYear(input('2026-09-01', { busy, prefs: PlanPreferences.parse({ subjects: ['music', 'math'] }) }));
    expect(r.shortfalls).toContainEqual({ ruleId: RuleIds.syncSubjects, code: 'subject_replaced', params: { wanted: 'music', used: expect.any(String), teachers: 1 } });
    expect(ofKind(r.items, 'sync_lesson').some((l) => l.subjectCode === 'music')).toBe(false);
    expect(forecast(r, RuleIds.syncSubjects).status).toBe('on_track');
  });

  it('PL-SHORTFALL-SAID: a community without a member classroom with a join terminal gets no lessons and is told so; the rest is still planned', () => {
    const r = planYear(input('2026-09-01', { rooms: rooms.map((x) => (x.schoolId === 'core' ? x : { ...x, hasJoinTerminal: false })) }));
    expect(ofKind(r.items, 'sync_lesson')).toEqual([]);
    expect(r.shortfalls).toContainEqual({ ruleId: RuleIds.syncLessons, code: 'no_join_terminal', params: {} });
    expect(r.shortfalls).toContainEqual({ ruleId: RuleIds.syncSubjects, code: 'no_join_terminal', params: {} });
    expect(forecast(r, RuleIds.syncLessons).status).toBe('at_risk');
    expect(forecast(r, RuleIds.researchOnline).status).toBe('on_track');
    expect(forecast(r, RuleIds.dispatchCoverage).status).toBe('on_track');
  });

  it('PL-SHORTFALL-SAID: 20 lessons with 3 teaching weeks left and at most 2 a week — it proposes the 6 it can and says the rest cannot be met', () => {
    const tight = rules.map((r) => (r.ruleId === RuleIds.syncLessons ? { ...r, maxPerWeek: 2 } : r));
    // 2027-06-14: three teaching weeks to the end of the spring term (2027-07-02).
    const r = planYear(input('2027-06-14', { rules: tight, tally: tally('2027-06-14') }));
    expect(ofKind(r.items, 'sync_lesson')).toHaveLength(6);
    expect(r.shortfalls).toContainEqual({ ruleId: RuleIds.syncLessons, code: 'capacity', params: { wanted: 20, placed: 6, weeks: 3, maxPerWeek: 2 } });
    const f = forecast(r, RuleIds.syncLessons);
    expect(f.proposed).toBe(6);
    expect(f.status).toBe('will_miss');
    expect(f.metWithMargin).toBe(false);
  });

  it('PL-SHORTFALL-SAID: no backbone teacher, no member-school teacher, no teaching weeks', () => {
    const r = planYear(input('2026-09-01', { teachers: teachers.filter((t) => t.schoolId === 'core').map((t) => ({ ...t, backbone: false })) }));
    expect(r.shortfalls).toContainEqual({ ruleId: RuleIds.dispatchCoverage, code: 'no_backbone', params: {} });
    expect(r.shortfalls).toContainEqual({ ruleId: RuleIds.researchOnline, code: 'no_member_teacher', params: {} });
    const late = planYear(input('2027-07-10', { tally: tally('2027-07-10') }));
    expect(late.items).toEqual([]);
    expect(late.shortfalls.filter((s) => s.code === 'no_teaching_weeks').map((s) => s.ruleId).sort()).toEqual(rules.map((r) => r.ruleId).sort());
  });

  it('get back on track: mid-year it plans only the remaining weeks and only what is missing', () => {
    const mid = tally('2027-03-01', {
      counted: [
        { kind: 'sync_lesson', subjectCode: 'math', mode: 'interactive', source: 'evidence', count: 12 },
        { kind: 'online_research', subjectCode: null, mode: null, source: 'evidence', count: 6 },
        { kind: 'offline_research', subjectCode: null, mode: null, source: 'evidence', count: 4 },
      ],
      members: tally('x').members.map((m) => (m.schoolId === 'm1' ? { ...m, covered: true } : m)),
    });
    const r = planYear(input('2027-03-01', { tally: mid }));
    expect(r.items.every((i) => i.date >= '2027-03-01')).toBe(true);
    expect(ofKind(r.items, 'sync_lesson')).toHaveLength(8);
    expect(ofKind(r.items, 'sync_lesson').some((l) => l.subjectCode !== 'math')).toBe(true);
    expect(ofKind(r.items, 'online_research')).toHaveLength(2);
    expect(ofKind(r.items, 'offline_research')).toHaveLength(0);
    expect(ofKind(r.items, 'dispatch').map((d) => d.schoolId)).toEqual(['m2']);
    expect(forecast(r, RuleIds.researchOffline).status).toBe('met');
    for (const f of r.forecast) expect(['met', 'on_track']).toContain(f.status);
  });

  it('S-SCHEDULE-PAST: nothing is proposed to start within 15 minutes of now', () => {
    const now = Date.parse('2026-09-01T14:50:00+08:00');
    const r = planYear(input('2026-09-01', { now }));
    for (const s of r.items.filter((i) => i.startTime)) expect(startOf(s)).toBeGreaterThanOrEqual(now + 15 * 60_000);
  });
});
