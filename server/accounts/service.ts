import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Account, AccountCreate, AccountUpdate } from '../../shared/schemas/accounts.ts';
import type { Locale } from '../../shared/schemas/common.ts';
import type { Db } from '../db/client.ts';
import { accountActivations, accountCommunities, accounts, classrooms, communities, counties, schools, teachers } from '../db/schema/index.ts';
import { ConflictError, ForbiddenError, isPgError, NotFoundError, PgCode, ValidationError } from '../http/errors.ts';
import type { Actor } from './actor.ts';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password.ts';
import { endAccountSessions } from './sessions.ts';
import { schoolsOfCommunitiesToday } from './scope.ts';

type AccountRow = typeof accounts.$inferSelect;

async function toDtos(db: Db, rows: AccountRow[]): Promise<Account[]> {
  const coordinatorIds = rows.filter((r) => r.role === 'coordinator').map((r) => r.id);
  const links = coordinatorIds.length ? await db.select().from(accountCommunities).where(inArray(accountCommunities.accountId, coordinatorIds)) : [];
  const teacherIds = rows.flatMap((r) => (r.teacherId ? [r.teacherId] : []));
  const classroomIds = rows.flatMap((r) => (r.classroomId ? [r.classroomId] : []));
  const [teacherRows, classroomRows] = await Promise.all([
    teacherIds.length
      ? db.select({ id: teachers.id, name: teachers.name, schoolId: schools.id, schoolName: schools.name }).from(teachers).innerJoin(schools, eq(schools.id, teachers.schoolId)).where(inArray(teachers.id, teacherIds))
      : [],
    classroomIds.length
      ? db.select({ id: classrooms.id, name: classrooms.name, schoolId: schools.id, schoolName: schools.name }).from(classrooms).innerJoin(schools, eq(schools.id, classrooms.schoolId)).where(inArray(classrooms.id, classroomIds))
      : [],
  ]);
  const subjects = new Map([...teacherRows, ...classroomRows].map(({ id, ...subject }) => [id, subject]));
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    displayName: r.displayName,
    role: r.role as Account['role'],
    countyId: r.countyId,
    auditLevel: r.auditLevel as Account['auditLevel'],
    auditCity: r.auditCity,
    auditProvince: r.auditProvince,
    teacherId: r.teacherId,
    classroomId: r.classroomId,
    communityIds: links.filter((l) => l.accountId === r.id).map((l) => l.communityId),
    subject: subjects.get(r.teacherId ?? r.classroomId ?? '') ?? null,
    locale: r.locale as Locale,
    disabled: r.disabled,
  }));
}

export async function accountDto(db: Db, accountId: string): Promise<Account> {
  const [row] = await db.select().from(accounts).where(eq(accounts.id, accountId));
  if (!row) throw new NotFoundError('Account');
  return (await toDtos(db, [row]))[0]!;
}

/** Accounts a coordinator manages: teacher and classroom accounts of their communities' schools today (S-MANAGE-TODAY). */
function managedByCoordinator(actor: Actor) {
  const inSchools = schoolsOfCommunitiesToday(actor.communityIds);
  return or(
    sql`${accounts.teacherId} in (select id from teachers where school_id in (${inSchools}))`,
    sql`${accounts.classroomId} in (select id from classrooms where school_id in (${inSchools}))`,
  )!;
}

export async function listAccounts(db: Db, actor: Actor): Promise<Account[]> {
  if (actor.role !== 'admin' && actor.role !== 'coordinator') throw new ForbiddenError('Only administrators and coordinators manage accounts');
  const where = actor.role === 'admin' ? sql`true` : managedByCoordinator(actor);
  return toDtos(db, await db.select().from(accounts).where(where).orderBy(asc(accounts.role), asc(accounts.username)));
}

async function assertInCoordinatorScope(db: Db, actor: Actor, kind: 'teacher' | 'classroom', id: string) {
  const inSchools = schoolsOfCommunitiesToday(actor.communityIds);
  const table = kind === 'teacher' ? teachers : classrooms;
  const [row] = await db.select({ id: table.id }).from(table).where(and(eq(table.id, id), sql`${table.schoolId} in (${inSchools})`));
  if (!row) throw ValidationError.field(`${kind}Id`, `unknown ${kind}`, 'unknown');
}

type AuditorInput = Extract<z.output<typeof AccountCreate>, { role: 'auditor' }>;
type AuditorRegion = { countyId: string | null; auditCity: string | null; auditProvince: string | null };

/**
 * An auditor's region as the request names it (C-AUDIT-REGION): exactly the fields of its level,
 * each naming a place the platform has (a city is known by a county of it in that province);
 * anything else is a 400 naming the field.
 */
async function auditorRegionOf(db: Db, input: AuditorInput): Promise<AuditorRegion> {
  const wanted = { county: ['countyId'], city: ['auditCity', 'auditProvince'], province: ['auditProvince'] }[input.auditLevel];
  const issues = (['countyId', 'auditCity', 'auditProvince'] as const).flatMap((f) =>
    wanted.includes(f) === (input[f] !== undefined)
      ? []
      : [{ field: f, code: wanted.includes(f) ? 'required' : 'not_applicable', message: wanted.includes(f) ? `required for a ${input.auditLevel} auditor` : `not for a ${input.auditLevel} auditor` }],
  );
  if (issues.length) throw new ValidationError(issues);
  if (input.auditLevel === 'county') {
    const [c] = await db.select({ id: counties.id }).from(counties).where(eq(counties.id, input.countyId!));
    if (!c) throw ValidationError.field('countyId', 'unknown county', 'unknown');
    return { countyId: c.id, auditCity: null, auditProvince: null };
  }
  const [p] = await db.select({ id: counties.id }).from(counties).where(eq(counties.province, input.auditProvince!)).limit(1);
  if (!p) throw ValidationError.field('auditProvince', 'unknown province', 'unknown');
  if (input.auditLevel === 'province') return { countyId: null, auditCity: null, auditProvince: input.auditProvince! };
  const [c] = await db.select({ id: counties.id }).from(counties).where(and(eq(counties.city, input.auditCity!), eq(counties.province, input.auditProvince!))).limit(1);
  if (!c) throw ValidationError.field('auditCity', 'unknown city of that province', 'unknown');
  return { countyId: null, auditCity: input.auditCity!, auditProvince: input.auditProvince! };
}

export async function createAccount(db: Db, actor: Actor, input: z.output<typeof AccountCreate>): Promise<Account> {
  if (actor.role === 'coordinator') {
    if (input.role !== 'teacher' && input.role !== 'classroom') throw new ForbiddenError('Coordinators create teacher and classroom accounts only');
  } else if (actor.role !== 'admin') {
    throw new ForbiddenError('Only administrators and coordinators create accounts');
  }
  // Every referenced thing must exist (and, for coordinators, be theirs).
  let region: AuditorRegion = { countyId: null, auditCity: null, auditProvince: null };
  if (input.role === 'auditor') {
    region = await auditorRegionOf(db, input);
  } else if (input.role === 'coordinator') {
    const found = new Set((await db.select({ id: communities.id }).from(communities).where(inArray(communities.id, input.communityIds))).map((c) => c.id));
    const bad = input.communityIds.flatMap((id, i) => (found.has(id) ? [] : [{ field: `communityIds.${i}`, code: 'unknown', message: 'unknown community' }]));
    if (bad.length) throw new ValidationError(bad);
  } else if (input.role === 'teacher' || input.role === 'classroom') {
    const id = input.role === 'teacher' ? input.teacherId : input.classroomId;
    if (actor.role === 'coordinator') await assertInCoordinatorScope(db, actor, input.role, id);
    else {
      const table = input.role === 'teacher' ? teachers : classrooms;
      const [row] = await db.select({ id: table.id }).from(table).where(eq(table.id, id));
      if (!row) throw ValidationError.field(`${input.role}Id`, `unknown ${input.role}`, 'unknown');
    }
  }
  const passwordHash = await hashPassword(input.password);
  try {
    const id = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(accounts)
        .values({
          username: input.username,
          displayName: input.displayName,
          passwordHash,
          role: input.role,
          auditLevel: input.role === 'auditor' ? input.auditLevel : null,
          ...region,
          teacherId: input.role === 'teacher' ? input.teacherId : null,
          classroomId: input.role === 'classroom' ? input.classroomId : null,
          createdBy: actor.accountId,
        })
        .returning({ id: accounts.id });
      if (input.role === 'coordinator') {
        await tx.insert(accountCommunities).values(input.communityIds.map((communityId) => ({ accountId: row!.id, communityId })));
      }
      return row!.id;
    });
    return accountDto(db, id);
  } catch (err) {
    if (isPgError(err, PgCode.uniqueViolation, 'accounts_username_unique')) {
      throw new ConflictError({ kind: 'account', title: input.username, description: `The username ${input.username} is taken` });
    }
    if (isPgError(err, PgCode.uniqueViolation)) {
      throw new ConflictError({ kind: 'account', description: `That ${input.role} already has an account` });
    }
    throw err;
  }
}

/**
 * Changes an account. Disabling it or setting its password ends its sessions (all but `keepSessionKey`,
 * the caller's own), in the same transaction; the keys ended are returned so their sockets close (S-SESSION-END).
 */
export async function updateAccount(
  db: Db,
  actor: Actor,
  id: string,
  input: z.output<typeof AccountUpdate>,
  keepSessionKey: string | null = null,
): Promise<{ account: Account; endedSessions: string[] }> {
  const [row] = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.id, id), actor.role === 'admin' ? sql`true` : actor.role === 'coordinator' ? managedByCoordinator(actor) : sql`false`));
  if (!row) throw new NotFoundError('Account');
  if (input.communityIds && (actor.role !== 'admin' || row.role !== 'coordinator')) {
    throw ValidationError.field('communityIds', 'only a coordinator account has communities, set by an administrator', 'not_applicable');
  }
  if (row.id === actor.accountId && input.disabled) throw ValidationError.field('disabled', 'you cannot disable your own account', 'self');
  const endedSessions = await db.transaction(async (tx) => {
    const set: Partial<AccountRow> = {};
    if (input.displayName !== undefined) set.displayName = input.displayName;
    if (input.disabled !== undefined) set.disabled = input.disabled;
    if (input.locale !== undefined) set.locale = input.locale;
    if (input.password !== undefined) set.passwordHash = await hashPassword(input.password);
    if (Object.keys(set).length) await tx.update(accounts).set(set).where(eq(accounts.id, id));
    // A password set for a new account voids its one-time sign-in code (C-ROSTER-CREDENTIALS).
    if (input.password !== undefined) await tx.delete(accountActivations).where(eq(accountActivations.accountId, id));
    if (input.communityIds) {
      await tx.delete(accountCommunities).where(eq(accountCommunities.accountId, id));
      await tx.insert(accountCommunities).values(input.communityIds.map((communityId) => ({ accountId: id, communityId })));
    }
    const endsSessions = input.disabled === true || input.password !== undefined;
    return endsSessions ? endAccountSessions(tx as unknown as Db, id, keepSessionKey) : [];
  });
  return { account: await accountDto(db, id), endedSessions };
}

/** The account for these credentials, or null; takes about as long either way. */
export async function authenticate(db: Db, username: string, password: string): Promise<AccountRow | null> {
  const [row] = await db.select().from(accounts).where(eq(accounts.username, username));
  const ok = await verifyPassword(row?.passwordHash ?? (await dummyPasswordHash()), password);
  return row && ok && !row.disabled ? row : null;
}

export async function setLocale(db: Db, accountId: string, locale: Locale): Promise<void> {
  await db.update(accounts).set({ locale }).where(eq(accounts.id, accountId));
}
