/**
 * The morning bell's lessons: each a community of its own in the demo county (a core school
 * and three member schools), its teacher and four classrooms, a teacher account and three
 * classroom-terminal accounts (the demo password), and one synchronized lesson that may go live
 * now. Loaded set-based with the triggers off, as bench/province.ts loads its province; the
 * maintained quota tallies are rebuilt after, so ending the lessons judges them as in service.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../server/db/client.ts';
import { rowsOf } from '../server/quotas/facts.ts';

export interface BellLesson {
  readonly sessionId: string;
  readonly teacher: string;
  readonly classrooms: readonly [string, string, string];
}

const exec = (db: Db, q: string) => db.execute(sql.raw(q));

/** `count` new lessons, startable now (the teacher may go live early) and lasting an hour. */
export async function seedBellLessons(db: Db, count: number): Promise<BellLesson[]> {
  const run = randomBytes(3).toString('hex');
  const [demo] = await rowsOf<{ county: string; hash: string }>(
    db,
    sql.raw(`select s.county_id::text as county, a.password_hash as hash from accounts a join classrooms c on c.id = a.classroom_id join schools s on s.id = c.school_id where a.username = 'class.ganpu'`),
  );
  if (!demo?.county || !demo.hash) throw new Error('the bell needs the demo county (SEED_DEMO=1)');
  const hash = demo.hash.replace(/'/g, "''");
  await exec(db, `set session_replication_role = replica`);
  try {
    await exec(db, `create temporary table bell_l as
      select n, gen_random_uuid() as community, gen_random_uuid() as core, gen_random_uuid() as m1, gen_random_uuid() as m2, gen_random_uuid() as m3,
             gen_random_uuid() as teacher, gen_random_uuid() as room, gen_random_uuid() as r1, gen_random_uuid() as r2, gen_random_uuid() as r3,
             gen_random_uuid() as session
        from generate_series(0, ${count - 1}) n`);
    const county = `'${demo.county}'::uuid`;
    await exec(db, `insert into schools (id, county_id, name, stage, locality)
      select core, ${county}, '早铃核心校${run}-' || n, 'primary', 'urban' from bell_l union all select m1, ${county}, '早铃成员甲${run}-' || n, 'primary', 'rural' from bell_l
      union all select m2, ${county}, '早铃成员乙${run}-' || n, 'primary', 'rural' from bell_l union all select m3, ${county}, '早铃成员丙${run}-' || n, 'primary', 'rural' from bell_l`);
    await exec(db, `insert into communities (id, county_id, name, type_code) select community, ${county}, '早铃教共体${run}-' || n, 'co_built' from bell_l`);
    await exec(db, `insert into community_memberships (community_id, school_id, role, valid_from)
      select community, core, 'core', date '2020-09-01' from bell_l union all select community, m1, 'member', date '2020-09-01' from bell_l
      union all select community, m2, 'member', date '2020-09-01' from bell_l union all select community, m3, 'member', date '2020-09-01' from bell_l`);
    await exec(db, `insert into teachers (id, school_id, name) select teacher, core, '早铃教师' || n from bell_l`);
    await exec(db, `insert into classrooms (id, school_id, name, has_join_terminal) select room, core, '录播教室', true from bell_l
      union all select r1, m1, '三年级(1)班', true from bell_l union all select r2, m2, '三年级(2)班', true from bell_l union all select r3, m3, '三年级(3)班', true from bell_l`);
    await exec(db, `insert into accounts (username, display_name, password_hash, role, teacher_id) select 'bell.${run}.' || n || '.t', '早铃教师' || n, '${hash}', 'teacher', teacher from bell_l`);
    await exec(db, `insert into accounts (username, display_name, password_hash, role, classroom_id)
      select 'bell.${run}.' || n || '.c1', '早铃教室', '${hash}', 'classroom', r1 from bell_l union all select 'bell.${run}.' || n || '.c2', '早铃教室', '${hash}', 'classroom', r2 from bell_l
      union all select 'bell.${run}.' || n || '.c3', '早铃教室', '${hash}', 'classroom', r3 from bell_l`);
    await exec(db, `insert into live_sessions (id, community_id, kind, title, subject_code, mode, starts_at, ends_at, status)
      select session, community, 'sync_lesson', '早铃' || n, 'math', 'interactive', date_trunc('second', now()) + interval '2 minutes', date_trunc('second', now()) + interval '62 minutes', 'scheduled' from bell_l`);
    await exec(db, `insert into session_teachers (session_id, teacher_id, role) select session, teacher, 'host' from bell_l`);
    await exec(db, `insert into session_classrooms (session_id, classroom_id, role)
      select session, room, 'host' from bell_l union all select session, r1, 'member' from bell_l union all select session, r2, 'member' from bell_l union all select session, r3, 'member' from bell_l`);
    await exec(db, `insert into session_bookings (session_id, resource_kind, resource_id, during, active)
      select s.id, 'teacher', t.teacher_id, tstzrange(s.starts_at, s.ends_at, '[)'), true from session_teachers t join live_sessions s on s.id = t.session_id join bell_l b on b.session = s.id
      union all select s.id, 'classroom', c.classroom_id, tstzrange(s.starts_at, s.ends_at, '[)'), true from session_classrooms c join live_sessions s on s.id = c.session_id join bell_l b on b.session = s.id`);
    const rows = await rowsOf<{ n: number; session: string }>(db, sql.raw(`select n, session::text as session from bell_l order by n`));
    await exec(db, `drop table bell_l`);
    return rows.map(({ n, session }) => ({
      sessionId: session,
      teacher: `bell.${run}.${n}.t`,
      classrooms: [`bell.${run}.${n}.c1`, `bell.${run}.${n}.c2`, `bell.${run}.${n}.c3`],
    }));
  } finally {
    await exec(db, `set session_replication_role = origin`);
    await exec(db, `select quota_tally_rebuild()`);
  }
}

/**
 * Rows the lessons left in the database once ended and judged: media evidence intervals (opened
 * only while a transport is connected — ICE and DTLS, which these Node clients do not do, so none
 * here), activity intervals, status changes (live, then delivered or missed) and verdicts.
 */
export interface LessonRows {
  intervals: number;
  activity: number;
  statusChanges: number;
  verdicts: number;
}

export async function lessonRows(db: Db, sessionIds: readonly string[]): Promise<LessonRows> {
  if (sessionIds.length === 0) return { intervals: 0, activity: 0, statusChanges: 0, verdicts: 0 };
  const list = sessionIds.map((id) => `'${id}'`).join(',');
  const [r] = await rowsOf<LessonRows>(
    db,
    sql.raw(`select (select count(*)::int from live_evidence_intervals where session_id in (${list})) as intervals,
      (select count(*)::int from live_activity_intervals where session_id in (${list})) as activity,
      (select count(*)::int from session_status_history where session_id in (${list})) as "statusChanges",
      (select count(*)::int from live_session_verdicts where session_id in (${list})) as verdicts`),
  );
  return r!;
}
