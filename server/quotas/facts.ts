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
 * - online research counts when `delivered`; offline research when `confirmed`;
 * - coordinators' corrections count the same way, marked `correction`;
 * - planned = scheduled (or live) sessions and planned offline research from today on (a
 *   planned lesson's member classrooms were checked against the memberships of its date
 *   when it was planned — server/schedule — and are not checked again here);
 * - dispatch coverage per member-school period: a dispatch that has begun overlapping it
 *   (covered), or one still to begin (planned).
 *
 * `tallies()` is set-based: one statement groups everything by community (the full
 * recompute of a province runs it once); `itemFacts()` lists one community's items with
 * their evidence (drill-down, exports). Both apply the same rules — an integration test
 * checks that `tallyOf(itemFacts)` equals `tallies()`.
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
export type CommunityFilter = { all: true } | { ids: readonly string[] } | { countyId: string };

const where = (f: CommunityFilter): SQL =>
  'all' in f
    ? sql`true`
    : 'countyId' in f
      ? sql`c.county_id = ${f.countyId}::uuid`
      : f.ids.length
        ? sql`c.id in (${sql.join(f.ids.map((id) => sql`${id}::uuid`), sql`, `)})`
        : sql`false`;

/** The filter as a condition on a `community_id` column (no join: a province-wide pass scans each table once). */
const inScope = (f: CommunityFilter, column: SQL): SQL =>
  'all' in f
    ? sql`true`
    : 'countyId' in f
      ? sql`${column} in (select id from communities where county_id = ${f.countyId}::uuid)`
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
  id: string;
  groups: [CountedItemKind, string | null, string | null, 'evidence' | 'correction', number][] | null;
  planned: [CountedItemKind, string | null, string | null, number][] | null;
  members: [string, string, string, string, number, boolean, boolean][] | null;
  at: string | Date;
}

/** The grouped-counts statement of `tallies()` (exported for EXPLAIN in benchmarks). */
export function tallyQuery(f: CommunityFilter, year: YearCalendar, today: string): SQL {
  const start = year.startsOn;
  const end = year.endsOn;
  return sql`
with c as (select c.id from communities c where ${where(f)}),
mem as (
  select m.community_id, m.school_id, s.name,
         greatest(m.valid_from, ${start}::date) as from_day,
         least(coalesce(m.valid_to - 1, ${end}::date), ${end}::date) as to_day
    from community_memberships m join schools s on s.id = m.school_id
   where ${inScope(f, sql`m.community_id`)} and m.role = 'member' and m.valid_from <= ${end}::date and (m.valid_to is null or m.valid_to > ${start}::date)
),
win as not materialized (
  select ls.id, ls.community_id, ls.kind, ls.subject_code, ls.mode, ls.status,
         (ls.starts_at at time zone ls.time_zone)::date as on_day
    from live_sessions ls
   where ${inScope(f, sql`ls.community_id`)} and ls.starts_at >= ${start}::date - 2 and ls.starts_at < ${end}::date + 2
     and ls.status = 'delivered' and ls.kind = 'sync_lesson'
),
took_part as (
  select w.id as item_id, w.community_id, w.subject_code, w.mode, 'evidence' as source, a.school_id, w.on_day
    from win w join quota_lesson_attendance a on a.session_id = w.id
   where w.kind = 'sync_lesson' and w.status = 'delivered' and w.on_day between ${start}::date and ${end}::date
  union all
  select q.id, q.community_id, q.subject_code, q.mode, 'correction', qs.school_id, q.held_on
    from quota_corrections q join quota_correction_schools qs on qs.correction_id = q.id
   where ${inScope(f, sql`q.community_id`)} and q.kind = 'sync_lesson' and q.held_on between ${start}::date and ${end}::date
),
lesson_members as (
  select distinct t.item_id, t.community_id, t.subject_code, t.mode, t.source, t.school_id, t.on_day
    from took_part t join community_memberships m
      on m.community_id = t.community_id and m.school_id = t.school_id and m.role = 'member'
     and m.valid_from <= t.on_day and (m.valid_to is null or m.valid_to > t.on_day)
),
sess_groups as (
  -- One pass over the window's sessions for what needs no evidence join: delivered online
  -- research (counted) and everything scheduled or live from today on (planned).
  select community_id, kind, subject_code, mode, cls, count(*)::int as n
    from (select ls.community_id, ls.kind, ls.subject_code, ls.mode, ls.status,
                 case when ls.status = 'delivered' then 'done' else 'upcoming' end as cls,
                 (ls.starts_at at time zone ls.time_zone)::date as on_day
            from live_sessions ls
           where ${inScope(f, sql`ls.community_id`)} and ls.starts_at >= ${start}::date - 2 and ls.starts_at < ${end}::date + 2
             and (ls.status in ('scheduled', 'live') or (ls.status = 'delivered' and ls.kind = 'online_research'))) x
   where (cls = 'done' and on_day between ${start}::date and ${end}::date)
      or (cls = 'upcoming' and on_day between greatest(${today}::date, ${start}::date) and ${end}::date)
   group by community_id, kind, subject_code, mode, cls
),
counted as (
  select community_id, 'sync_lesson' as kind, subject_code, mode, source, count(*)::int as n
    from (select distinct item_id, community_id, subject_code, mode, source from lesson_members) l
   group by community_id, subject_code, mode, source
  union all
  select community_id, kind, subject_code, mode, 'evidence', n from sess_groups where cls = 'done'
  union all
  select o.community_id, 'offline_research', null, null, 'evidence', count(*)::int
    from offline_research o
   where ${inScope(f, sql`o.community_id`)} and o.status = 'confirmed' and o.held_on between ${start}::date and ${end}::date group by o.community_id
  union all
  select q.community_id, q.kind, null, null, 'correction', count(*)::int
    from quota_corrections q
   where ${inScope(f, sql`q.community_id`)} and q.kind <> 'sync_lesson' and q.held_on between ${start}::date and ${end}::date group by q.community_id, q.kind
),
groups as (
  select community_id, json_agg(json_build_array(kind, subject_code, mode, source, n)) as g from counted group by community_id
),
planned_items as (
  select community_id, kind, subject_code, mode, n from sess_groups where cls = 'upcoming'
  union all
  select o.community_id, 'offline_research', null, null, count(*)::int
    from offline_research o
   where ${inScope(f, sql`o.community_id`)} and o.status = 'planned' and o.held_on between greatest(${today}::date, ${start}::date) and ${end}::date group by o.community_id
),
planned as (
  select community_id, json_agg(json_build_array(kind, subject_code, mode, n)) as p from planned_items group by community_id
),
participation as (
  select p.community_id, p.school_id, p.from_day, count(*)::int as lessons
    from mem p join lesson_members lm
      on lm.community_id = p.community_id and lm.school_id = p.school_id and lm.on_day between p.from_day and p.to_day
   group by 1, 2, 3
),
cover as (
  select p.community_id, p.school_id, p.from_day,
         bool_or(d.starts_on <= ${today}::date) as covered, bool_or(d.starts_on > ${today}::date) as planned
    from mem p join teacher_dispatches d
      on d.community_id = p.community_id and d.school_id = p.school_id and d.starts_on <= p.to_day and d.ends_on >= p.from_day
   group by 1, 2, 3
),
members as (
  select p.community_id,
         json_agg(json_build_array(p.school_id, p.name, p.from_day, p.to_day, coalesce(pa.lessons, 0), coalesce(cv.covered, false), coalesce(cv.planned, false))
           order by p.name, p.from_day) as m
    from mem p
    left join participation pa on pa.community_id = p.community_id and pa.school_id = p.school_id and pa.from_day = p.from_day
    left join cover cv on cv.community_id = p.community_id and cv.school_id = p.school_id and cv.from_day = p.from_day
   where p.from_day <= p.to_day
   group by p.community_id
)
select c.id, g.g as groups, pl.p as planned, mb.m as members, statement_timestamp() as at
  from c left join groups g on g.community_id = c.id left join planned pl on pl.community_id = c.id left join members mb on mb.community_id = c.id`;
}

/**
 * Grouped counts for every community of the filter, in one statement. Returns the
 * tallies by community id, and the database time the facts were read at.
 */
export async function tallies(db: Db, f: CommunityFilter, year: YearCalendar, today: string, communities: readonly CommunityInfo[]): Promise<{ tallies: Map<string, CommunityYearTally>; at: Date }> {
  const query = tallyQuery(f, year, today);
  const start = year.startsOn;
  const end = year.endsOn;
  // A province-wide pass is an analytic scan: PostgreSQL's estimates of the CTEs are poor
  // (it would pick index nested loops over hundreds of thousands of rows), and JIT compiling
  // this statement costs more than running it. A few communities keep the default plan
  // (index lookups). SET LOCAL ends with the transaction (a savepoint inside a caller's).
  const wide = !('ids' in f) || f.ids.length > 50;
  const rows = await db.transaction(async (tx) => {
    await tx.execute(wide ? sql`select set_config('jit', 'off', true), set_config('enable_nestloop', 'off', true)` : sql`select set_config('jit', 'off', true)`);
    return rowsOf<TallyRow>(tx as unknown as Db, query);
  });
  const info = new Map(communities.map((x) => [x.id, x]));
  const out = new Map<string, CommunityYearTally>();
  let at = new Date();
  for (const r of rows) {
    at = new Date(r.at);
    const ci = info.get(r.id);
    if (!ci) continue;
    const parse = <T>(v: T | string | null): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
    const counted: CountedGroup[] = (parse(r.groups) ?? []).map(([kind, subjectCode, mode, source, count]) => ({ kind, subjectCode, mode, source, count }));
    const planned: PlannedGroup[] = (parse(r.planned) ?? []).map(([kind, subjectCode, mode, count]) => ({ kind, subjectCode, mode, count }));
    const members: MemberPeriodTally[] = (parse(r.members) ?? []).map(([schoolId, name, from, to, lessons, covered, plannedCovered]) => ({ schoolId, name, from, to, lessons, covered, plannedCovered: !covered && plannedCovered }));
    out.set(r.id, {
      communityId: r.id,
      typeCode: ci.typeCode,
      requiresDispatch: ci.requiresDispatch,
      period: { startsOn: start, endsOn: end },
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
   and (o.status = 'confirmed' or (o.status = 'planned' and o.held_on >= ${today}::date))
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
