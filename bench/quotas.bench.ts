/**
 * `npm run bench -- quotas`: a province's year for the quota tracker — 10,000 communities
 * (100 counties, 10 cities), 40 sessions each (400,000: 30 synchronized lessons, 10 online
 * research; delivered, missed or still to come), attendance evidence for every delivered
 * lesson (a host `publishing` interval and a `receiving` interval per member classroom that
 * took part, and the attendance derived from them), offline research, dispatches,
 * corrections — on PostgreSQL (TEST_DATABASE_URL or the machine's, a database of its own,
 * dropped after) and on PGlite. The data is loaded with triggers off, then the maintained
 * tallies are built from the evidence in one set-based pass (`quota_tally_rebuild()`,
 * timed: it is also what the full recompute cost when it gathered from the evidence).
 *
 * Measured:
 * - full recompute = gather (communities, rule sets, the maintained tallies of every
 *   community: server/quotas/facts.ts `tallies`) + evaluate (the pure rule evaluation of
 *   each community) + store (quota_progress: unchanged rows only confirmed, the rest
 *   upserted), on a warm database:
 *   - first run: quota_progress empty, every row written;
 *   - steady state: nothing changed since the last run;
 *   - a few changed: 20 communities' offline research confirmed between runs (their
 *     tallies refreshed by the triggers at commit, timed too);
 *   - every row changed: "today" moves a day (every forecast moves), and back;
 * - the baseline in the same run: the naive loop — per community, its items read one by
 *   one and judged (the drill-down path) — on a sample, extrapolated to the province;
 * - incremental update: a session ends (evidence, verdict, status change through
 *   scheduling's lifecycle; the tally refreshed at its commit) → NOTIFY → that community
 *   recomputed → progress emitted (the live dashboards' path, server/quotas/live.ts), from
 *   the commit of the evidence to the emit; and a community's tally refresh alone.
 */
import { sql } from 'drizzle-orm';
import type { Server as IoServer } from 'socket.io';
import type { BenchContext } from './run.ts';
import { onEngines } from './engines.ts';
import { exec, seed, SESSIONS, TODAY } from './province.ts';
import type { Database, Db } from '../server/db/client.ts';
import { liveSessionVerdicts } from '../server/db/schema/index.ts';
import { transitionSessionStatus } from '../server/schedule/lifecycle.ts';
import { evaluateCommunityYear } from '../server/quotas/evaluate.ts';
import { communitiesOf, itemFacts, rowsOf, tallyQuery } from '../server/quotas/facts.ts';
import { startQuotaLive } from '../server/quotas/live.ts';
import { computeProgress, recompute, ruleResolver, storeProgress } from '../server/quotas/progress.ts';
import { ruleSetsUpTo } from '../server/quotas/ruleSets.ts';
import { loadYears, pickYear } from '../server/quotas/years.ts';
import { createLogger } from '../server/log.ts';
import { loadConfig } from '../server/config.ts';

/** A school day after TODAY: every forecast (weeks left) moves. */
const NEXT_DAY = '2026-12-16';

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 10) / 10;
  return { n: s.length, p50: q(0.5), p95: q(0.95), min: Math.round(s[0]! * 10) / 10, max: Math.round(s.at(-1)! * 10) / 10 };
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.floor((s.length - 1) / 2)]!) : null;
};

async function measure(ctx: BenchContext, database: Database, n: number) {
  const db = database.db;
  const seeded = await seed(db, n, ctx.log);
  const year = pickYear(await loadYears(db), TODAY);

  // Full recompute = gather + evaluate + store, as server/quotas/live.ts runs it.
  type Run = { kind: string; today: string; gatherMs: number; evaluateMs: number; storeMs: number; totalMs: number; written: number; changeTxMs?: number };
  const runs: Run[] = [];
  const full = async (kind: string, today: string, extra: Partial<Run> = {}) => {
    const t0 = performance.now();
    const { progress, timings } = await computeProgress(db, { all: true }, year, today);
    const t1 = performance.now();
    const changed = await storeProgress(db, progress);
    const t2 = performance.now();
    const run = { kind, today, gatherMs: Math.round(timings.gatherMs), evaluateMs: Math.round(timings.evaluateMs), storeMs: Math.round(t2 - t1), totalMs: Math.round(t2 - t0), written: changed.length, ...extra };
    runs.push(run);
    ctx.log(`full recompute (${kind}): ${progress.length} communities, gather ${run.gatherMs} ms, evaluate ${run.evaluateMs} ms, store ${run.storeMs} ms (${run.written} rows written), total ${run.totalMs} ms`);
  };
  await full('first run', TODAY);
  for (let i = 0; i < 5; i++) await full('steady state', TODAY);
  for (let i = 0; i < 3; i++) {
    // 20 communities change: a planned offline research of each is confirmed (one transaction).
    const c0 = performance.now();
    await exec(
      db,
      `update offline_research o set status = 'confirmed', confirmed_by = '00000000-0000-4000-8000-000000000001', confirmed_at = now()
        where o.id in (select distinct on (r.community_id) r.id from offline_research r join bench_c b on b.community = r.community_id
                        where r.status = 'planned' and b.n % ${Math.max(1, Math.floor(n / 20))} = ${i} order by r.community_id, r.held_on limit 20)`,
    );
    await full('a few changed', TODAY, { changeTxMs: Math.round(performance.now() - c0) });
  }
  await full('every row changed', NEXT_DAY);
  for (let i = 0; i < 2; i++) await full('steady state', NEXT_DAY);
  await full('every row changed', TODAY);
  const of = (kind: string) => runs.filter((r) => r.kind === kind);
  const summary = Object.fromEntries(
    ['first run', 'steady state', 'a few changed', 'every row changed'].map((kind) => [
      kind,
      { totalMs: median(of(kind).map((r) => r.totalMs)), gatherMs: median(of(kind).map((r) => r.gatherMs)), evaluateMs: median(of(kind).map((r) => r.evaluateMs)), storeMs: median(of(kind).map((r) => r.storeMs)), runs: of(kind).length },
    ]),
  );
  const statusCounts = await rowsOf<{ status: string; n: number }>(db, sql.raw(`select status, count(*)::int as n from quota_progress group by 1 order by 1`));

  // The statement the full recompute reads the facts with, as tallies() runs it (warm, no parallel workers).
  const plan = await db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('max_parallel_workers_per_gather', '0', true)`);
    return (await rowsOf<{ 'QUERY PLAN': string }>(tx as unknown as Db, sql`explain (analyze, buffers) ${tallyQuery({ all: true }, year, TODAY)}`)).map((r) => r['QUERY PLAN']);
  });
  ctx.log(`tally read: ${plan.at(-1)}`);

  // Baseline: the naive per-community loop (item rows of each community, judged one by one), on a sample.
  const sampleSize = Math.min(n, ctx.quick ? 100 : 300);
  const all = await communitiesOf(db, { all: true });
  const sample = all.filter((_, i) => i % Math.floor(all.length / sampleSize) === 0).slice(0, sampleSize);
  const rulesFor = ruleResolver(await ruleSetsUpTo(db, year.label), year.label);
  let t0 = performance.now();
  for (const ci of sample) evaluateCommunityYear(rulesFor(ci).rules, (await itemFacts(db, ci, year, TODAY)).facts);
  const naiveSampleMs = performance.now() - t0;
  t0 = performance.now();
  await computeProgress(db, { ids: sample.map((c) => c.id) }, year, TODAY);
  const setSampleMs = performance.now() - t0;
  ctx.log(`naive loop over ${sampleSize}: ${Math.round(naiveSampleMs)} ms (→ ${Math.round((naiveSampleMs / sampleSize) * n)} ms for ${n}); computeProgress over the same: ${Math.round(setSampleMs)} ms`);

  // Incremental: a session ends → NOTIFY → that community recomputed and emitted (the live path).
  const emitted = new Map<string, number>();
  const io = { to: () => ({ emit: (_e: string, m: { progress: { communityId: string } }) => emitted.set(m.progress.communityId, performance.now()) }) } as unknown as IoServer;
  const log = createLogger(loadConfig({ LOG_LEVEL: 'silent' }));
  const live = startQuotaLive({ db, io, log, today: () => TODAY, recomputeMinutes: 0 });
  await new Promise((r) => setTimeout(r, 200));
  await live.idle();
  const candidates = await rowsOf<{ id: string; community: string }>(
    db,
    sql.raw(`select distinct on (s.community) s.id, s.community from bench_s s join live_sessions l on l.id = s.id
              where l.status = 'scheduled' and s.lesson and s.n % ${Math.max(1, Math.floor(n / 60))} = 0 order by s.community, s.starts_at limit 60`),
  );
  const endToEnd: number[] = [];
  const recomputeOnly: number[] = [];
  for (const c of candidates) {
    emitted.delete(c.community);
    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into live_evidence_intervals (session_id, recorder_id, kind, role, account_id, classroom_id, peer_id, source, from_peer_id, from_account_id, from_role, media_id, started_at, ended_at, end_reason)
        select ${c.id}::uuid, '00000000-0000-4000-8000-000000000002', 'receiving', 'classroom', '00000000-0000-4000-8000-000000000001', sc.classroom_id, 'room', 'camera', 'host', '00000000-0000-4000-8000-000000000001', 'host', 'inc-' || sc.classroom_id, now() - interval '40 minutes', now(), 'session_ended'
          from session_classrooms sc where sc.session_id = ${c.id}::uuid and sc.role = 'member'`);
      await tx.insert(liveSessionVerdicts).values({ sessionId: c.id, status: 'delivered', outcomes: [], rules: [], endedAt: new Date(), endCause: 'host' });
    });
    const committed = performance.now();
    await transitionSessionStatus(db, c.id, 'delivered', { system: 'live:evidence' });
    const deadline = Date.now() + 5000;
    while (!emitted.has(c.community) && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    if (emitted.has(c.community)) endToEnd.push(emitted.get(c.community)! - committed);
    await live.idle();
    const r0 = performance.now();
    await recompute(db, { ids: [c.community] }, year, TODAY);
    recomputeOnly.push(performance.now() - r0);
  }
  await live.stop();
  ctx.log(`incremental: status change → emit ${JSON.stringify(stats(endToEnd))} ms; recompute of one community ${JSON.stringify(stats(recomputeOnly))} ms`);
  // What the triggers add to a writing transaction: one community's tally recomputed from its evidence.
  const refresh: number[] = [];
  for (const c of candidates) {
    const r0 = performance.now();
    await db.execute(sql`select quota_tally_refresh(${c.community}::uuid)`);
    refresh.push(performance.now() - r0);
  }
  ctx.log(`tally refresh of one community ${JSON.stringify(stats(refresh))} ms`);

  const steady = summary['steady state']!.totalMs!;
  return {
    seed: seeded,
    tallyRead: { executionTime: plan.at(-1), plan },
    fullRecompute: { summary, runs },
    statuses: Object.fromEntries(statusCounts.map((s) => [s.status, s.n])),
    baselineNaiveLoop: {
      sampleCommunities: sampleSize,
      sampleMs: Math.round(naiveSampleMs),
      extrapolatedMs: Math.round((naiveSampleMs / sampleSize) * n),
      setBasedSameSampleMs: Math.round(setSampleMs),
      speedupOnSample: Math.round((naiveSampleMs / setSampleMs) * 10) / 10,
      speedupExtrapolatedVsSteadyState: Math.round((((naiveSampleMs / sampleSize) * n) / steady) * 10) / 10,
    },
    incremental: { commitToEmitMs: stats(endToEnd), recomputeOneCommunityMs: stats(recomputeOnly), tallyRefreshOneCommunityMs: stats(refresh) },
  };
}

export default async function quotasBench(ctx: BenchContext) {
  const n = ctx.quick ? 500 : Number(process.env['QUOTA_BENCH_COMMUNITIES'] ?? 10_000);
  const out: Record<string, unknown> = { communities: n, sessions: n * SESSIONS, today: TODAY };

  const pgliteN = ctx.quick ? n : Number(process.env['QUOTA_BENCH_PGLITE_COMMUNITIES'] ?? n);
  Object.assign(
    out,
    await onEngines(ctx, 'quotas', async (database, engine) => (engine === 'pglite' ? { communities: pgliteN, ...(await measure(ctx, database, pgliteN)) } : measure(ctx, database, n))),
  );
  return out;
}
