/**
 * `npm run bench -- plannerCore`: the year planner's core on a large community: one core school of 40 teachers and 10 member
 * schools with 3 join-terminal classrooms each, a whole academic year to plan (every Jiaxing
 * rule from zero, a miss rate of 15 %), with its teachers and classrooms already holding
 * N existing bookings (another community's lessons). Baseline in the same run: the quota
 * tracker's own evaluation of the same tally (`evaluateTally`), which the planner runs twice
 * for its forecast. Figures: the median of repeated runs, in milliseconds. The province-scale
 * propose path (database included) is `bench/planner.bench.ts`.
 */
import { performance } from 'node:perf_hooks';
import type { CommunityYearTally } from '../shared/quotas/facts.ts';
import { jiaxingDefaultRules, QuotaRule } from '../shared/quotas/rules.ts';
import { PlanPreferences } from '../shared/schemas/planner.ts';
import { evaluateTally } from '../server/quotas/evaluate.ts';
import { planYear, type Busy, type PlannerInput, type PlannerSchool } from '../server/planner/plan.ts';
import type { Bench } from './run.ts';

const rules = jiaxingDefaultRules.map((r) => QuotaRule.parse(r));
const calendar = {
  terms: [
    { name: '秋季学期', startsOn: '2026-09-01', endsOn: '2027-01-22' },
    { name: '春季学期', startsOn: '2027-02-22', endsOn: '2027-07-02' },
  ],
  holidays: [{ name: '国庆节', startsOn: '2026-10-01', endsOn: '2026-10-07' }],
};
const SUBJECTS = ['math', 'chinese', 'english', 'music', 'art', 'science', 'pe', 'it'];

function community(bookings: number): PlannerInput {
  const schools: PlannerSchool[] = [{ id: 'core', name: '核心校', role: 'core', from: '2026-09-01', to: null }];
  const teachers = Array.from({ length: 40 }, (_, i) => ({ id: `t${i}`, name: `教师${i}`, schoolId: 'core', subjects: [SUBJECTS[i % SUBJECTS.length]!], backbone: i < 6 }));
  const rooms = [{ id: 'studio', name: '录播教室', schoolId: 'core', hasJoinTerminal: true }];
  for (let m = 0; m < 10; m++) {
    schools.push({ id: `m${m}`, name: `成员校${m}`, role: 'member', from: '2026-09-01', to: null });
    teachers.push({ id: `mt${m}`, name: `成员校教师${m}`, schoolId: `m${m}`, subjects: ['math'], backbone: false });
    for (let r = 0; r < 3; r++) rooms.push({ id: `m${m}r${r}`, name: `教室${r}`, schoolId: `m${m}`, hasJoinTerminal: true });
  }
  // Existing bookings: spread over the year's Tuesday and Thursday afternoons, on the core teachers and the studio.
  const busy: Busy[] = [];
  const start = Date.parse('2026-09-01T14:00:00+08:00');
  for (let i = 0; i < bookings; i++) {
    const day = start + Math.floor(i / 4) * 86_400_000 * 2;
    busy.push({ kind: i % 5 === 0 ? 'classroom' : 'teacher', id: i % 5 === 0 ? 'studio' : `t${i % 40}`, start: day, end: day + 40 * 60_000 });
  }
  const tally: CommunityYearTally = {
    communityId: 'c', typeCode: 'co_built', requiresDispatch: true, period: { startsOn: '2026-09-01', endsOn: '2027-08-31' }, today: '2026-09-01', calendar,
    counted: [], planned: [], members: schools.filter((s) => s.role === 'member').map((s) => ({ schoolId: s.id, name: s.name, from: '2026-09-01', to: '2027-08-31', lessons: 0, covered: false, plannedCovered: false })),
  };
  return { now: Date.parse('2026-09-01T08:00:00+08:00'), today: '2026-09-01', timeZone: 'Asia/Shanghai', tally, rules, missRate: 0.15, schools, teachers, rooms, busy, dispatches: [], prefs: PlanPreferences.parse({}) };
}

function median(fn: () => void, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]! * 100) / 100;
}

const bench: Bench = async (ctx) => {
  const runs = ctx.quick ? 5 : 30;
  const result: Record<string, unknown> = { runs };
  for (const n of ctx.quick ? [0, 1000] : [0, 1000, 5000]) {
    const input = community(n);
    const plan = planYear(input);
    result[`bookings_${n}`] = {
      planYearMs: median(() => planYear(input), runs),
      baselineEvaluateTallyMs: median(() => evaluateTally(rules, input.tally), runs),
      items: plan.items.length,
      shortfalls: plan.shortfalls.length,
    };
    ctx.log(`${n} bookings: ${JSON.stringify(result[`bookings_${n}`])}`);
  }
  return result;
};
export default bench;
