import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Dispatch, DispatchCreate, DispatchListQuery, DispatchUpdate } from '../../shared/schemas/schedule.ts';
import type { Actor } from '../accounts/actor.ts';
import { communityAccess, requireCommunity, visibleCommunitiesWhere } from '../accounts/scope.ts';
import type { Db } from '../db/client.ts';
import { communities, schools, teacherDispatches, teachers } from '../db/schema/index.ts';
import { ConflictError, isPgError, NotFoundError, PgCode, ValidationError } from '../http/errors.ts';
import { communitySchoolsOn } from './access.ts';

type Row = typeof teacherDispatches.$inferSelect;

async function toDtos(db: Db, rows: Row[]): Promise<Dispatch[]> {
  if (rows.length === 0) return [];
  const ts = await db
    .select({ id: teachers.id, name: teachers.name, schoolId: schools.id, schoolName: schools.name })
    .from(teachers)
    .innerJoin(schools, eq(schools.id, teachers.schoolId))
    .where(inArray(teachers.id, rows.map((r) => r.teacherId)));
  const ss = await db.select({ id: schools.id, name: schools.name }).from(schools).where(inArray(schools.id, rows.map((r) => r.schoolId)));
  const t = new Map(ts.map((x) => [x.id, x]));
  const s = new Map(ss.map((x) => [x.id, x]));
  return rows.map((r) => ({
    id: r.id,
    communityId: r.communityId,
    teacher: t.get(r.teacherId)!,
    school: s.get(r.schoolId)!,
    startsOn: r.startsOn,
    endsOn: r.endsOn,
    hoursPerWeek: r.hoursPerWeek === null ? null : Number(r.hoursPerWeek),
    note: r.note,
  }));
}

export async function listDispatches(db: Db, actor: Actor, q: z.output<typeof DispatchListQuery>): Promise<Dispatch[]> {
  if (q.communityId) await requireCommunity(db, actor, q.communityId, 'read');
  const where = q.communityId ? eq(teacherDispatches.communityId, q.communityId) : inArray(teacherDispatches.communityId, db.select({ id: communities.id }).from(communities).where(visibleCommunitiesWhere(actor)));
  return toDtos(db, await db.select().from(teacherDispatches).where(where).orderBy(asc(teacherDispatches.startsOn)).limit(5000));
}

/** The teacher must be a backbone teacher of the core school, the school a member school, on the first day. */
async function validate(db: Db, communityId: string, teacherId: string, schoolId: string, startsOn: string) {
  const roles = new Map((await communitySchoolsOn(db, communityId, startsOn)).map((m) => [m.schoolId, m.role]));
  const [teacher] = await db.select().from(teachers).where(eq(teachers.id, teacherId));
  const fields: { field: string; code: string; message: string }[] = [];
  if (!teacher || roles.get(teacher.schoolId) !== 'core') fields.push({ field: 'teacherId', code: 'not_core_teacher', message: `not a teacher of the core school on ${startsOn}` });
  else if (!teacher.isBackbone) fields.push({ field: 'teacherId', code: 'not_backbone', message: 'not a backbone teacher (骨干教师)' });
  if (roles.get(schoolId) !== 'member') fields.push({ field: 'schoolId', code: 'not_member_school', message: `not a member school on ${startsOn}` });
  if (fields.length) throw new ValidationError(fields);
}

async function clash(db: Db, actor: Actor, d: { teacherId: string; startsOn: string; endsOn: string }, excludeId?: string): Promise<ConflictError> {
  const [other] = await db
    .select({ d: teacherDispatches, schoolName: schools.name, teacherName: teachers.name, countyId: communities.countyId })
    .from(teacherDispatches)
    .innerJoin(schools, eq(schools.id, teacherDispatches.schoolId))
    .innerJoin(teachers, eq(teachers.id, teacherDispatches.teacherId))
    .innerJoin(communities, eq(communities.id, teacherDispatches.communityId))
    .where(
      and(
        eq(teacherDispatches.teacherId, d.teacherId),
        sql`daterange(${teacherDispatches.startsOn}, ${teacherDispatches.endsOn}, '[]') && daterange(${d.startsOn}::date, ${d.endsOn}::date, '[]')`,
        excludeId ? ne(teacherDispatches.id, excludeId) : sql`true`,
      ),
    )
    .limit(1);
  if (!other) return new ConflictError({ kind: 'dispatch', description: 'The teacher is already dispatched in that period' });
  const visible = communityAccess(actor, { id: other.d.communityId, countyId: other.countyId }) !== 'none';
  return new ConflictError({
    kind: 'dispatch',
    ...(visible ? { id: other.d.id, title: other.schoolName } : {}),
    startsAt: other.d.startsOn,
    endsAt: other.d.endsOn,
    who: other.teacherName,
    description: actor.locale === 'en'
      ? `${other.teacherName} is already dispatched to ${visible ? other.schoolName : 'another school'} from ${other.d.startsOn} to ${other.d.endsOn}`
      : `${other.teacherName} 已于 ${other.d.startsOn} 至 ${other.d.endsOn} 派驻${visible ? other.schoolName : '其他学校'}`,
  });
}

export async function createDispatch(db: Db, actor: Actor, input: z.output<typeof DispatchCreate>): Promise<Dispatch> {
  await requireCommunity(db, actor, input.communityId, 'manage');
  await validate(db, input.communityId, input.teacherId, input.schoolId, input.startsOn);
  try {
    const [row] = await db.transaction((tx) => tx.insert(teacherDispatches).values({ ...input, createdBy: actor.accountId }).returning());
    return (await toDtos(db, [row!]))[0]!;
  } catch (err) {
    if (isPgError(err, PgCode.exclusionViolation, 'teacher_dispatches_no_overlap')) throw await clash(db, actor, input);
    throw err;
  }
}

async function requireDispatch(db: Db, actor: Actor, id: string): Promise<Row> {
  const [row] = await db.select().from(teacherDispatches).where(eq(teacherDispatches.id, id));
  if (!row) throw new NotFoundError('Dispatch');
  await requireCommunity(db, actor, row.communityId, 'read').catch(() => {
    throw new NotFoundError('Dispatch');
  });
  await requireCommunity(db, actor, row.communityId, 'manage');
  return row;
}

export async function updateDispatch(db: Db, actor: Actor, id: string, input: z.output<typeof DispatchUpdate>): Promise<Dispatch> {
  const row = await requireDispatch(db, actor, id);
  const next = { ...row, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as Row;
  if (next.endsOn < next.startsOn) throw ValidationError.field('endsOn', 'ends before it starts', 'too_small');
  if (input.startsOn) await validate(db, row.communityId, row.teacherId, row.schoolId, input.startsOn);
  try {
    const [updated] = await db.transaction((tx) =>
      tx.update(teacherDispatches).set({ startsOn: next.startsOn, endsOn: next.endsOn, hoursPerWeek: next.hoursPerWeek, note: next.note }).where(eq(teacherDispatches.id, id)).returning(),
    );
    return (await toDtos(db, [updated!]))[0]!;
  } catch (err) {
    if (isPgError(err, PgCode.exclusionViolation, 'teacher_dispatches_no_overlap')) throw await clash(db, actor, next, id);
    throw err;
  }
}

export async function deleteDispatch(db: Db, actor: Actor, id: string): Promise<void> {
  await requireDispatch(db, actor, id);
  await db.delete(teacherDispatches).where(eq(teacherDispatches.id, id));
}
