/**
 * `npm run bench -- planner`: the year planner at province scale — the quota benchmark's province
 * (bench/province.ts: 10,000 communities, 400,000 sessions with their bookings) planned for the
 * rest of the year, community by community, on PostgreSQL and PGlite. Per community, the full
 * propose path as the endpoint runs it (`propose`: access check, saved preferences, the inputs
 * loaded from the database — tally, rules, schools, teachers, classrooms, every booking of them,
 * dispatches, miss rate — then `planYear` and its forecast), timed; then the inputs loaded again
 * and the pure core timed alone, and the baseline on the same inputs: the naive greedy plan
 * (bench/naivePlan.ts). Judged per community: every applicable rule `met`/`on_track` by the
 * forecast (the quota page's judgement if accepted), and met with the miss-rate margin; for the
 * rest, the shortfall reasons, split into what no plan could meet (no join terminal, no member
 * teacher, no backbone teacher, too few subjects taught, no teaching weeks) and the planner's own
 * shortfalls. Communities in a random order (fixed seed); a sample when
 * PLANNER_BENCH_SAMPLE / PLANNER_BENCH_PGLITE_SAMPLE is below the province's size.
 */
import { sql } from 'drizzle-orm';
import type { BenchContext } from './run.ts';
import { onEngines } from './engines.ts';
import { naivePlan } from './naivePlan.ts';
import { seed, seedPlannerResources, TODAY } from './province.ts';
import type { Actor } from '../server/accounts/actor.ts';
import type { Database } from '../server/db/client.ts';
import { rowsOf } from '../server/quotas/facts.ts';
import { planYear } from '../server/planner/plan.ts';
import { loadInput, propose, type PlannerContext } from '../server/planner/service.ts';
import { PlanPreferences, type PlanShortfall } from '../shared/schemas/planner.ts';

const NOW = new Date(`${TODAY}T08:00:00+08:00`);
/** Shortfalls no plan can overcome with the community's people, rooms and calendar. */
const IMPOSSIBLE = new Set<PlanShortfall['code']>(['no_join_terminal', 'no_member_teacher', 'no_backbone', 'not_enough_subjects', 'no_teaching_weeks']);
const WARM_UP = 20;
/** The rest of the quota benchmark's year (its sessions, delivered, missed and to come), and the next year planned whole. */
const SCENARIOS = [
  { name: 'restOfYear', academicYear: undefined },
  { name: 'nextYearWhole', academicYear: '2027-2028' },
] as const;
/** Count rules, where the margin for misses applies (PL-MARGIN-MISS-RATE). */
const MARGIN_METRICS = new Set(['sync_lessons', 'online_research', 'offline_research']);

class Tally {
  proposeMs: number[] = [];
  loadMs: number[] = [];
  planMs: number[] = [];
  naiveMs: number[] = [];
  reasons = new Map<string, number>();
  rulesShort = new Map<string, number>();
  rulesShortBefore = new Map<string, number>();
  items = 0;
  naiveItems = 0;
  before = 0;
  onTrack = 0;
  withMargin = 0;
  impossible = 0;
  shortThoughPossible = 0;
  naiveOnTrack = 0;
  naiveWithMargin = 0;
}

const admin: Actor = {
  accountId: '00000000-0000-4000-8000-000000000001', username: 'bench.host', displayName: '主讲', role: 'admin', locale: 'zh-CN',
  audit: null, teacherId: null, classroomId: null, schoolId: null, communityIds: [], csrfToken: 'x', sessionExpiresAt: new Date('2100-01-01'),
};

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 10) / 10;
  return { n: s.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: Math.round(s.at(-1)! * 10) / 10, mean: Math.round((s.reduce((a, b) => a + b, 0) / s.length) * 10) / 10 };
};

/** A deterministic shuffle (mulberry32), so a sample is the same communities on both engines. */
function shuffled<T>(xs: readonly T[], seed0: number): T[] {
  let a = seed0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const onTrack = (s: string) => s === 'met' || s === 'on_track';

async function measure(ctx: BenchContext, database: Database, n: number, sampleSize: number) {
  const db = database.db;
  const seeded = await seed(db, n, ctx.log);
  const resources = await seedPlannerResources(db, ctx.log);
  const pctx: PlannerContext = { db, today: () => TODAY, now: () => NOW };
  const all = (await rowsOf<{ community: string }>(db, sql.raw(`select community from bench_c order by n`))).map((r) => r.community);
  const order = shuffled(all, 42);
  const sample = order.slice(0, Math.min(sampleSize, all.length));
  // Warm-up (connections, plan caches, JIT), not counted.
  for (const id of order.slice(-WARM_UP)) for (const { academicYear } of SCENARIOS) await propose(pctx, admin, id, academicYear ? { academicYear } : {});

  const scenarios = SCENARIOS.map((sc) => ({ ...sc, t: new Tally() }));
  const started = performance.now();
  for (const [k, id] of sample.entries()) {
    for (const { academicYear, t } of scenarios) {
      const body = academicYear ? { academicYear } : {};
      const t0 = performance.now();
      const proposal = await propose(pctx, admin, id, body);
      t.proposeMs.push(performance.now() - t0);
      const applicable = proposal.forecast.filter((f) => f.status !== 'not_applicable');
      if (applicable.every((f) => onTrack(f.statusNow))) t.before++;
      for (const f of applicable) if (!onTrack(f.statusNow)) count(t.rulesShortBefore, `${f.metric}:${f.statusNow}`);
      t.items += proposal.items.length;
      if (applicable.every((f) => f.metWithMargin)) t.withMargin++;
      if (applicable.every((f) => onTrack(f.status))) t.onTrack++;
      else {
        const failing = applicable.filter((f) => !onTrack(f.status));
        const why = proposal.shortfalls.filter((s) => failing.some((f) => f.ruleId === s.ruleId));
        for (const f of failing) count(t.rulesShort, f.metric);
        for (const s of why) count(t.reasons, s.code);
        if (why.some((s) => IMPOSSIBLE.has(s.code))) t.impossible++;
        else t.shortThoughPossible++;
      }

      const l0 = performance.now();
      const { input } = await loadInput(pctx, id, academicYear, PlanPreferences.parse({}));
      const l1 = performance.now();
      planYear(input);
      const l2 = performance.now();
      const naive = naivePlan(input);
      const l3 = performance.now();
      t.loadMs.push(l1 - l0);
      t.planMs.push(l2 - l1);
      t.naiveMs.push(l3 - l2);
      t.naiveItems += naive.items;
      const naiveApplicable = naive.rules.map((r, i) => ({ r, rule: input.rules[i]! })).filter((x) => x.r.status !== 'not_applicable');
      if (naiveApplicable.every((x) => onTrack(x.r.status))) t.naiveOnTrack++;
      if (naiveApplicable.every((x) => !MARGIN_METRICS.has(x.rule.metric) ? onTrack(x.r.status) : x.r.counted + x.r.planned * (1 - input.missRate) >= x.r.required - 1e-9)) t.naiveWithMargin++;
    }
    if ((k + 1) % Math.max(1, Math.floor(sample.length / 10)) === 0) {
      ctx.log(`${k + 1}/${sample.length} (${Math.round((performance.now() - started) / 1000)} s): ${scenarios.map((sc) => `${sc.name}: propose ${JSON.stringify(stats(sc.t.proposeMs))} ms, on track planner ${sc.t.onTrack} naive ${sc.t.naiveOnTrack}`).join('; ')}`);
    }
  }
  const m = sample.length;
  const share = (x: number) => ({ count: x, percent: Math.round((x / m) * 1000) / 10 });
  const out = {
    communities: n,
    sampled: m,
    warmUp: WARM_UP,
    seed: seeded,
    plannerResources: resources,
    loopSeconds: Math.round((performance.now() - started) / 1000),
    ...Object.fromEntries(
      scenarios.map(({ name, t }) => [
        name,
        {
          proposeMs: stats(t.proposeMs),
          loadInputMs: stats(t.loadMs),
          planYearMs: stats(t.planMs),
          naivePlanMs: stats(t.naiveMs),
          itemsPerCommunity: Math.round((t.items / m) * 10) / 10,
          naiveItemsPerCommunity: Math.round((t.naiveItems / m) * 10) / 10,
          onTrackBeforePlanning: share(t.before),
          rulesShortBeforePlanning: Object.fromEntries(t.rulesShortBefore),
          planner: {
            onTrack: share(t.onTrack),
            metWithMargin: share(t.withMargin),
            provablyImpossible: t.impossible,
            shortThoughPossible: t.shortThoughPossible,
            everyMeetableCommunityOnTrack: `${t.onTrack} of ${m - t.impossible}`,
            shortfallReasons: Object.fromEntries(t.reasons),
            rulesShort: Object.fromEntries(t.rulesShort),
          },
          baselineNaive: { onTrack: share(t.naiveOnTrack), metWithMargin: share(t.naiveWithMargin) },
        },
      ]),
    ),
  };
  ctx.log(JSON.stringify(out));
  return out;
}

export default async function plannerBench(ctx: BenchContext) {
  const n = ctx.quick ? 500 : Number(process.env['PLANNER_BENCH_COMMUNITIES'] ?? 10_000);
  const pgSample = ctx.quick ? 200 : Number(process.env['PLANNER_BENCH_SAMPLE'] ?? n);
  const pgliteSample = ctx.quick ? 100 : Number(process.env['PLANNER_BENCH_PGLITE_SAMPLE'] ?? 1000);
  return { communities: n, today: TODAY, now: NOW.toISOString(), ...(await onEngines(ctx, 'plannerbench', (database, engine) => measure(ctx, database, n, engine === 'pglite' ? pgliteSample : pgSample))) };
}
