import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Community, CommunityCreate, CommunitySummary, CommunityUpdate, Membership, MembershipCreate, MembershipUpdate } from '../../shared/schemas/communities.ts';
import type { Actor } from '../accounts/actor.ts';
import { communityAccess, requireCommunity, staffSchoolsWhere, visibleCommunitiesWhere } from '../accounts/scope.ts';
import type { Db } from '../db/client.ts';
import { qualified } from '../db/sql.ts';
import { accountCommunities, accounts, communities, communityMemberships, communityTypes, counties, schools } from '../db/schema/index.ts';
import { ConflictError, ForbiddenError, isPgError, NotFoundError, PgCode, ValidationError } from '../http/errors.ts';

export async function listCommunityTypes(db: Db) {
  return db.select().from(communityTypes).orderBy(asc(communityTypes.code));
}

export async function listCommunities(db: Db, actor: Actor): Promise<CommunitySummary[]> {
  const rows = await db
    .select({
      id: communities.id,
      countyId: communities.countyId,
      name: communities.name,
      typeCode: communities.typeCode,
      coreId: sql<string | null>`(select m.school_id from community_memberships m where m.community_id = ${qualified(communities.id)} and m.role = 'core' and m.valid_from <= current_date and (m.valid_to is null or m.valid_to > current_date) limit 1)`,
      coreName: sql<string | null>`(select s.name from community_memberships m join schools s on s.id = m.school_id where m.community_id = ${qualified(communities.id)} and m.role = 'core' and m.valid_from <= current_date and (m.valid_to is null or m.valid_to > current_date) limit 1)`,
      members: sql<number>`(select count(*)::int from community_memberships m where m.community_id = ${qualified(communities.id)} and m.role = 'member' and m.valid_from <= current_date and (m.valid_to is null or m.valid_to > current_date))`,
    })
    .from(communities)
    .where(visibleCommunitiesWhere(actor))
    .orderBy(asc(communities.name));
  return rows.map((r) => ({
    id: r.id,
    countyId: r.countyId,
    name: r.name,
    typeCode: r.typeCode,
    coreSchool: r.coreId && r.coreName ? { id: r.coreId, name: r.coreName } : null,
    memberSchoolCount: r.members,
    access: communityAccess(actor, r) === 'manage' ? 'manage' : 'read',
  }));
}

async function membershipsOf(db: Db, communityId: string): Promise<Membership[]> {
  const rows = await db
    .select({ m: communityMemberships, schoolName: schools.name })
    .from(communityMemberships)
    .innerJoin(schools, eq(schools.id, communityMemberships.schoolId))
    .where(eq(communityMemberships.communityId, communityId))
    .orderBy(sql`case ${communityMemberships.role} when 'core' then 0 else 1 end`, asc(schools.name), asc(communityMemberships.validFrom));
  return rows.map(({ m, schoolName }) => ({ id: m.id, schoolId: m.schoolId, schoolName, role: m.role as Membership['role'], validFrom: m.validFrom, validTo: m.validTo }));
}

export async function getCommunity(db: Db, actor: Actor, communityId: string): Promise<Community> {
  const row = await requireCommunity(db, actor, communityId, 'read');
  const [memberships, coordinators] = await Promise.all([
    membershipsOf(db, communityId),
    db
      .select({ id: accounts.id, displayName: accounts.displayName })
      .from(accountCommunities)
      .innerJoin(accounts, eq(accounts.id, accountCommunities.accountId))
      .where(eq(accountCommunities.communityId, communityId))
      .orderBy(asc(accounts.displayName)),
  ]);
  return {
    id: row.id,
    countyId: row.countyId,
    name: row.name,
    typeCode: row.typeCode,
    description: row.description,
    memberships,
    coordinators,
    access: communityAccess(actor, row) === 'manage' ? 'manage' : 'read',
  };
}

async function assertTypeExists(db: Db, typeCode: string) {
  const [t] = await db.select().from(communityTypes).where(eq(communityTypes.code, typeCode));
  if (!t) throw ValidationError.field('typeCode', `unknown community type ${typeCode}`, 'unknown');
}

/**
 * Turns the database's refusal of overlapping memberships into a 409 that names
 * the clash — naming the other community only if the caller may see it.
 */
async function describeMembershipClash(
  db: Db,
  actor: Actor,
  m: { communityId: string; schoolId: string; role: string; validFrom: string; validTo: string | null },
  excludeId?: string,
): Promise<ConflictError> {
  const overlap = sql`daterange(${communityMemberships.validFrom}, ${communityMemberships.validTo}, '[)') && daterange(${m.validFrom}::date, ${m.validTo}::date, '[)')`;
  const notSelf = excludeId ? ne(communityMemberships.id, excludeId) : sql`true`;
  const [clash] = await db
    .select({ m: communityMemberships, community: communities, schoolName: schools.name })
    .from(communityMemberships)
    .innerJoin(communities, eq(communities.id, communityMemberships.communityId))
    .innerJoin(schools, eq(schools.id, communityMemberships.schoolId))
    .where(and(eq(communityMemberships.schoolId, m.schoolId), overlap, notSelf))
    .limit(1);
  const span = (from: string, to: string | null) => (to ? `${from} – ${to}` : `from ${from}`);
  if (clash) {
    const visible = communityAccess(actor, clash.community) !== 'none';
    const where = visible ? `community ${clash.community.name}` : 'another community';
    return new ConflictError({
      kind: 'membership',
      ...(visible ? { id: clash.m.id, title: clash.community.name } : {}),
      startsAt: clash.m.validFrom,
      ...(clash.m.validTo ? { endsAt: clash.m.validTo } : {}),
      description: `${clash.schoolName} already belongs to ${where} ${span(clash.m.validFrom, clash.m.validTo)}`,
    });
  }
  const [core] = m.role === 'core'
    ? await db
        .select({ m: communityMemberships, schoolName: schools.name })
        .from(communityMemberships)
        .innerJoin(schools, eq(schools.id, communityMemberships.schoolId))
        .where(and(eq(communityMemberships.communityId, m.communityId), eq(communityMemberships.role, 'core'), overlap, notSelf))
        .limit(1)
    : [];
  if (core) {
    return new ConflictError({
      kind: 'core_school',
      id: core.m.id,
      title: core.schoolName,
      startsAt: core.m.validFrom,
      description: `The community already has a core school, ${core.schoolName}, ${span(core.m.validFrom, core.m.validTo)}`,
    });
  }
  return new ConflictError({ kind: 'membership', description: 'The membership overlaps another one' });
}

async function insertMembership(db: Db, actor: Actor, m: { communityId: string; schoolId: string; role: 'core' | 'member'; validFrom: string; validTo: string | null }) {
  // A savepoint keeps an outer transaction usable after the database refuses the row.
  try {
    const [row] = await db.transaction((tx) => tx.insert(communityMemberships).values(m).returning());
    return row!;
  } catch (err) {
    if (isPgError(err, PgCode.exclusionViolation)) throw await describeMembershipClash(db, actor, m);
    throw err;
  }
}

export async function createCommunity(db: Db, actor: Actor, input: z.output<typeof CommunityCreate>): Promise<Community> {
  if (actor.role !== 'admin') throw new ForbiddenError('Only an administrator founds communities');
  const [county] = await db.select().from(counties).where(eq(counties.id, input.countyId));
  if (!county) throw ValidationError.field('countyId', 'unknown county', 'unknown');
  await assertTypeExists(db, input.typeCode);
  const ids = [input.coreSchoolId, ...input.memberSchoolIds];
  const found = new Set((await db.select({ id: schools.id }).from(schools).where(inArray(schools.id, ids))).map((s) => s.id));
  const missing = [
    ...(found.has(input.coreSchoolId) ? [] : [{ field: 'coreSchoolId', code: 'unknown', message: 'unknown school' }]),
    ...input.memberSchoolIds.flatMap((id, i) => (found.has(id) ? [] : [{ field: `memberSchoolIds.${i}`, code: 'unknown', message: 'unknown school' }])),
  ];
  if (missing.length) throw new ValidationError(missing);

  const id = await db.transaction(async (tx) => {
    const [c] = await tx.insert(communities).values({ countyId: input.countyId, name: input.name, typeCode: input.typeCode, description: input.description }).returning();
    const txDb = tx as unknown as Db;
    await insertMembership(txDb, actor, { communityId: c!.id, schoolId: input.coreSchoolId, role: 'core', validFrom: input.validFrom, validTo: null });
    for (const schoolId of input.memberSchoolIds) {
      await insertMembership(txDb, actor, { communityId: c!.id, schoolId, role: 'member', validFrom: input.validFrom, validTo: null });
    }
    return c!.id;
  });
  return getCommunity(db, actor, id);
}

export async function updateCommunity(db: Db, actor: Actor, communityId: string, input: z.output<typeof CommunityUpdate>): Promise<Community> {
  await requireCommunity(db, actor, communityId, 'manage');
  if (input.typeCode) await assertTypeExists(db, input.typeCode);
  if (Object.keys(input).length) await db.update(communities).set(input).where(eq(communities.id, communityId));
  return getCommunity(db, actor, communityId);
}

export async function addMembership(db: Db, actor: Actor, communityId: string, input: z.output<typeof MembershipCreate>): Promise<Membership> {
  await requireCommunity(db, actor, communityId, 'manage');
  if (input.role === 'core' && actor.role !== 'admin') throw new ForbiddenError('Only an administrator changes a community\'s core school');
  const [school] = await db.select().from(schools).where(and(eq(schools.id, input.schoolId), staffSchoolsWhere(actor)));
  if (!school) throw ValidationError.field('schoolId', 'unknown school', 'unknown');
  const row = await insertMembership(db, actor, { communityId, ...input });
  return { id: row.id, schoolId: row.schoolId, schoolName: school.name, role: row.role as Membership['role'], validFrom: row.validFrom, validTo: row.validTo };
}

async function requireMembership(db: Db, actor: Actor, communityId: string, membershipId: string) {
  await requireCommunity(db, actor, communityId, 'manage');
  const [row] = await db
    .select({ m: communityMemberships, schoolName: schools.name })
    .from(communityMemberships)
    .innerJoin(schools, eq(schools.id, communityMemberships.schoolId))
    .where(and(eq(communityMemberships.id, membershipId), eq(communityMemberships.communityId, communityId)));
  if (!row) throw new NotFoundError('Membership');
  if (row.m.role === 'core' && actor.role !== 'admin') throw new ForbiddenError('Only an administrator changes a community\'s core school');
  return row;
}

export async function updateMembership(db: Db, actor: Actor, communityId: string, membershipId: string, input: z.output<typeof MembershipUpdate>): Promise<Membership> {
  const { m, schoolName } = await requireMembership(db, actor, communityId, membershipId);
  if (input.validTo !== null && input.validTo <= m.validFrom) throw ValidationError.field('validTo', `must be after ${m.validFrom}`, 'too_small');
  try {
    const [row] = await db.transaction((tx) => tx.update(communityMemberships).set({ validTo: input.validTo }).where(eq(communityMemberships.id, membershipId)).returning());
    return { id: row!.id, schoolId: row!.schoolId, schoolName, role: row!.role as Membership['role'], validFrom: row!.validFrom, validTo: row!.validTo };
  } catch (err) {
    if (isPgError(err, PgCode.exclusionViolation)) throw await describeMembershipClash(db, actor, { ...m, validTo: input.validTo }, membershipId);
    throw err;
  }
}

export async function deleteMembership(db: Db, actor: Actor, communityId: string, membershipId: string): Promise<void> {
  const { m } = await requireMembership(db, actor, communityId, membershipId);
  if (m.role === 'member') {
    const [{ n }] = (await db
      .select({ n: sql<number>`count(*)::int` })
      .from(communityMemberships)
      .where(and(eq(communityMemberships.communityId, communityId), eq(communityMemberships.role, 'member'), ne(communityMemberships.id, membershipId)))) as [{ n: number }];
    if (n === 0) throw new ConflictError({ kind: 'last_member', description: 'A community keeps at least one member school; end the membership with a date instead' });
  }
  await db.delete(communityMemberships).where(eq(communityMemberships.id, membershipId));
}

