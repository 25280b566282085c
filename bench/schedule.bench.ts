/**
 * `npm run bench -- schedule`: a province plans its year — 10,000 communities × 40
 * sessions (30 synchronized lessons, 10 online research sessions) — on PGlite and on
 * PostgreSQL. Each community's plan is written in one transaction the way the service
 * writes it (sessions, teachers, classrooms, history; bookings by trigger). Baseline in
 * the same run: the same inserts into a database whose `session_bookings` has no
 * exclusion constraint. Also measured on the full data set: the clash query the
 * calendar form calls while editing, and a refused (double-booked) insert. Both variants
 * are written in lock step (community by community) so the machine's load weighs on both alike.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { BenchContext } from './run.ts';
import { withAdmin, withDatabase } from '../test/support/pgAdmin.ts';
import type { Actor } from '../server/accounts/actor.ts';
import { openDatabase, type Database, type Db } from '../server/db/client.ts';
import { liveSessions, sessionClassrooms, sessionStatusHistory, sessionTeachers } from '../server/db/schema/index.ts';
import { isPgError, PgCode } from '../server/http/errors.ts';
import { findClashes } from '../server/schedule/conflicts.ts';
import { rowsOf } from '../server/schedule/sqlRows.ts';

const ITEMS_PER_COMMUNITY = 40;
const LESSONS_PER_COMMUNITY = 30;
const WEEK = 7 * 86400_000;
const TERM_START = Date.parse('2026-09-07T01:00:00Z'); // a Monday, 09:00 Beijing

interface Community {
  n: number;
  community: string;
  t1: string;
  t2: string;
  t3: string;
  t4: string;
  r1: string;
  r2: string;
  r3: string;
  r4: string;
}

/** A province: counties of 100 communities; each a core and a member school, 4 teachers, 4 classrooms. */
async function seedProvince(db: Db, communities: number): Promise<Community[]> {
  const counties = Math.max(1, Math.ceil(communities / 100));
  await db.execute(sql.raw(`
    create table bench_map as
      select n, gen_random_uuid() as community, gen_random_uuid() as core, gen_random_uuid() as member,
             gen_random_uuid() as t1, gen_random_uuid() as t2, gen_random_uuid() as t3, gen_random_uuid() as t4,
             gen_random_uuid() as r1, gen_random_uuid() as r2, gen_random_uuid() as r3, gen_random_uuid() as r4,
             null::uuid as county
        from generate_series(0, ${communities - 1}) n`));
  await db.execute(sql.raw(`insert into counties (code, name, city, province) select 'bench-' || g, '县' || g, '市', '省' from generate_series(0, ${counties - 1}) g`));
  await db.execute(sql.raw(`update bench_map m set county = c.id from counties c where c.code = 'bench-' || (m.n / 100)`));
  await db.execute(sql.raw(`insert into schools (id, county_id, name, stage, locality) select core, county, '核心校' || n, 'primary', 'urban' from bench_map union all select member, county, '成员校' || n, 'primary', 'rural' from bench_map`));
  await db.execute(sql.raw(`insert into communities (id, county_id, name, type_code) select community, county, '教共体' || n, 'co_built' from bench_map`));
  await db.execute(sql.raw(`insert into community_memberships (community_id, school_id, role, valid_from) select community, core, 'core', date '2026-09-01' from bench_map union all select community, member, 'member', date '2026-09-01' from bench_map`));
  await db.execute(sql.raw(`insert into teachers (id, school_id, name, is_backbone) select t1, core, '甲' || n, true from bench_map union all select t2, core, '乙' || n, false from bench_map union all select t3, core, '丙' || n, true from bench_map union all select t4, member, '丁' || n, false from bench_map`));
  await db.execute(sql.raw(`insert into classrooms (id, school_id, name) select r1, core, '录播教室' from bench_map union all select r2, core, '智慧教室' from bench_map union all select r3, member, '三年级(1)班' from bench_map union all select r4, member, '四年级(2)班' from bench_map`));
  return rowsOf<Community>(db, sql.raw('select n, community, t1, t2, t3, t4, r1, r2, r3, r4 from bench_map order by n'));
}

/** The 40 items of one community's year: weekly, at times that differ between communities. */
function itemsOf(c: Community) {
  return Array.from({ length: ITEMS_PER_COMMUNITY }, (_, i) => {
    const lesson = i < LESSONS_PER_COMMUNITY;
    const startsAt = new Date(TERM_START + (lesson ? i : i - LESSONS_PER_COMMUNITY + 0.5) * WEEK + (c.n % 5) * 86400_000 + (c.n % 7) * 3600_000);
    const endsAt = new Date(startsAt.getTime() + (lesson ? 40 : 90) * 60_000);
    return lesson
      ? { lesson, startsAt, endsAt, host: i % 2 ? c.t1 : c.t2, invited: [] as string[], hostRoom: i % 2 ? c.r1 : c.r2, member: i % 2 ? c.r3 : c.r4 }
      : { lesson, startsAt, endsAt, host: c.t3, invited: [c.t4], hostRoom: null, member: null };
  });
}

/** One community's plan, in one transaction, as the service writes it. */
async function insertCommunity(db: Db, c: Community) {
  const items = itemsOf(c);
  await db.transaction(async (tx) => {
    const rows = await tx
      .insert(liveSessions)
      .values(items.map((it, i) => ({ communityId: c.community, kind: it.lesson ? 'sync_lesson' : 'online_research', title: `第${i + 1}次`, subjectCode: it.lesson ? 'math' : null, mode: it.lesson ? 'interactive' : null, startsAt: it.startsAt, endsAt: it.endsAt })))
      .returning({ id: liveSessions.id });
    await tx.insert(sessionTeachers).values(items.flatMap((it, i) => [{ sessionId: rows[i]!.id, teacherId: it.host, role: 'host' }, ...it.invited.map((teacherId) => ({ sessionId: rows[i]!.id, teacherId, role: 'invited' }))]));
    await tx.insert(sessionClassrooms).values(items.flatMap((it, i) => (it.lesson ? [{ sessionId: rows[i]!.id, classroomId: it.hostRoom!, role: 'host' }, { sessionId: rows[i]!.id, classroomId: it.member!, role: 'member' }] : [])));
    await tx.insert(sessionStatusHistory).values(rows.map((r) => ({ sessionId: r.id, toStatus: 'scheduled', systemSource: 'bench' })));
  });
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 100) / 100;
};

interface Target {
  label: 'with_exclusion' | 'without_exclusion';
  db: Db;
  communities: Community[];
  ms: number;
  perTenth: number[];
  tenthMs: number;
}

/**
 * Both variants in lock step — community i into one, then into the other — so that
 * whatever else the machine does at that moment weighs on both alike.
 */
async function insertInterleaved(ctx: BenchContext, kind: string, targets: Target[], count: number) {
  const tenth = Math.max(1, Math.floor(count / 10));
  let lastLog = performance.now();
  for (let i = 0; i < count; i++) {
    for (const t of i % 2 ? [...targets].reverse() : targets) {
      const t0 = performance.now();
      await insertCommunity(t.db, t.communities[i]!);
      const dt = performance.now() - t0;
      t.ms += dt;
      t.tenthMs += dt;
    }
    if ((i + 1) % tenth === 0) {
      for (const t of targets) {
        t.perTenth.push(Math.round((tenth * ITEMS_PER_COMMUNITY) / (t.tenthMs / 1000)));
        t.tenthMs = 0;
      }
    }
    if (performance.now() - lastLog > 30_000) {
      lastLog = performance.now();
      ctx.log(`${kind}: ${i + 1}/${count} communities; sessions/s by tenth: ${targets.map((t) => `${t.label} ${t.perTenth.join(', ')}`).join(' | ')}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const t of targets) {
    const [counts] = await rowsOf<{ sessions: number; bookings: number }>(t.db, sql.raw('select (select count(*)::int from live_sessions) as sessions, (select count(*)::int from session_bookings) as bookings'));
    const seconds = t.ms / 1000;
    out[t.label] = {
      seconds: Math.round(seconds * 10) / 10,
      sessions: counts!.sessions,
      bookings: counts!.bookings,
      sessionsPerSecond: Math.round(counts!.sessions / seconds),
      bookingsPerSecond: Math.round(counts!.bookings / seconds),
      sessionsPerSecondByTenth: t.perTenth,
    };
  }
  return out;
}

const benchActor: Actor = { accountId: '00000000-0000-0000-0000-000000000000', username: 'bench', displayName: 'bench', role: 'admin', locale: 'en', audit: null, teacherId: null, classroomId: null, schoolId: null, communityIds: [], csrfToken: '', sessionExpiresAt: new Date() };

/** On the full data set: the form's clash query and a double-booking the database refuses. */
async function probe(db: Db, communities: Community[]) {
  const pick = (i: number) => communities[(i * 7919) % communities.length]!;
  const checkMs: number[] = [];
  for (let i = 0; i < 200; i++) {
    const c = pick(i);
    const it = itemsOf(c)[i % ITEMS_PER_COMMUNITY]!;
    const t0 = performance.now();
    const clashes = await findClashes(db, benchActor, [{ startsAt: it.startsAt, endsAt: it.endsAt }], { teacherIds: [it.host], classroomIds: it.hostRoom ? [it.hostRoom, it.member!] : [] });
    checkMs.push(performance.now() - t0);
    if (clashes.length === 0) throw new Error('the clash query missed a clash');
  }
  const refusedMs: number[] = [];
  for (let i = 0; i < 50; i++) {
    const c = pick(i + 1000);
    const t0 = performance.now();
    try {
      await insertCommunity(db, c);
      throw new Error('a double booking was accepted');
    } catch (err) {
      if (!isPgError(err, PgCode.exclusionViolation)) throw err;
    }
    refusedMs.push(performance.now() - t0);
  }
  return { clashQueryMs: { p50: percentile(checkMs, 50), p95: percentile(checkMs, 95) }, refusedPlanMs: { p50: percentile(refusedMs, 50), p95: percentile(refusedMs, 95) } };
}

async function runEngine(ctx: BenchContext, kind: 'pglite' | 'postgres', communityCount: number, open: (name: string) => Promise<{ database: Database; drop: () => Promise<void> }>) {
  const opened: { database: Database; drop: () => Promise<void> }[] = [];
  try {
    const targets: Target[] = [];
    for (const label of ['with_exclusion', 'without_exclusion'] as const) {
      const o = await open(label);
      opened.push(o);
      await o.database.migrate();
      if (label === 'without_exclusion') await o.database.db.execute(sql.raw('alter table session_bookings drop constraint session_bookings_no_overlap'));
      ctx.log(`${kind} ${label}: seeding ${communityCount} communities`);
      targets.push({ label, db: o.database.db, communities: await seedProvince(o.database.db, communityCount), ms: 0, perTenth: [], tenthMs: 0 });
    }
    ctx.log(`${kind}: inserting ${communityCount * ITEMS_PER_COMMUNITY} sessions into each variant, interleaved`);
    const result = await insertInterleaved(ctx, kind, targets, communityCount);
    ctx.log(`${kind}: ${JSON.stringify(result)}`);
    const withEx = targets.find((t) => t.label === 'with_exclusion')!;
    const w = result['with_exclusion'] as { seconds: number };
    const wo = result['without_exclusion'] as { seconds: number };
    return {
      ...result,
      exclusionOverheadPercent: Math.round(((w.seconds - wo.seconds) / wo.seconds) * 1000) / 10,
      onFullDataSet: await probe(withEx.db, withEx.communities),
    };
  } finally {
    for (const o of opened) {
      await o.database.close();
      await o.drop();
    }
  }
}

export default async function scheduleBench(ctx: BenchContext) {
  const communityCount = ctx.quick ? 200 : 10_000;
  const out: Record<string, unknown> = { communities: communityCount, itemsPerCommunity: ITEMS_PER_COMMUNITY, transactionPerCommunity: true };

  out['pglite'] = await runEngine(ctx, 'pglite', communityCount, async () => {
    // In memory: PGlite's files live in JS memory (outside the WASM heap); on a data directory the
    // same run is several times slower once the indexes outgrow PGlite's small buffer cache.
    return { database: await openDatabase({ kind: 'pglite' }), drop: async () => undefined };
  });

  const adminUrl = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = (q: string) => withAdmin(adminUrl, async (c) => void (await c.query(q)));
  try {
    out['postgres'] = await runEngine(ctx, 'postgres', communityCount, async (variant) => {
      const name = `tongbu_bench_${variant}_${randomBytes(4).toString('hex')}`;
      await admin(`create database ${name}`);
      return { database: await openDatabase({ kind: 'postgres', url: withDatabase(adminUrl, name), poolSize: 2 }), drop: () => admin(`drop database if exists ${name} with (force)`) };
    });
  } catch (err) {
    out['postgres'] = { error: `PostgreSQL unavailable at ${adminUrl.replace(/\/\/[^@]*@/, '//')}: ${(err as Error).message}` };
  }
  return out;
}
