import { sql, type SQL } from 'drizzle-orm';
import type { CommunityYearFacts, CommunityYearTally, CountedGroup, CountedItemKind, MemberPeriodTally, PlannedGroup } from '../../shared/quotas/facts.ts';
import type { Db } from '../db/client.ts';
import type { YearCalendar } from './years.ts';

/**
 * The facts of communities' years, gathered from what the platform saw:
 *
 * - a synchronized lesson counts when its status is `delivered` (decided from live
 *   evidence) and a member classroom that received the host's media (quota_lesson_attendance,
 *   derived from the evidence when the verdict was written) belongs to a school that was a
 *   member of the community **on that day** (community_memberships valid_from/valid_to);
 * - online research counts when `delivered`; offline research when `confirmed` and held
 *   jointly: the core school and a school that was a member that day took part
 *   (P-OFFLINE-RESEARCH-SCHOOLS);
 * - coordinators' corrections count the same way, marked `correction`;
 * - planned = scheduled (or live) sessions and planned offline research from today on; a
 *   planned lesson only while one of its member classrooms' schools is a member on its day
 *   (Q-PLANNED-LESSON-MEMBERS, migration 0017: a school may leave after it was planned);
 * - dispatch coverage per member-school period: a dispatch that has begun overlapping it
 *   (covered), or one still to begin (planned).
 *
 * `tallies()` reads these facts grouped per community from `quota_tallies`, which the
 * database keeps exact: the views of migration 0014 (`quota_tally_groups`, restated in 0015 and 0017,
 * `quota_tally_member_periods`, `quota_tally_docs`) state the rules above in SQL, triggers
 * note every community whose counted items, memberships, member-school names or dispatches
 * change, and at commit its rows are recomputed from those views (in the same transaction
 * as the change). A full recompute of a province thus reads one row per community instead
 * of joining every session with its attendance and the memberships of its day (that join,
 * set-based, is `quota_tally_rebuild()`: a bulk load, a change of the academic years).
 * What depends on today is applied here: planned items whose day has passed are taken off,
 * and a member period is covered once an overlapping dispatch has begun.
 * `itemFacts()` lists one community's items with their evidence (drill-down, exports),
 * straight from the evidence tables. Both apply the same rules — integration tests check
 * that `tallyOf(itemFacts)` equals `tallies()` after every kind of change.
 */

export async function rowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

export interface CommunityInfo {
  id: string;
  name: string;
  typeCode: string;
  requiresDispatch: boolean;
  countyId: string;
  countyCode: string;
  countyName: string;
  city: string;
  province: string;
}

/** Which communities: all, some, or a county's. */
export type CommunityFilter = { all: true } | { ids: readonly string[] } | { countyIds: readonly string[] };

const uuids = (ids: readonly string[]) => (ids.length ? sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `) : sql`null`);

const where = (f: CommunityFilter): SQL =>
  'all' in f
    ? sql`true`
    : 'countyIds' in f
      ? sql`c.county_id in (${uuids(f.countyIds)})`
      : f.ids.length
        ? sql`c.id in (${sql.join(f.ids.map((id) => sql`${id}::uuid`), sql`, `)})`
        : sql`false`;

/** The filter as a condition on a `community_id` column (no join: a province-wide pass scans each table once). */
const inScope = (f: CommunityFilter, column: SQL): SQL =>
  'all' in f
    ? sql`true`
    : 'countyIds' in f
      ? sql`${column} in (select id from communities where county_id in (${uuids(f.countyIds)}))`
      : f.ids.length
        ? sql`${column} in (${sql.join(f.ids.map((id) => sql`${id}::uuid`), sql`, `)})`
        : sql`false`;

export async function communitiesOf(db: Db, f: CommunityFilter): Promise<CommunityInfo[]> {
  return rowsOf<CommunityInfo>(
    db,
    sql`select c.id, c.name, c.type_code as "typeCode", t.requires_dispatch as "requiresDispatch", c.county_id as "countyId",
               k.code as "countyCode", k.name as "countyName", k.city, k.province
          from communities c join community_types t on t.code = c.type_code join counties k on k.id = c.county_id
         where ${where(f)} order by k.province, k.city, k.name, c.name`,
  );
}

interface TallyRow {
  id: string | null;
  counted: [CountedItemKind, string | null, string | null, 'evidence' | 'correction', number][] | string | null;
  planned: [CountedItemKind, string | null, string | null, number][] | string | null;
  members: [string, string, string, string, number, string | null, string | null][] | string | null;
  /** A scheduled session or planned offline research whose day is past: no longer planned. */
  past: [CountedItemKind, string | null, string | null] | string | null;
  at: string | Date;
}

/**
 * The statement of `tallies()` (exported for EXPLAIN in benchmarks): the maintained rows of
 * the year, the planned items whose day has passed (a partial index finds the few still
 * scheduled), and a last row with the database time the facts were read at.
 */
export function tallyQuery(f: CommunityFilter, year: YearCalendar, today: string): SQL {
  const start = year.startsOn;
  const lastPast = sql`least(${today}::date - 1, ${year.endsOn}::date)`;
  return sql`
select t.community_id as id, t.counted, t.planned, t.members, null::json as past, statement_timestamp() as at
  from quota_tallies t
 where ${inScope(f, sql`t.community_id`)} and t.academic_year = ${year.label}
union all
select ls.community_id, null, null, null, json_build_array(ls.kind, ls.subject_code, ls.mode), statement_timestamp()
  from live_sessions ls
 where ${inScope(f, sql`ls.community_id`)} and ls.status in ('scheduled', 'live')
   and ls.starts_at >= ${start}::date - 2 and ls.starts_at < ${lastPast} + 2
   and (ls.starts_at at time zone ls.time_zone)::date between ${start}::date and ${lastPast}
union all
select o.community_id, null, null, null, json_build_array('offline_research', null, null), statement_timestamp()
  from offline_research o
 where ${inScope(f, sql`o.community_id`)} and o.status = 'planned' and o.held_on between ${start}::date and ${lastPast}
union all
select null, null, null, null, null, statement_timestamp()`;
}

const parsed = <T>(v: T | string | null): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const plannedKey = (kind: string, subjectCode: string | null, mode: string | null) => JSON.stringify([kind, subjectCode, mode]);

/**
 * The grouped facts of every community of the filter (communities with nothing in the
 * year get empty ones), and the database time they were read at.
 */
export async function tallies(db: Db, f: CommunityFilter, year: YearCalendar, today: string, communities: readonly CommunityInfo[]): Promise<{ tallies: Map<string, CommunityYearTally>; at: Date }> {
  // Changes made earlier in the caller's transaction reach the tallies at its commit, or
  // now (quota_tally_flush). A province-wide read runs without parallel workers: the one scan
  // that could use them (sessions still scheduled on a past day) finds a handful, and
  // starting workers costs more than the whole read. A few communities: two round trips.
  const wide = !('ids' in f) || f.ids.length > 50;
  const rows = wide
    ? await db.transaction(async (tx) => {
        await tx.execute(sql`select quota_tally_flush(), set_config('max_parallel_workers_per_gather', '0', true)`);
        return rowsOf<TallyRow>(tx as unknown as Db, tallyQuery(f, year, today));
      })
    : (await db.execute(sql`select quota_tally_flush()`), await rowsOf<TallyRow>(db, tallyQuery(f, year, today)));
  const period = { startsOn: year.startsOn, endsOn: year.endsOn };
  const stored = new Map<string, TallyRow>();
  const past = new Map<string, Map<string, number>>();
  let at = new Date();
  for (const r of rows) {
    if (r.id === null) {
      at = new Date(r.at);
      continue;
    }
    const p = parsed(r.past);
    if (!p) {
      stored.set(r.id, r);
      continue;
    }
    let byKey = past.get(r.id);
    if (!byKey) past.set(r.id, (byKey = new Map()));
    const key = plannedKey(p[0], p[1], p[2]);
    byKey.set(key, (byKey.get(key) ?? 0) + 1);
  }
  const out = new Map<string, CommunityYearTally>();
  for (const ci of communities) {
    const r = stored.get(ci.id);
    const gone = past.get(ci.id);
    const counted: CountedGroup[] = (parsed(r?.counted ?? null) ?? []).map(([kind, subjectCode, mode, source, count]) => ({ kind, subjectCode, mode, source, count }));
    const planned: PlannedGroup[] = [];
    for (const [kind, subjectCode, mode, n] of parsed(r?.planned ?? null) ?? []) {
      const count = n - (gone?.get(plannedKey(kind, subjectCode, mode)) ?? 0);
      if (count > 0) planned.push({ kind, subjectCode, mode, count });
    }
    const members: MemberPeriodTally[] = (parsed(r?.members ?? null) ?? []).map(([schoolId, name, from, to, lessons, firstDispatch, lastDispatch]) => {
      const covered = firstDispatch !== null && firstDispatch <= today;
      return { schoolId, name, from, to, lessons, covered, plannedCovered: !covered && lastDispatch !== null && lastDispatch > today };
    });
    out.set(ci.id, {
      communityId: ci.id,
      typeCode: ci.typeCode,
      requiresDispatch: ci.requiresDispatch,
      period,
      today,
      calendar: year.calendar,
      counted,
      planned,
      members,
    });
  }
  return { tallies: out, at };
}

// ---- one community's items, with their evidence ----------------------------------------------

export interface ItemEvidence {
  intervals: number;
  recordings: number;
  verdictRuleIds: string[];
  verdictStatus: string | null;
  attachments: number;
  minutes: boolean;
}

export interface DetailedFacts {
  facts: CommunityYearFacts;
  evidence: Map<string, ItemEvidence>;
  titles: Map<string, { reason: string | null }>;
  schoolNames: Map<string, string>;
}

interface ItemRow {
  kind: CountedItemKind;
  id: string;
  title: string;
  on: string;
  subjectCode: string | null;
  mode: string | null;
  schools: string[] | null;
  source: 'evidence' | 'correction';
  planned: boolean;
  intervals: number;
  recordings: number;
  verdictRuleIds: string[] | null;
  verdictStatus: string | null;
  attachments: number;
  minutes: boolean;
  reason: string | null;
}

/** P-OFFLINE-RESEARCH-SCHOOLS (migration 0015): a school of this role that day took part in offline research `o`. */
const jointlyHeld = (role: 'core' | 'member') =>
  sql`exists (select 1 from offline_research_schools x join community_memberships m on m.school_id = x.school_id
               where x.research_id = o.id and m.community_id = o.community_id and m.role = ${role}
                 and m.valid_from <= o.held_on and (m.valid_to is null or m.valid_to > o.held_on))`;

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

/** Every counted (or countable-looking) and planned item of one community's year, with evidence summaries. */
export async function itemFacts(db: Db, community: CommunityInfo, year: YearCalendar, today: string): Promise<DetailedFacts> {
  const start = year.startsOn;
  const end = year.endsOn;
  const id = community.id;
  const [items, members, dispatches] = await Promise.all([
    rowsOf<ItemRow>(
      db,
      sql`
with ses as (
  select ls.*, (ls.starts_at at time zone ls.time_zone)::date as on_day
    from live_sessions ls
   where ls.community_id = ${id}::uuid and ls.starts_at >= ${start}::date - 2 and ls.starts_at < ${end}::date + 2
     and ls.status in ('delivered', 'scheduled', 'live')
)
select s.kind, s.id, s.title, s.on_day::text as "on", s.subject_code as "subjectCode", s.mode,
       case when s.status = 'delivered'
            then (select array_agg(distinct a.school_id::text) from quota_lesson_attendance a where a.session_id = s.id)
            else (select array_agg(distinct cl.school_id::text) from session_classrooms sc join classrooms cl on cl.id = sc.classroom_id where sc.session_id = s.id and sc.role = 'member') end as schools,
       'evidence' as source, s.status <> 'delivered' as planned,
       (select count(*)::int from live_evidence_intervals i where i.session_id = s.id) as intervals,
       (select count(*)::int from live_recordings r where r.session_id = s.id and r.status = 'ready') as recordings,
       (select array_agg(o ->> 'ruleId') from live_session_verdicts v, jsonb_array_elements(v.outcomes) o where v.session_id = s.id and (o ->> 'passed')::boolean) as "verdictRuleIds",
       (select v.status from live_session_verdicts v where v.session_id = s.id) as "verdictStatus",
       0 as attachments, false as minutes, null as reason
  from ses s
 where s.on_day between ${start}::date and ${end}::date and (s.status = 'delivered' or s.on_day >= ${today}::date)
union all
select 'offline_research', o.id, o.title, o.held_on::text, null, null,
       (select array_agg(x.school_id::text) from offline_research_schools x where x.research_id = o.id),
       'evidence', o.status = 'planned', 0, 0, null, null,
       (select count(*)::int from offline_research_attachments a where a.research_id = o.id), btrim(o.minutes) <> '', null
  from offline_research o
 where o.community_id = ${id}::uuid and o.held_on between ${start}::date and ${end}::date
   and ((o.status = 'confirmed' and ${jointlyHeld('core')} and ${jointlyHeld('member')}) or (o.status = 'planned' and o.held_on >= ${today}::date))
union all
select q.kind, q.id, q.title, q.held_on::text, q.subject_code, q.mode,
       (select array_agg(x.school_id::text) from quota_correction_schools x where x.correction_id = q.id),
       'correction', false, 0, 0, null, null,
       (select count(*)::int from quota_correction_attachments a where a.correction_id = q.id), false, q.reason
  from quota_corrections q
 where q.community_id = ${id}::uuid and q.held_on between ${start}::date and ${end}::date
 order by 4, 3`,
    ),
    rowsOf<{ schoolId: string; name: string; from: string; to: string }>(
      db,
      sql`select m.school_id as "schoolId", s.name,
                 greatest(m.valid_from, ${start}::date)::text as "from",
                 least(coalesce(m.valid_to - 1, ${end}::date), ${end}::date)::text as "to"
            from community_memberships m join schools s on s.id = m.school_id
           where m.community_id = ${id}::uuid and m.role = 'member' and m.valid_from <= ${end}::date and (m.valid_to is null or m.valid_to > ${start}::date)
           order by s.name, m.valid_from`,
    ),
    rowsOf<{ id: string; memberSchoolId: string; from: string; to: string }>(
      db,
      sql`select d.id, d.school_id as "memberSchoolId", d.starts_on::text as "from", d.ends_on::text as "to"
            from teacher_dispatches d where d.community_id = ${id}::uuid and d.starts_on <= ${end}::date and d.ends_on >= ${start}::date
           order by d.starts_on`,
    ),
  ]);
  const evidence = new Map<string, ItemEvidence>();
  const titles = new Map<string, { reason: string | null }>();
  const counted: CommunityYearFacts['counted'][number][] = [];
  const planned: CommunityYearFacts['planned'][number][] = [];
  for (const r of items) {
    const base = { kind: r.kind, id: r.id, title: r.title, on: day(r.on), subjectCode: r.subjectCode, mode: r.mode, memberSchoolIds: r.schools ?? [] };
    if (r.planned) planned.push(base);
    else counted.push({ ...base, source: r.source });
    evidence.set(r.id, { intervals: r.intervals, recordings: r.recordings, verdictRuleIds: r.verdictRuleIds ?? [], verdictStatus: r.verdictStatus, attachments: r.attachments, minutes: r.minutes });
    titles.set(r.id, { reason: r.reason });
  }
  const memberSchools = members.filter((m) => m.from <= m.to);
  const schoolIds = [...new Set(counted.flatMap((i) => i.memberSchoolIds))];
  const names = schoolIds.length
    ? await rowsOf<{ id: string; name: string }>(db, sql`select id, name from schools where id in (${sql.join(schoolIds.map((s) => sql`${s}::uuid`), sql`, `)})`)
    : [];
  return {
    facts: {
      communityId: id,
      typeCode: community.typeCode,
      requiresDispatch: community.requiresDispatch,
      period: { startsOn: start, endsOn: end },
      today,
      calendar: year.calendar,
      memberSchools,
      counted,
      planned,
      dispatches: dispatches.filter((d) => d.from <= today),
      plannedDispatches: dispatches.filter((d) => d.from > today),
    },
    evidence,
    titles,
    schoolNames: new Map(names.map((n) => [n.id, n.name])),
  };
}
