import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { qualified } from '../db/sql.ts';
import { communities, communityMemberships, counties, schools } from '../db/schema/index.ts';
import { ForbiddenError, NotFoundError } from '../http/errors.ts';
import type { Actor } from './actor.ts';
import { auditedCountySql, auditsCounty } from './auditRegion.ts';

export type Access = 'read' | 'manage';

const NO_ID = '00000000-0000-0000-0000-000000000000';

/**
 * How the actor stands to a community: they manage it, may read it, or it does
 * not exist for them (then every answer about it is a 404, whether it exists or not).
 */
export function communityAccess(actor: Actor, community: { id: string; countyId: string }): Access | 'none' {
  switch (actor.role) {
    case 'admin':
      return 'manage';
    case 'auditor':
      return auditsCounty(actor, community.countyId) ? 'read' : 'none';
    case 'coordinator':
      return actor.communityIds.includes(community.id) ? 'manage' : 'none';
    case 'teacher':
    case 'classroom':
      return actor.communityIds.includes(community.id) ? 'read' : 'none';
  }
}

/** The community row if the actor may `need` it; 404 if it is not theirs to see, 403 if only to read. */
export async function requireCommunity(db: Db, actor: Actor, communityId: string, need: Access) {
  const [row] = await db.select().from(communities).where(eq(communities.id, communityId));
  const access = row ? communityAccess(actor, row) : 'none';
  if (!row || access === 'none') throw new NotFoundError('Community');
  if (need === 'manage' && access !== 'manage') throw new ForbiddenError('You may read this community but not change it');
  return row;
}

/** SQL condition on `communities` for the ones the actor may see. */
export function visibleCommunitiesWhere(actor: Actor) {
  switch (actor.role) {
    case 'admin':
      return sql`true`;
    case 'auditor':
      return auditedCountySql(actor, communities.countyId);
    default:
      return actor.communityIds.length ? inArray(communities.id, [...actor.communityIds]) : sql`false`;
  }
}

const uuidList = (ids: readonly string[]) => (ids.length ? sql`(${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})` : sql`(null)`);

/** Schools that are, were or will be members of the given communities (history: quota evidence, reading). */
export function schoolsOfCommunities(communityIds: readonly string[]) {
  return sql`select ${communityMemberships.schoolId} from ${communityMemberships} where ${communityMemberships.communityId} in ${uuidList(communityIds)}`;
}

/** A membership row `m` in force today. */
const inForceToday = sql`m.valid_from <= current_date and (m.valid_to is null or m.valid_to > current_date)`;

/**
 * Schools that are members of the given communities today. Management follows this (S-MANAGE-TODAY):
 * a school that left a community is no longer its coordinators' to run.
 */
export function schoolsOfCommunitiesToday(communityIds: readonly string[]) {
  return sql`select m.school_id from ${communityMemberships} m where m.community_id in ${uuidList(communityIds)} and ${inForceToday}`;
}

/** Schools sharing a community with this school today (its own included). */
function schoolsBesideToday(schoolId: string | null) {
  return sql`select m.school_id from ${communityMemberships} m where ${inForceToday} and m.community_id in (select o.community_id from ${communityMemberships} o where o.school_id = ${schoolId ?? NO_ID}::uuid and o.valid_from <= current_date and (o.valid_to is null or o.valid_to > current_date))`;
}

/** Counties the actor works in: where their communities are (for coordinators adding schools). */
export function countiesOfCommunities(communityIds: readonly string[]) {
  return sql`select ${communities.countyId} from ${communities} where ${communities.id} in ${uuidList(communityIds)}`;
}

/** SQL condition on `counties` for the ones the actor may see: where their communities' schools are (auditors: their region's). */
export function visibleCountiesWhere(actor: Actor) {
  switch (actor.role) {
    case 'admin':
      return sql`true`;
    case 'auditor':
      return auditedCountySql(actor, counties.id);
    default:
      return sql`${counties.id} in (select ${schools.countyId} from ${schools} where ${schools.id} in (${schoolsOfCommunities(actor.communityIds)}))`;
  }
}

/** A school with no membership covering today. */
export const unaffiliatedToday = sql`not exists (select 1 from ${communityMemberships} m where m.school_id = ${qualified(schools.id)} and m.valid_from <= current_date and (m.valid_to is null or m.valid_to > current_date))`;

/**
 * SQL condition on `schools` by role, given the schools a coordinator's communities hold and the
 * schools a teacher's or terminal's own school shares a community with. A coordinator also sees
 * schools of their counties that belong to no community today (candidates to join); a school of
 * another community stays invisible.
 */
function schoolsWhereBy(actor: Actor, communitySchools: SQL, besideOwnSchool: SQL) {
  switch (actor.role) {
    case 'admin':
      return sql`true`;
    case 'auditor':
      return auditedCountySql(actor, schools.countyId);
    case 'coordinator':
      return or(
        sql`${schools.id} in (${communitySchools})`,
        and(sql`${schools.countyId} in (${countiesOfCommunities(actor.communityIds)})`, unaffiliatedToday),
      )!;
    default:
      return or(actor.schoolId ? eq(schools.id, actor.schoolId) : sql`false`, sql`${schools.id} in (${besideOwnSchool})`)!;
  }
}

/** SQL condition on `schools` for the ones the actor may see (any membership, past ones included). */
export function visibleSchoolsWhere(actor: Actor) {
  const ofCommunities = schoolsOfCommunities(actor.communityIds);
  return schoolsWhereBy(actor, ofCommunities, ofCommunities);
}

/**
 * SQL condition on `schools` whose staff, classrooms and accounts the actor may see today
 * (S-MANAGE-TODAY): like `visibleSchoolsWhere`, but by the memberships in force today.
 */
export function staffSchoolsWhere(actor: Actor) {
  return schoolsWhereBy(actor, schoolsOfCommunitiesToday(actor.communityIds), schoolsBesideToday(actor.schoolId));
}

/**
 * Of these schools, the ones the actor may manage (details, classrooms, teachers, their accounts):
 * all for admins; for coordinators, schools that are members of one of their communities today (S-MANAGE-TODAY).
 */
export async function managedSchoolIds(db: Db, actor: Actor, schoolIds: readonly string[]): Promise<Set<string>> {
  if (actor.role === 'admin') return new Set(schoolIds);
  if (actor.role !== 'coordinator' || schoolIds.length === 0 || actor.communityIds.length === 0) return new Set();
  const rows = await db
    .select({ id: schools.id })
    .from(schools)
    .where(and(inArray(schools.id, [...schoolIds]), sql`${schools.id} in (${schoolsOfCommunitiesToday(actor.communityIds)})`));
  return new Set(rows.map((r) => r.id));
}

/** The school row if the actor may read it (history included: quota evidence names former members); 404 otherwise. */
export async function requireSchool(db: Db, actor: Actor, schoolId: string) {
  const [row] = await db.select().from(schools).where(and(eq(schools.id, schoolId), visibleSchoolsWhere(actor)));
  if (!row) throw new NotFoundError('School');
  return row;
}

/**
 * The school row for an operation on the school itself, its classrooms, teachers or accounts:
 * 404 unless it is the actor's today (S-MANAGE-TODAY), 403 when they may only read it.
 */
export async function requireSchoolStaff(db: Db, actor: Actor, schoolId: string, need: Access) {
  const [row] = await db.select().from(schools).where(and(eq(schools.id, schoolId), staffSchoolsWhere(actor)));
  if (!row) throw new NotFoundError('School');
  if (need === 'manage' && !(await managedSchoolIds(db, actor, [schoolId])).has(schoolId)) {
    throw new ForbiddenError('You may read this school but not change it');
  }
  return row;
}
