import { describe, expect, it } from 'vitest';
import type { CommunityYearFacts, CountedItem } from '../../shared/quotas/facts.ts';
import { jiaxingDefaultRules, QuotaRule, RuleIds } from '../../shared/quotas/rules.ts';
import { evaluateCommunityYear, monthlyTrend } from '../../server/quotas/evaluate.ts';
import { teachingDays, termWeeksLeft } from '../../server/quotas/teachingCalendar.ts';

const rules = jiaxingDefaultRules.map((r) => QuotaRule.parse(r));
const calendar = {
  terms: [
    { name: '秋季学期', startsOn: '2026-09-01', endsOn: '2027-01-22' },
    { name: '春季学期', startsOn: '2027-02-22', endsOn: '2027-07-02' },
  ],
  holidays: [
    { name: '国庆节', startsOn: '2026-10-01', endsOn: '2026-10-07' },
    { name: '劳动节', startsOn: '2027-05-01', endsOn: '2027-05-05' },
  ],
};
const members = [
  { schoolId: 'm1', name: '澉浦小学', from: '2026-09-01', to: '2027-08-31' },
  { schoolId: 'm2', name: '六里小学', from: '2026-09-01', to: '2027-08-31' },
];

function facts(over: Partial<CommunityYearFacts> = {}): CommunityYearFacts {
  return {
    communityId: 'c1',
    typeCode: 'co_built',
    requiresDispatch: true,
    period: { startsOn: '2026-09-01', endsOn: '2027-08-31' },
    today: '2027-07-10',
    calendar,
    memberSchools: members,
    counted: [],
    planned: [],
    dispatches: [],
    plannedDispatches: [],
    ...over,
  };
}

let seq = 0;
const lesson = (on: string, subjectCode = 'math', over: Partial<CountedItem> = {}): CountedItem => ({
  kind: 'sync_lesson', id: `l${++seq}`, title: '同步课', on, subjectCode, mode: 'interactive', memberSchoolIds: ['m1'], source: 'evidence', ...over,
});
const lessons = (n: number, subject = 'math', from = 0) => Array.from({ length: n }, (_, i) => lesson(`2026-${String(9 + Math.floor((i + from) / 28)).padStart(2, '0')}-${String(1 + ((i + from) % 28)).padStart(2, '0')}`, subject));
const ruleOf = (p: ReturnType<typeof evaluateCommunityYear>, id: string) => p.rules.find((r) => r.ruleId === id)!;

describe('Q-SYNC-LESSONS: ≥ 20 delivered synchronized lessons between the core and member schools', () => {
  it('Q-SYNC-LESSONS: exactly 20 is met', () => {
    const r = ruleOf(evaluateCommunityYear(rules, facts({ counted: lessons(20) })), RuleIds.syncLessons);
    expect(r).toMatchObject({ status: 'met', counted: 20, required: 20, advice: null });
  });

  it('Q-SYNC-LESSONS: 19 after the last term is a miss', () => {
    const r = ruleOf(evaluateCommunityYear(rules, facts({ counted: lessons(19) })), RuleIds.syncLessons);
    expect(r).toMatchObject({ status: 'will_miss', counted: 19, termWeeksLeft: 0 });
  });

  it('Q-SYNC-LESSONS: 19 plus a correction is met, and the correction is counted separately', () => {
    const correction = lesson('2026-12-01', 'math', { source: 'correction', id: 'corr-1' });
    const r = ruleOf(evaluateCommunityYear(rules, facts({ counted: [...lessons(19), correction] })), RuleIds.syncLessons);
    expect(r).toMatchObject({ status: 'met', counted: 20, fromCorrections: 1 });
    expect(r.itemIds).toContain('corr-1');
  });

  it('Q-SYNC-LESSONS: a lesson with no member school taking part does not count', () => {
    const coreOnly = lesson('2026-10-12', 'math', { memberSchoolIds: [] });
    const r = ruleOf(evaluateCommunityYear(rules, facts({ counted: [...lessons(19), coreOnly] })), RuleIds.syncLessons);
    expect(r.counted).toBe(19);
  });

  it('Q-SYNC-LESSONS: a member school joining mid-year counts only from its joining date', () => {
    const late = [{ schoolId: 'm3', name: '秦山小学', from: '2027-03-01', to: '2027-08-31' }];
    const before = lesson('2027-02-25', 'math', { memberSchoolIds: ['m3'] });
    const after = lesson('2027-03-02', 'math', { memberSchoolIds: ['m3'] });
    const p = evaluateCommunityYear(rules, facts({ memberSchools: late, counted: [before, after] }));
    expect(ruleOf(p, RuleIds.syncLessons).itemIds).toEqual([after.id]);
    expect(p.memberSchools).toEqual([{ schoolId: 'm3', name: '秦山小学', lessons: 1, flagged: false }]);
  });

  it('Q-SYNC-LESSONS: counted plus planned reaching 20 is on track; short but feasible is at risk with advice', () => {
    const planned = lessons(5, 'math', 100).map((l) => ({ ...l, on: '2026-12-10' }));
    const onTrack = ruleOf(evaluateCommunityYear(rules, facts({ today: '2026-11-23', counted: lessons(15), planned })), RuleIds.syncLessons);
    expect(onTrack).toMatchObject({ status: 'on_track', counted: 15, planned: 5, advice: null });

    const atRisk = ruleOf(evaluateCommunityYear(rules, facts({ today: '2026-11-23', counted: lessons(10), planned: planned.slice(0, 4) })), RuleIds.syncLessons);
    expect(atRisk.status).toBe('at_risk');
    // 6 more, and they fit before the end of the autumn term.
    expect(atRisk.advice).toEqual({ more: 6, before: '2027-01-22' });
  });

  it('Q-SYNC-LESSONS: a shortfall larger than the weeks left can hold is "will miss"', () => {
    const r = ruleOf(evaluateCommunityYear(rules, facts({ today: '2027-06-28', counted: lessons(2) })), RuleIds.syncLessons);
    expect(r.termWeeksLeft).toBe(1);
    expect(r.status).toBe('will_miss');
  });
});

describe('Q-SYNC-SUBJECTS: ≥ 2 distinct subjects among the counted lessons', () => {
  it('Q-SYNC-SUBJECTS: two subjects are met', () => {
    const r = ruleOf(evaluateCommunityYear(rules, facts({ counted: [...lessons(3, 'math'), lesson('2026-11-02', 'music')] })), RuleIds.syncSubjects);
    expect(r).toMatchObject({ status: 'met', counted: 2 });
  });

  it('Q-SYNC-SUBJECTS: two subjects where the second subject\'s only lesson was missed is one subject (missed lessons are not counted facts)', () => {
    const r = ruleOf(evaluateCommunityYear(rules, facts({ today: '2026-11-23', counted: lessons(5, 'math') })), RuleIds.syncSubjects);
    expect(r).toMatchObject({ status: 'at_risk', counted: 1, advice: { more: 1, newSubjects: 1, before: '2027-01-22' } });
  });

  it('Q-SYNC-SUBJECTS: a planned lesson in a second subject puts it on track', () => {
    const planned = [{ ...lesson('2026-12-03', 'art') }];
    const r = ruleOf(evaluateCommunityYear(rules, facts({ today: '2026-11-23', counted: lessons(5, 'math'), planned })), RuleIds.syncSubjects);
    expect(r).toMatchObject({ status: 'on_track', counted: 1, planned: 1 });
  });
});

describe('Q-RESEARCH-ONLINE and Q-RESEARCH-OFFLINE', () => {
  const research = (kind: 'online_research' | 'offline_research', n: number) =>
    Array.from({ length: n }, (_, i) => ({ ...lesson(`2026-10-${String(10 + i).padStart(2, '0')}`), kind, subjectCode: null, mode: null, memberSchoolIds: [] }));

  it('Q-RESEARCH-ONLINE: 8 delivered sessions are met, 7 are not', () => {
    expect(ruleOf(evaluateCommunityYear(rules, facts({ counted: research('online_research', 8) })), RuleIds.researchOnline).status).toBe('met');
    expect(ruleOf(evaluateCommunityYear(rules, facts({ counted: research('online_research', 7) })), RuleIds.researchOnline).status).toBe('will_miss');
  });

  it('Q-RESEARCH-OFFLINE: 4 confirmed sessions are met, and online ones do not count towards it', () => {
    const p = evaluateCommunityYear(rules, facts({ counted: [...research('offline_research', 4), ...research('online_research', 3)] }));
    expect(ruleOf(p, RuleIds.researchOffline)).toMatchObject({ status: 'met', counted: 4 });
    expect(ruleOf(p, RuleIds.researchOnline).counted).toBe(3);
  });

  it('Q-RESEARCH-OFFLINE: items outside the counting period do not count', () => {
    const old = research('offline_research', 4).map((i) => ({ ...i, on: '2026-06-15' }));
    expect(ruleOf(evaluateCommunityYear(rules, facts({ counted: old })), RuleIds.researchOffline).counted).toBe(0);
  });
});

describe('Q-DISPATCH-COVERAGE: co-built communities dispatch a backbone teacher to every member school', () => {
  it('Q-DISPATCH-COVERAGE: every member school covered is met', () => {
    const dispatches = [
      { id: 'd1', memberSchoolId: 'm1', from: '2026-09-01', to: '2027-01-22' },
      { id: 'd2', memberSchoolId: 'm2', from: '2027-02-22', to: '2027-07-02' },
    ];
    expect(ruleOf(evaluateCommunityYear(rules, facts({ dispatches })), RuleIds.dispatchCoverage)).toMatchObject({ status: 'met', counted: 2, required: 2 });
  });

  it('Q-DISPATCH-COVERAGE: a late-joining member school must be covered during its membership', () => {
    const withLate = [...members, { schoolId: 'm3', name: '秦山小学', from: '2027-03-01', to: '2027-08-31' }];
    const early = { id: 'd3', memberSchoolId: 'm3', from: '2026-09-01', to: '2026-12-31' };
    const base = [
      { id: 'd1', memberSchoolId: 'm1', from: '2026-09-01', to: '2027-01-22' },
      { id: 'd2', memberSchoolId: 'm2', from: '2026-09-01', to: '2027-01-22' },
    ];
    const notYet = ruleOf(evaluateCommunityYear(rules, facts({ today: '2027-03-05', memberSchools: withLate, dispatches: [...base, early] })), RuleIds.dispatchCoverage);
    expect(notYet).toMatchObject({ status: 'at_risk', counted: 2, required: 3 });
    expect(notYet.advice?.schools).toEqual([{ id: 'm3', name: '秦山小学' }]);

    const during = { id: 'd4', memberSchoolId: 'm3', from: '2027-03-10', to: '2027-06-30' };
    expect(ruleOf(evaluateCommunityYear(rules, facts({ memberSchools: withLate, dispatches: [...base, during] })), RuleIds.dispatchCoverage).status).toBe('met');
  });

  it('Q-DISPATCH-COVERAGE: does not apply to a community type that does not require dispatch (type is data)', () => {
    const r = ruleOf(evaluateCommunityYear(rules, facts({ typeCode: 'integrated', requiresDispatch: false })), RuleIds.dispatchCoverage);
    expect(r.status).toBe('not_applicable');
  });

  it('Q-DISPATCH-COVERAGE: a planned dispatch puts it on track', () => {
    const r = ruleOf(
      evaluateCommunityYear(rules, facts({ today: '2026-11-23', dispatches: [{ id: 'd1', memberSchoolId: 'm1', from: '2026-09-01', to: '2026-12-31' }], plannedDispatches: [{ id: 'd2', memberSchoolId: 'm2', from: '2027-03-01', to: '2027-06-30' }] })),
      RuleIds.dispatchCoverage,
    );
    expect(r).toMatchObject({ status: 'on_track', counted: 1, planned: 1 });
  });
});

describe('rules as data', () => {
  it('a region can add a rule on an existing metric without code changes (e.g. ≥ 6 master-teacher lessons)', () => {
    const master = QuotaRule.parse({ ruleId: 'Q-SYNC-MASTER', metric: 'sync_lessons', minimum: 6, nameZh: '名师课堂节数', nameEn: 'Master-teacher lessons', filter: { modes: ['master'] } });
    const counted = [...lessons(4), ...Array.from({ length: 6 }, (_, i) => lesson(`2026-11-${10 + i}`, 'math', { mode: 'master' }))];
    const p = evaluateCommunityYear([...rules, master], facts({ counted }));
    expect(ruleOf(p, 'Q-SYNC-MASTER')).toMatchObject({ status: 'met', counted: 6 });
    expect(ruleOf(p, RuleIds.syncLessons).counted).toBe(10);
  });

  it('refuses a malformed rule ID', () => {
    expect(QuotaRule.safeParse({ ruleId: 'sync lessons', metric: 'sync_lessons', minimum: 1, nameZh: 'x', nameEn: 'x' }).success).toBe(false);
  });
});

describe('member-school participation and the teaching calendar', () => {
  it('flags a member school that took part in no lesson', () => {
    const p = evaluateCommunityYear(rules, facts({ counted: lessons(3) }));
    expect(p.memberSchools).toEqual([
      { schoolId: 'm1', name: '澉浦小学', lessons: 3, flagged: false },
      { schoolId: 'm2', name: '六里小学', lessons: 0, flagged: true },
    ]);
  });

  it('counts school days inside terms, skipping weekends and holidays', () => {
    // 2026-09-28 (Mon) – 2026-10-09 (Fri): two weeks, five days of 国庆节 holiday on weekdays.
    expect(teachingDays(calendar, '2026-09-28', '2026-10-09')).toEqual(['2026-09-28', '2026-09-29', '2026-09-30', '2026-10-08', '2026-10-09']);
    expect(termWeeksLeft(calendar, '2027-07-03', '2027-08-31')).toBe(0);
  });

  it('builds a cumulative monthly trend over the academic year', () => {
    const t = monthlyTrend(facts({ counted: [lesson('2026-09-10'), lesson('2026-09-20'), lesson('2026-11-02')] }), 'sync_lesson');
    expect(t).toHaveLength(12);
    expect(t.slice(0, 3)).toEqual([
      { month: '2026-09', cumulative: 2 },
      { month: '2026-10', cumulative: 2 },
      { month: '2026-11', cumulative: 3 },
    ]);
  });
});
