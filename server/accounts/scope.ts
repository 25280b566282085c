import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { qualified } from '../db/sql.ts';
import { communities, communityMemberships, schools } from '../db/schema/index.ts';
import { ForbiddenError, NotFoundError } from '../http/errors.ts';
import type { Actor } from './actor.ts';

export type Access = 'read' | 'manage';

/**
 * How the actor stands to a community: they manage it, may read it, or it does
 * not exist for them (then every answer about it is a 404, whether it exists or not).
 */
export function communityAccess(actor: Actor, community: { id: string; countyId: string }): Access | 'none' {
  switch (actor.role) {
    case 'admin':
      return 'manage';
    case 'auditor':
      return community.countyId === actor.countyId ? 'read' : 'none';
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
      return eq(communities.countyId, actor.countyId ?? '00000000-0000-0000-0000-000000000000');
    default:
      return actor.communityIds.length ? inArray(communities.id, [...actor.communityIds]) : sql`false`;
  }
}

/** Schools that are, were or will be members of the given communities. */
export function schoolsOfCommunities(communityIds: readonly string[]) {
  return sql`select ${communityMemberships.schoolId} from ${communityMemberships} where ${communityMemberships.communityId} in ${communityIds.length ? sql`(${sql.join(communityIds.map((id) => sql`${id}::uuid`), sql`, `)})` : sql`(null)`}`;
}

/** Counties the actor works in: where their communities are (for coordinators adding schools). */
export function countiesOfCommunities(communityIds: readonly string[]) {
  return sql`select ${communities.countyId} from ${communities} where ${communities.id} in ${communityIds.length ? sql`(${sql.join(communityIds.map((id) => sql`${id}::uuid`), sql`, `)})` : sql`(null)`}`;
}

/** A school with no membership covering today. */
export const unaffiliatedToday = sql`not exists (select 1 from ${communityMemberships} m where m.school_id = ${qualified(schools.id)} and m.valid_from <= current_date and (m.valid_to is null or m.valid_to > current_date))`;

/** SQL condition on `schools` for the ones the actor may see. */
export function visibleSchoolsWhere(actor: Actor) {
  switch (actor.role) {
    case 'admin':
      return sql`true`;
    case 'auditor':
      return eq(schools.countyId, actor.countyId ?? '00000000-0000-0000-0000-000000000000');
    case 'coordinator':
      // Their communities' schools, and schools of their counties that belong to no community today
      // (candidates to join); a school of another community stays invisible.
      return or(
        sql`${schools.id} in (${schoolsOfCommunities(actor.communityIds)})`,
        and(sql`${schools.countyId} in (${countiesOfCommunities(actor.communityIds)})`, unaffiliatedToday),
      )!;
    default:
      return or(
        actor.schoolId ? eq(schools.id, actor.schoolId) : sql`false`,
        sql`${schools.id} in (${schoolsOfCommunities(actor.communityIds)})`,
      )!;
  }
}

/**
 * Of these schools, the ones the actor may manage (details, classrooms, teachers):
 * all for admins; for coordinators, schools that belong (or belonged, or will) to one of their communities.
 */
export async function managedSchoolIds(db: Db, actor: Actor, schoolIds: readonly string[]): Promise<Set<string>> {
  if (actor.role === 'admin') return new Set(schoolIds);
  if (actor.role !== 'coordinator' || schoolIds.length === 0 || actor.communityIds.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ id: communityMemberships.schoolId })
    .from(communityMemberships)
    .where(and(inArray(communityMemberships.schoolId, [...schoolIds]), inArray(communityMemberships.communityId, [...actor.communityIds])));
  return new Set(rows.map((r) => r.id));
}

/** The school row if the actor may `need` it: 404 when it is not theirs to see, 403 when only to read. */
export async function requireSchool(db: Db, actor: Actor, schoolId: string, need: Access) {
  const [row] = await db.select().from(schools).where(and(eq(schools.id, schoolId), visibleSchoolsWhere(actor)));
  if (!row) throw new NotFoundError('School');
  if (need === 'manage' && !(await managedSchoolIds(db, actor, [schoolId])).has(schoolId)) {
    throw new ForbiddenError('You may read this school but not change it');
  }
  return row;
}
