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

const TODAY = '2026-12-15';
/** A school day after TODAY: every forecast (weeks left) moves. */
const NEXT_DAY = '2026-12-16';
const SESSIONS = 40;

const exec = (db: Db, q: string) => db.execute(sql.raw(q));

/** The province, set-based; triggers off while loading (session_replication_role = replica). */
export async function seed(db: Db, n: number, log: (m: string) => void) {
  const t0 = performance.now();
  await exec(db, `set session_replication_role = replica`);
  await exec(db, `insert into academic_years (label, starts_on, ends_on) values ('2026-2027', '2026-09-01', '2027-08-31')`);
  await exec(db, `insert into academic_terms (year_id, name, starts_on, ends_on) select id, '秋季学期', date '2026-09-01', date '2027-01-22' from academic_years union all select id, '春季学期', date '2027-02-22', date '2027-07-02' from academic_years`);
  await exec(db, `insert into holidays (year_id, name, starts_on, ends_on) select id, '国庆节', '2026-10-01', '2026-10-07' from academic_years`);
  await exec(db, `create table bench_c as
    select n, gen_random_uuid() as community, gen_random_uuid() as core, gen_random_uuid() as m1, gen_random_uuid() as m2, gen_random_uuid() as m3,
           gen_random_uuid() as t1, gen_random_uuid() as t2, gen_random_uuid() as room, gen_random_uuid() as r1, gen_random_uuid() as r2, gen_random_uuid() as r3,
           null::uuid as county
      from generate_series(0, ${n - 1}) n`);
  await exec(db, `insert into counties (code, name, city, province) select 'bench-' || g, '县' || g, '市' || (g / 10), '浙江省' from generate_series(0, ${Math.ceil(n / 100) - 1}) g`);
  await exec(db, `update bench_c b set county = c.id from counties c where c.code = 'bench-' || (b.n / 100)`);
  await exec(db, `insert into schools (id, county_id, name, stage, locality)
    select core, county, '核心校' || n, 'primary', 'urban' from bench_c union all select m1, county, '成员甲' || n, 'primary', 'rural' from bench_c
    union all select m2, county, '成员乙' || n, 'primary', 'rural' from bench_c union all select m3, county, '成员丙' || n, 'primary', 'rural' from bench_c`);
  await exec(db, `insert into communities (id, county_id, name, type_code) select community, county, '教共体' || n, case when n % 5 = 0 then 'integrated' else 'co_built' end from bench_c`);
  // The third member school joins in spring for one community in ten.
  await exec(db, `insert into community_memberships (community_id, school_id, role, valid_from)
    select community, core, 'core', date '2026-09-01' from bench_c union all select community, m1, 'member', date '2026-09-01' from bench_c
    union all select community, m2, 'member', date '2026-09-01' from bench_c
    union all select community, m3, 'member', case when n % 10 = 0 then date '2027-03-01' else date '2026-09-01' end from bench_c`);
  await exec(db, `insert into teachers (id, school_id, name, is_backbone) select t1, core, '甲' || n, false from bench_c union all select t2, core, '乙' || n, true from bench_c`);
  await exec(db, `insert into classrooms (id, school_id, name) select room, core, '录播教室' from bench_c union all select r1, m1, '三年级(1)班' from bench_c
    union all select r2, m2, '四年级(2)班' from bench_c union all select r3, m3, '五年级(1)班' from bench_c`);
  await exec(db, `insert into accounts (id, username, display_name, password_hash, role) values ('00000000-0000-4000-8000-000000000001', 'bench.host', '主讲', 'x', 'admin')`);
  await exec(db, `insert into live_recorders (id, host, pid) values ('00000000-0000-4000-8000-000000000002', 'bench', 1)`);
  log(`schools, communities, memberships: ${Math.round(performance.now() - t0)} ms`);

  // 40 sessions per community: lessons i < 30 (every 5th in music), research i >= 30; weekly from 7 September,
  // at an hour that differs by community; before TODAY delivered (one in ten missed), after it scheduled.
  await exec(db, `create table bench_s as
    select gen_random_uuid() as id, b.n, b.community, i, i < 30 as lesson,
           timestamptz '2026-09-07 01:00:00+00' + (case when i < 30 then i else (i - 30) * 3 + 1 end) * interval '7 days' + (b.n % 5) * interval '1 day' + (b.n % 7) * interval '1 hour' as starts_at,
           b.room, b.r1, b.r2, b.r3, b.t1
      from bench_c b cross join generate_series(0, ${SESSIONS - 1}) i`);
  await exec(db, `insert into live_sessions (id, community_id, kind, title, subject_code, mode, starts_at, ends_at, status, status_reason)
    select id, community, case when lesson then 'sync_lesson' else 'online_research' end, '第' || i || '次',
           case when lesson then case when i % 5 = 4 then 'music' else 'math' end end, case when lesson then 'interactive' end,
           starts_at, starts_at + interval '40 minutes',
           case when starts_at >= timestamptz '${TODAY} 00:00:00+08' then 'scheduled' when (n + i) % 10 = 3 then 'missed' else 'delivered' end,
           case when starts_at < timestamptz '${TODAY} 00:00:00+08' and (n + i) % 10 = 3 then 'E-TEACHER-PUBLISHED' end
      from bench_s`);
  await exec(db, `insert into session_teachers (session_id, teacher_id, role) select id, t1, 'host' from bench_s`);
  await exec(db, `insert into session_classrooms (session_id, classroom_id, role)
    select id, room, 'host' from bench_s where lesson union all select id, r1, 'member' from bench_s where lesson
    union all select id, r2, 'member' from bench_s where lesson and i % 2 = 0`);
  log(`sessions: ${Math.round(performance.now() - t0)} ms`);
  // Evidence of delivered lessons: the host publishing, each member classroom that took part receiving (r2 misses one in four).
  await exec(db, `insert into live_evidence_intervals (session_id, recorder_id, kind, role, account_id, peer_id, source, media_id, started_at, ended_at, end_reason)
    select s.id, '00000000-0000-4000-8000-000000000002', 'publishing', 'host', '00000000-0000-4000-8000-000000000001', 'host', 'camera', 'p' || s.n || '-' || s.i, s.starts_at, s.starts_at + interval '40 minutes', 'session_ended'
      from bench_s s join live_sessions l on l.id = s.id where l.status = 'delivered' and s.lesson`);
  await exec(db, `insert into live_evidence_intervals (session_id, recorder_id, kind, role, account_id, classroom_id, peer_id, source, from_peer_id, from_account_id, from_role, media_id, started_at, ended_at, end_reason)
    select s.id, '00000000-0000-4000-8000-000000000002', 'receiving', 'classroom', '00000000-0000-4000-8000-000000000001', x.classroom, 'room', 'camera', 'host', '00000000-0000-4000-8000-000000000001', 'host',
           'c' || s.n || '-' || s.i || '-' || x.k, s.starts_at, s.starts_at + interval '40 minutes', 'session_ended'
      from bench_s s join live_sessions l on l.id = s.id
      cross join lateral (values (1, s.r1), (2, case when s.i % 2 = 0 and (s.n + s.i) % 4 <> 1 then s.r2 end)) x(k, classroom)
     where l.status = 'delivered' and s.lesson and x.classroom is not null`);
  // The attendance the verdict trigger derives, derived the same way in one statement.
  await exec(db, `insert into quota_lesson_attendance (session_id, classroom_id, school_id, intervals)
    select i.session_id, i.classroom_id, c.school_id, count(*) from live_evidence_intervals i join classrooms c on c.id = i.classroom_id
     where i.kind = 'receiving' and i.from_role = 'host' group by 1, 2, 3`);
  log(`evidence: ${Math.round(performance.now() - t0)} ms`);
  await exec(db, `insert into offline_research (community_id, title, held_on, place, host_school_id, minutes, status, confirmed_by, confirmed_at)
    select b.community, '线下教研' || k, date '2026-09-20' + k * 45, '核心校', b.core, '纪要',
           case when date '2026-09-20' + k * 45 < date '${TODAY}' then 'confirmed' else 'planned' end,
           case when date '2026-09-20' + k * 45 < date '${TODAY}' then '00000000-0000-4000-8000-000000000001'::uuid end,
           case when date '2026-09-20' + k * 45 < date '${TODAY}' then now() end
      from bench_c b cross join generate_series(0, 4) k`);
  await exec(db, `insert into teacher_dispatches (community_id, teacher_id, school_id, starts_on, ends_on)
    select community, t2, m1, date '2026-09-01', date '2026-11-30' from bench_c where n % 5 <> 0
    union all select community, t2, m2, date '2027-02-22', date '2027-06-30' from bench_c where n % 5 <> 0 and n % 2 = 0`);
  await exec(db, `insert into quota_corrections (id, community_id, kind, title, held_on, reason) select gen_random_uuid(), community, 'online_research', '补录', date '2026-10-20', '其他平台开展' from bench_c where n % 10 = 7`);
  await exec(db, `insert into quota_correction_attachments (correction_id, file_name, content_type, size_bytes, sha256, storage_key) select id, 'a.png', 'image/png', 100, 'x', id::text from quota_corrections`);
  await exec(db, `set session_replication_role = origin`);
  await exec(db, `analyze`);
  // Loaded with triggers off: the maintained tallies are built from the evidence in one pass.
  const r0 = performance.now();
  await exec(db, `select quota_tally_rebuild()`);
  const tallyRebuildMs = Math.round(performance.now() - r0);
  await exec(db, `analyze quota_tallies`);
  log(`tallies rebuilt from the evidence in ${tallyRebuildMs} ms`);
  const [counts] = await rowsOf<Record<string, number>>(
    db,
    sql.raw(`select (select count(*)::int from live_sessions) as sessions, (select count(*)::int from live_evidence_intervals) as intervals,
      (select count(*)::int from quota_lesson_attendance) as attendance, (select count(*)::int from offline_research) as offline,
      (select count(*)::int from teacher_dispatches) as dispatches, (select count(*)::int from community_memberships) as memberships`),
  );
  log(`seeded in ${Math.round(performance.now() - t0)} ms: ${JSON.stringify(counts)}`);
  return { seedMs: Math.round(performance.now() - t0), tallyRebuildMs, rows: counts! };
}

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
