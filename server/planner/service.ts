import { createHash, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { PlanPreferences, type PlanPreferencesState, type PlanAccepted, type PlanAcceptRequest, type PlanItem, type PlanProposal, type PlanProposeRequest } from '../../shared/schemas/planner.ts';
import { SessionCreate } from '../../shared/schemas/schedule.ts';
import type { ConflictDetail } from '../../shared/schemas/errors.ts';
import { fromZoned } from '../../shared/schedule/time.ts';
import type { Actor } from '../accounts/actor.ts';
import { requireCommunity } from '../accounts/scope.ts';
import { withActor } from '../audit/actor.ts';
import type { Db } from '../db/client.ts';
import { plannerPreferences } from '../db/schema/index.ts';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors.ts';
import { tallyOf } from '../quotas/evaluate.ts';
import { communitiesOf, itemFacts, rowsOf } from '../quotas/facts.ts';
import { ruleResolver } from '../quotas/progress.ts';
import { ruleSetsUpTo } from '../quotas/ruleSets.ts';
import { loadYears, pickYear, type YearCalendar } from '../quotas/years.ts';
import { calendarIssueOn, loadCalendar } from '../schedule/calendarRules.ts';
import { createDispatch } from '../schedule/dispatch.ts';
import { createOfflineResearch } from '../schedule/offline.ts';
import { insertPlanned, planDraft } from '../schedule/sessions.ts';
import { missRateOf } from './missRate.ts';
import { Planner, planYear, type PlannerInput } from './plan.ts';

/**
 * The year planner's service (shared/planner/SPEC.md): gathers the planning core's inputs
 * from the database — the community's tally and rules (as the quota page judges them), its
 * schools, teachers with their subjects, classrooms, every existing booking of them, its
 * miss rate — and writes an accepted plan through the scheduling service, all or nothing.
 */
export interface PlannerContext {
  readonly db: Db;
  today(): string;
  now(): Date;
}

interface Loaded {
  input: PlannerInput;
  year: YearCalendar;
  missRate: ReturnType<typeof missRateOf>;
}

/** The planning core's inputs for a community, as a proposal reads them (also the planner benchmark's). */
export async function loadInput(ctx: PlannerContext, communityId: string, academicYear: string | undefined, prefs: PlanPreferences): Promise<Loaded> {
  const { db } = ctx;
  const today = ctx.today();
  const now = ctx.now();
  const year = pickYear(await loadYears(db), today, academicYear);
  const [ci] = await communitiesOf(db, { ids: [communityId] });
  if (!ci) throw new NotFoundError('Community');
  const [facts, ruleRows] = await Promise.all([itemFacts(db, ci, year, today), ruleSetsUpTo(db, year.label)]);
  const { rules } = ruleResolver(ruleRows, year.label)(ci);

  // PL-MISS-RATE: the community's sessions that started before now, all years.
  const [record] = await rowsOf<{ delivered: number; missed: number }>(
    db,
    sql`select count(*) filter (where status = 'delivered')::int as delivered, count(*) filter (where status = 'missed')::int as missed
          from live_sessions where community_id = ${communityId}::uuid and starts_at < ${now.toISOString()}::timestamptz`,
  );
  const missRate = missRateOf(record?.delivered ?? 0, record?.missed ?? 0);

  const schools = await rowsOf<{ id: string; name: string; role: 'core' | 'member'; from: string; to: string | null; timeZone: string }>(
    db,
    sql`select s.id, s.name, m.role, m.valid_from::text as "from", m.valid_to::text as "to", s.time_zone as "timeZone"
          from community_memberships m join schools s on s.id = m.school_id
         where m.community_id = ${communityId}::uuid and m.valid_from <= ${year.endsOn}::date and (m.valid_to is null or m.valid_to > ${year.startsOn}::date)
         order by m.role, s.name`,
  );
  const schoolIds = [...new Set(schools.map((s) => s.id))];
  const ids = sql.join(schoolIds.map((id) => sql`${id}::uuid`), sql`, `);
  const none = !schoolIds.length;
  const teachers = none
    ? []
    : await rowsOf<{ id: string; name: string; schoolId: string; backbone: boolean; subjects: string[] }>(
        db,
        sql`select t.id, t.name, t.school_id as "schoolId", t.is_backbone as backbone,
                   coalesce(array_agg(ts.subject_code order by ts.subject_code) filter (where ts.subject_code is not null), '{}') as subjects
              from teachers t left join teacher_subjects ts on ts.teacher_id = t.id
             where t.school_id in (${ids}) group by t.id order by t.name`,
      );
  const rooms = none
    ? []
    : await rowsOf<{ id: string; name: string; schoolId: string; hasJoinTerminal: boolean }>(
        db,
        sql`select id, name, school_id as "schoolId", has_join_terminal as "hasJoinTerminal" from classrooms where school_id in (${ids}) order by name`,
      );
  const resourceIds = [...teachers.map((t) => t.id), ...rooms.map((r) => r.id)];
  const busy = resourceIds.length
    ? await rowsOf<{ kind: 'teacher' | 'classroom'; id: string; start: string | Date; end: string | Date }>(
        db,
        sql`select resource_kind as kind, resource_id as id, lower(during) as start, upper(during) as "end"
              from session_bookings
             where active and resource_id in (${sql.join(resourceIds.map((id) => sql`${id}::uuid`), sql`, `)})
               and during && tstzrange(${year.startsOn}::date - 7, ${year.endsOn}::date + 7)`,
      )
    : [];
  const dispatches = teachers.length
    ? await rowsOf<{ teacherId: string; from: string; to: string }>(
        db,
        sql`select teacher_id as "teacherId", starts_on::text as "from", ends_on::text as "to" from teacher_dispatches
             where teacher_id in (${sql.join(teachers.map((t) => sql`${t.id}::uuid`), sql`, `)}) and ends_on >= ${year.startsOn}::date`,
      )
    : [];
  const subjects = await rowsOf<{ code: string; nameZh: string }>(db, sql`select code, name_zh as "nameZh" from subjects`);
  const timeZone = schools.find((s) => s.role === 'core')?.timeZone ?? 'Asia/Shanghai';
  const dateText = (d: string | Date) => new Date(d).getTime();
  return {
    year,
    missRate,
    input: {
      now: now.getTime(),
      today,
      timeZone,
      tally: tallyOf(facts.facts),
      rules,
      missRate: missRate.rate,
      schools: schools.map(({ timeZone: _tz, ...s }) => s),
      teachers,
      rooms,
      busy: busy.map((b) => ({ kind: b.kind, id: b.id, start: dateText(b.start), end: dateText(b.end) })),
      dispatches,
      subjectNames: Object.fromEntries(subjects.map((s) => [s.code, s.nameZh])),
      prefs,
    },
  };
}

const fingerprintOf = (communityId: string, year: string, items: readonly PlanItem[]) =>
  createHash('sha256').update(JSON.stringify({ communityId, year, items })).digest('hex');

/** PL-PREFERENCES: the community's saved preferences, else the defaults. */
async function storedPreferences(db: Db, communityId: string): Promise<PlanPreferencesState> {
  const [row] = await db.select().from(plannerPreferences).where(eq(plannerPreferences.communityId, communityId));
  if (!row) return { preferences: PlanPreferences.parse({}), saved: false, updatedAt: null };
  // Stored as they were validated; defaults fill what a later version added.
  const parsed = PlanPreferences.safeParse(row.preferences);
  return { preferences: parsed.success ? parsed.data : PlanPreferences.parse({}), saved: true, updatedAt: row.updatedAt.toISOString() };
}

export async function getPreferences(db: Db, actor: Actor, communityId: string): Promise<PlanPreferencesState> {
  await requireCommunity(db, actor, communityId, 'manage');
  return storedPreferences(db, communityId);
}

/** Saves a community's preferences (inside the caller's audited transaction). */
export async function savePreferences(db: Db, actor: Actor, communityId: string, preferences: PlanPreferences): Promise<PlanPreferencesState> {
  await requireCommunity(db, actor, communityId, 'manage');
  await db
    .insert(plannerPreferences)
    .values({ communityId, preferences, updatedBy: actor.accountId })
    .onConflictDoUpdate({ target: plannerPreferences.communityId, set: { preferences, updatedBy: actor.accountId, updatedAt: sql`now()` } });
  return storedPreferences(db, communityId);
}

export async function propose(ctx: PlannerContext, actor: Actor, communityId: string, body: z.output<typeof PlanProposeRequest>): Promise<PlanProposal> {
  await requireCommunity(ctx.db, actor, communityId, 'manage');
  const preferences = body.preferences ?? (await storedPreferences(ctx.db, communityId)).preferences;
  const { input, year, missRate } = await loadInput(ctx, communityId, body.academicYear, preferences);
  const result = planYear(input);
  return {
    communityId,
    academicYear: year.label,
    from: result.from,
    timeZone: input.timeZone,
    missRate,
    preferences,
    items: result.items,
    forecast: result.forecast,
    shortfalls: result.shortfalls,
    fingerprint: fingerprintOf(communityId, year.label, result.items),
  };
}

type Refusal = { key: string; conflict: { kind: string; title?: string; startsAt?: string; who?: string; description: string } };
class Refused extends Error {
  constructor(readonly refusals: Refusal[]) {
    super('plan refused');
  }
}

const conflictOf = (c: ConflictDetail): Refusal['conflict'] => ({
  kind: c.kind,
  description: c.description,
  ...(c.title ? { title: c.title } : {}),
  ...(c.startsAt ? { startsAt: c.startsAt } : {}),
  ...(c.who ? { who: c.who } : {}),
});

/** Writes one item through the scheduling service (inside the caller's transaction; a refused write is a savepoint rolled back). */
async function writeItem(tx: Db, actor: Actor, communityId: string, item: PlanItem, index: number, timeZone: string, today: string, now: Date, act: string): Promise<'session' | 'offline' | 'dispatch'> {
  const prefix = `items.${index}.`;
  const need = (field: keyof PlanItem, ok: boolean) => {
    if (!ok) throw ValidationError.field(`${prefix}${field}`, `required for ${item.kind}`, 'required');
  };
  if (item.kind === 'sync_lesson' || item.kind === 'online_research') {
    need('startTime', !!item.startTime);
    need('endTime', !!item.endTime);
    need('teacherId', !!item.teacherId);
    const parsed = SessionCreate.safeParse({
      communityId, kind: item.kind, title: item.title, subjectCode: item.subjectCode, mode: item.kind === 'sync_lesson' ? item.mode : null,
      startsAt: fromZoned(item.date, item.startTime!, timeZone).toISOString(), endsAt: fromZoned(item.date, item.endTime!, timeZone).toISOString(), timeZone,
      hostTeacherId: item.teacherId, hostClassroomId: item.kind === 'sync_lesson' ? item.hostClassroomId : null,
      memberClassroomIds: item.kind === 'sync_lesson' ? item.memberClassroomIds : [], invitedTeacherIds: item.kind === 'online_research' ? item.invitedTeacherIds : [],
    });
    if (!parsed.success) throw new ValidationError(parsed.error.issues.map((i) => ({ field: `${prefix}${String(i.path[0] ?? '')}`, code: 'invalid', message: i.message })));
    const plan = await planDraft(tx, actor, parsed.data, prefix, now);
    const issue = plan.calendarIssues[0];
    if (issue) throw new ConflictError({ kind: issue.kind, ...(issue.name ? { title: issue.name } : {}), startsAt: issue.date, description: issue.description });
    await insertPlanned(tx, actor, parsed.data, plan, `planner:${act}`);
    return 'session';
  }
  if (item.kind === 'offline_research') {
    need('schoolId', !!item.schoolId);
    const issue = calendarIssueOn(await loadCalendar(tx), item.date, actor.locale);
    if (issue) throw new ConflictError({ kind: issue.kind, ...(issue.name ? { title: issue.name } : {}), startsAt: issue.date, description: issue.description });
    if (item.date < today) throw new ConflictError({ kind: 'in_past', startsAt: item.date, description: actor.locale === 'en' ? `${item.date} is past` : `${item.date} 已过去` });
    await createOfflineResearch(tx, actor, { communityId, title: item.title, heldOn: item.date, place: item.where || item.title, hostSchoolId: item.schoolId!, schoolIds: item.schoolIds, teacherIds: [], minutes: '' });
    return 'offline';
  }
  need('teacherId', !!item.teacherId);
  need('schoolId', !!item.schoolId);
  need('endDate', !!item.endDate && item.endDate >= item.date);
  await createDispatch(tx, actor, { communityId, teacherId: item.teacherId!, schoolId: item.schoolId!, startsOn: item.date, endsOn: item.endDate!, hoursPerWeek: null, note: `planner:${act}` });
  return 'dispatch';
}

/**
 * Accepts the items the coordinator kept and moved (PL-ACCEPT-ALL-OR-NOTHING): every item goes
 * through the scheduling service in one transaction attributed to the coordinator; any refused
 * item rolls everything back and the 409 names each refused item with free alternatives.
 */
export async function accept(ctx: PlannerContext, actor: Actor, communityId: string, body: z.output<typeof PlanAcceptRequest>): Promise<PlanAccepted> {
  await requireCommunity(ctx.db, actor, communityId, 'manage');
  const keys = new Set<string>();
  body.items.forEach((i, n) => {
    if (keys.has(i.key)) throw ValidationError.field(`items.${n}.key`, 'listed twice', 'duplicate');
    keys.add(i.key);
  });
  const today = ctx.today();
  const now = ctx.now();
  const year = pickYear(await loadYears(ctx.db), today, body.academicYear);
  for (const [n, i] of body.items.entries()) {
    if (i.date < year.startsOn || i.date > year.endsOn) throw ValidationError.field(`items.${n}.date`, `outside the academic year ${year.label}`, 'out_of_range');
  }
  const [core] = await rowsOf<{ timeZone: string }>(
    ctx.db,
    sql`select s.time_zone as "timeZone" from community_memberships m join schools s on s.id = m.school_id where m.community_id = ${communityId}::uuid and m.role = 'core' order by m.valid_from desc limit 1`,
  );
  const timeZone = core?.timeZone ?? 'Asia/Shanghai';
  const act = randomUUID();
  const counts = { session: 0, offline: 0, dispatch: 0 };
  try {
    await withActor(ctx.db, actor, async (tx) => {
      const refusals: Refusal[] = [];
      for (const [n, item] of body.items.entries()) {
        try {
          counts[await writeItem(tx, actor, communityId, item, n, timeZone, today, now, act)]++;
        } catch (err) {
          if (err instanceof ConflictError) refusals.push({ key: item.key, conflict: conflictOf(err.conflict) });
          else throw err;
        }
      }
      if (refusals.length) throw new Refused(refusals);
    });
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    // Nothing was written; alternatives are found against what is booked now plus the items that did fit.
    const { input } = await loadInput(ctx, communityId, year.label, (await storedPreferences(ctx.db, communityId)).preferences);
    const planner = new Planner(input);
    const refusedKeys = new Set(err.refusals.map((r) => r.key));
    for (const item of body.items) if (!refusedKeys.has(item.key)) planner.reserve(item);
    const items = err.refusals.map((r) => ({ ...r, alternatives: planner.alternatives(body.items.find((i) => i.key === r.key)!) }));
    const list = items.map((i) => i.key).join(', ');
    throw new ConflictError({
      kind: 'plan_clash',
      id: items[0]!.key,
      description: actor.locale === 'en' ? `Nothing was scheduled: ${items.length} item(s) can no longer be planned as proposed (${list})` : `未安排任何活动：${items.length} 项已无法按建议安排（${list}）`,
      items,
    });
  }
  return { act, sessions: counts.session, offlineResearch: counts.offline, dispatches: counts.dispatch };
}
