/**
 * The benchmarks' province (quotas, planner): 10,000 communities (100 counties, 10 cities), each a
 * core school and three member schools (the third joins in spring for one in ten), two core
 * teachers (the second a backbone teacher) and a classroom per school, 40 sessions of the year
 * (30 synchronized lessons, 10 online research; delivered, missed or still to come) with their
 * attendance evidence, offline research, dispatches and corrections. Loaded set-based with the
 * triggers off; `seed` then builds the maintained quota tallies in one pass.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../server/db/client.ts';
import { rowsOf } from '../server/quotas/facts.ts';

export const TODAY = '2026-12-15';
export const SESSIONS = 40;

export const exec = (db: Db, q: string) => db.execute(sql.raw(q));

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

/**
 * What the year planner reads beyond the quota tracker's data: the bookings of every session
 * (the triggers were off while loading; built here as they would have been — the seed's host
 * teacher has an online research at the time of a lesson now and then, which the exclusion
 * constraint would have refused: that time stays booked once), the subjects the
 * core teachers teach (the first math and music, the second math and Chinese), a teacher in
 * each member school, and join terminals in the classrooms — except the member schools of one
 * community in 50 (`n % 50 = 49`), which have none, so that their lessons cannot be planned —
 * and the next academic year (2027-2028, its terms and holiday), where nothing is planned yet.
 */
export async function seedPlannerResources(db: Db, log: (m: string) => void) {
  const t0 = performance.now();
  await exec(db, `set session_replication_role = replica`);
  await exec(db, `insert into session_bookings (session_id, resource_kind, resource_id, during, active)
    select s.id, 'teacher', t.teacher_id, tstzrange(s.starts_at, s.ends_at, '[)'), s.status <> 'cancelled' from session_teachers t join live_sessions s on s.id = t.session_id
    union all
    select s.id, 'classroom', c.classroom_id, tstzrange(s.starts_at, s.ends_at, '[)'), s.status <> 'cancelled' from session_classrooms c join live_sessions s on s.id = c.session_id
    on conflict do nothing`);
  await exec(db, `insert into teacher_subjects (teacher_id, subject_code)
    select t1, 'math' from bench_c union all select t1, 'music' from bench_c union all select t2, 'math' from bench_c union all select t2, 'chinese' from bench_c`);
  await exec(db, `insert into teachers (school_id, name) select m1, '成员甲教师' || n from bench_c union all select m2, '成员乙教师' || n from bench_c union all select m3, '成员丙教师' || n from bench_c`);
  await exec(db, `update classrooms c set has_join_terminal = true from bench_c b where c.id = b.room or (b.n % 50 <> 49 and c.id in (b.r1, b.r2, b.r3))`);
  // The next academic year, nothing planned in it yet: the planner plans it whole.
  await exec(db, `insert into academic_years (label, starts_on, ends_on) values ('2027-2028', '2027-09-01', '2028-08-31')`);
  await exec(db, `insert into academic_terms (year_id, name, starts_on, ends_on) select id, '秋季学期', date '2027-09-01', date '2028-01-21' from academic_years where label = '2027-2028'
    union all select id, '春季学期', date '2028-02-21', date '2028-07-01' from academic_years where label = '2027-2028'`);
  await exec(db, `insert into holidays (year_id, name, starts_on, ends_on) select id, '国庆节', '2027-10-01', '2027-10-07' from academic_years where label = '2027-2028'`);
  await exec(db, `set session_replication_role = origin`);
  await exec(db, `analyze`);
  const [counts] = await rowsOf<Record<string, number>>(db, sql.raw(`select (select count(*)::int from session_bookings) as bookings, (select count(*)::int from teachers) as teachers`));
  log(`planner resources in ${Math.round(performance.now() - t0)} ms: ${JSON.stringify(counts)}`);
  return { ms: Math.round(performance.now() - t0), rows: counts! };
}
