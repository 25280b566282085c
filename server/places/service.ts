import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { ClassroomCreate, ClassroomUpdate, County, CountyCreate, School, SchoolCreate, SchoolListQuery, SchoolUpdate, SubjectCreate, Teacher, TeacherCreate, TeacherUpdate } from '../../shared/schemas/places.ts';
import type { Actor } from '../accounts/actor.ts';
import { communityAccess, countiesOfCommunities, managedSchoolIds, requireSchool, requireSchoolStaff, unaffiliatedToday, visibleCountiesWhere, visibleSchoolsWhere } from '../accounts/scope.ts';
import type { Db } from '../db/client.ts';
import { classrooms, communities, communityMemberships, counties, schools, subjects, teacherSubjects, teachers } from '../db/schema/index.ts';
import { ConflictError, ForbiddenError, isPgError, NotFoundError, PgCode, ValidationError } from '../http/errors.ts';

const requireAdmin = (actor: Actor) => {
  if (actor.role !== 'admin') throw new ForbiddenError('Only an administrator may do this');
};

// ---- counties and subjects ------------------------------------------------

export async function listCounties(db: Db, actor: Actor): Promise<County[]> {
  return db.select({ id: counties.id, code: counties.code, name: counties.name, city: counties.city, province: counties.province }).from(counties).where(visibleCountiesWhere(actor)).orderBy(asc(counties.name));
}

export async function createCounty(db: Db, actor: Actor, input: z.output<typeof CountyCreate>): Promise<County> {
  requireAdmin(actor);
  try {
    const [row] = await db.insert(counties).values(input).returning();
    return row!;
  } catch (err) {
    if (isPgError(err, PgCode.uniqueViolation)) throw new ConflictError({ kind: 'county', description: `A county with code ${input.code} already exists` });
    throw err;
  }
}

export const listSubjects = (db: Db) =>
  db.select({ code: subjects.code, nameZh: subjects.nameZh, nameEn: subjects.nameEn }).from(subjects).orderBy(asc(subjects.sortOrder), asc(subjects.code));

export async function createSubject(db: Db, actor: Actor, input: z.output<typeof SubjectCreate>) {
  requireAdmin(actor);
  const [row] = await db.insert(subjects).values(input).onConflictDoNothing().returning();
  if (!row) throw new ConflictError({ kind: 'subject', id: input.code, description: `Subject ${input.code} already exists` });
  return { code: row.code, nameZh: row.nameZh, nameEn: row.nameEn };
}

// ---- schools --------------------------------------------------------------

type SchoolRow = typeof schools.$inferSelect;

/**
 * School rows → the API's School: the community of today (when the caller may
 * see it), counts of classrooms and teachers, and whether the caller may manage it.
 */
async function toSchoolDtos(db: Db, actor: Actor, rows: SchoolRow[]): Promise<School[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [current, classroomCounts, teacherCounts, managed] = await Promise.all([
    db
      .select({ schoolId: communityMemberships.schoolId, role: communityMemberships.role, id: communities.id, name: communities.name, countyId: communities.countyId })
      .from(communityMemberships)
      .innerJoin(communities, eq(communities.id, communityMemberships.communityId))
      .where(
        and(
          inArray(communityMemberships.schoolId, ids),
          sql`${communityMemberships.validFrom} <= current_date and (${communityMemberships.validTo} is null or ${communityMemberships.validTo} > current_date)`,
        ),
      ),
    db
      .select({ schoolId: classrooms.schoolId, n: sql<number>`count(*)::int`, terminals: sql<number>`count(*) filter (where ${classrooms.hasJoinTerminal})::int` })
      .from(classrooms)
      .where(inArray(classrooms.schoolId, ids))
      .groupBy(classrooms.schoolId),
    db
      .select({ schoolId: teachers.schoolId, n: sql<number>`count(*)::int`, backbone: sql<number>`count(*) filter (where ${teachers.isBackbone})::int` })
      .from(teachers)
      .where(inArray(teachers.schoolId, ids))
      .groupBy(teachers.schoolId),
    managedSchoolIds(db, actor, ids),
  ]);
  const bySchool = new Map(current.filter((c) => communityAccess(actor, c) !== 'none').map((c) => [c.schoolId, c]));
  const rooms = new Map(classroomCounts.map((c) => [c.schoolId, c]));
  const staff = new Map(teacherCounts.map((t) => [t.schoolId, t]));
  return rows.map((r) => {
    const c = bySchool.get(r.id);
    return {
      id: r.id,
      countyId: r.countyId,
      name: r.name,
      stage: r.stage as School['stage'],
      locality: r.locality as School['locality'],
      newResident: r.newResident,
      timeZone: r.timeZone,
      currentCommunity: c ? { id: c.id, name: c.name, role: c.role as 'core' | 'member' } : null,
      counts: {
        classrooms: rooms.get(r.id)?.n ?? 0,
        terminals: rooms.get(r.id)?.terminals ?? 0,
        teachers: staff.get(r.id)?.n ?? 0,
        backboneTeachers: staff.get(r.id)?.backbone ?? 0,
      },
      access: managed.has(r.id) ? 'manage' : 'read',
    };
  });
}

export async function listSchools(db: Db, actor: Actor, q: z.output<typeof SchoolListQuery>): Promise<School[]> {
  const conditions = [visibleSchoolsWhere(actor)];
  if (q.countyId) conditions.push(eq(schools.countyId, q.countyId));
  if (q.communityId) conditions.push(sql`${schools.id} in (select school_id from community_memberships where community_id = ${q.communityId})`);
  if (q.unaffiliated === 'true') conditions.push(unaffiliatedToday);
  const rows = await db.select().from(schools).where(and(...conditions)).orderBy(asc(schools.name));
  return toSchoolDtos(db, actor, rows);
}

export async function getSchool(db: Db, actor: Actor, id: string): Promise<School> {
  const row = await requireSchool(db, actor, id);
  return (await toSchoolDtos(db, actor, [row]))[0]!;
}

async function assertMayAddSchoolIn(db: Db, actor: Actor, countyId: string) {
  const [county] = await db.select({ id: counties.id }).from(counties).where(eq(counties.id, countyId));
  if (actor.role === 'admin') {
    if (!county) throw ValidationError.field('countyId', 'unknown county', 'unknown');
    return;
  }
  if (actor.role !== 'coordinator') throw new ForbiddenError('Only administrators and coordinators add schools');
  const inScope = county
    ? (await db.select({ id: counties.id }).from(counties).where(and(eq(counties.id, countyId), sql`${counties.id} in (${countiesOfCommunities(actor.communityIds)})`))).length > 0
    : false;
  if (!inScope) throw ValidationError.field('countyId', 'not a county of your communities', 'scope');
}

function schoolConflict(err: unknown, name: string): never {
  if (isPgError(err, PgCode.uniqueViolation, 'schools_county_name_uq')) {
    throw new ConflictError({ kind: 'school', title: name, description: `A school named ${name} already exists in this county` });
  }
  throw err;
}

export async function createSchool(db: Db, actor: Actor, input: z.output<typeof SchoolCreate>): Promise<School> {
  await assertMayAddSchoolIn(db, actor, input.countyId);
  const row = await db.insert(schools).values(input).returning().then((r) => r[0]!, (err) => schoolConflict(err, input.name));
  return (await toSchoolDtos(db, actor, [row]))[0]!;
}

export async function updateSchool(db: Db, actor: Actor, id: string, input: z.output<typeof SchoolUpdate>): Promise<School> {
  const existing = await requireSchoolStaff(db, actor, id, 'manage');
  const row = await db
    .update(schools)
    .set(input)
    .where(eq(schools.id, id))
    .returning()
    .then((r) => r[0]!, (err) => schoolConflict(err, input.name ?? existing.name));
  return (await toSchoolDtos(db, actor, [row]))[0]!;
}

// ---- classrooms -----------------------------------------------------------

const classroomDto = (r: typeof classrooms.$inferSelect) => ({ id: r.id, schoolId: r.schoolId, name: r.name, hasJoinTerminal: r.hasJoinTerminal, capacity: r.capacity });

function classroomConflict(err: unknown, name: string): never {
  if (isPgError(err, PgCode.uniqueViolation, 'classrooms_school_name_uq')) {
    throw new ConflictError({ kind: 'classroom', title: name, description: `This school already has a classroom named ${name}` });
  }
  throw err;
}

export async function listClassrooms(db: Db, actor: Actor, schoolId: string) {
  await requireSchoolStaff(db, actor, schoolId, 'read');
  const rows = await db.select().from(classrooms).where(eq(classrooms.schoolId, schoolId)).orderBy(asc(classrooms.name));
  return rows.map(classroomDto);
}

export async function createClassroom(db: Db, actor: Actor, schoolId: string, input: z.output<typeof ClassroomCreate>) {
  await requireSchoolStaff(db, actor, schoolId, 'manage');
  const row = await db.insert(classrooms).values({ ...input, schoolId }).returning().then((r) => r[0]!, (err) => classroomConflict(err, input.name));
  return classroomDto(row);
}

export async function updateClassroom(db: Db, actor: Actor, id: string, input: z.output<typeof ClassroomUpdate>) {
  const [existing] = await db.select().from(classrooms).where(eq(classrooms.id, id));
  if (!existing) throw new NotFoundError('Classroom');
  await requireSchoolStaff(db, actor, existing.schoolId, 'manage').catch((err: unknown) => {
    throw err instanceof NotFoundError ? new NotFoundError('Classroom') : err;
  });
  const row = await db.update(classrooms).set(input).where(eq(classrooms.id, id)).returning().then((r) => r[0]!, (err) => classroomConflict(err, input.name ?? existing.name));
  return classroomDto(row);
}

// ---- teachers -------------------------------------------------------------

async function teacherDtos(db: Db, rows: (typeof teachers.$inferSelect)[]): Promise<Teacher[]> {
  if (rows.length === 0) return [];
  const subs = await db.select().from(teacherSubjects).where(inArray(teacherSubjects.teacherId, rows.map((r) => r.id)));
  return rows.map((r) => ({
    id: r.id,
    schoolId: r.schoolId,
    name: r.name,
    isBackbone: r.isBackbone,
    subjects: subs.filter((s) => s.teacherId === r.id).map((s) => s.subjectCode).sort(),
  }));
}

async function assertSubjectsExist(db: Db, codes: readonly string[]) {
  if (codes.length === 0) return;
  const known = new Set((await db.select({ code: subjects.code }).from(subjects).where(inArray(subjects.code, [...codes]))).map((s) => s.code));
  const fields = codes.flatMap((c, i) => (known.has(c) ? [] : [{ field: `subjects.${i}`, code: 'unknown', message: `unknown subject ${c}` }]));
  if (fields.length) throw new ValidationError(fields);
}

export async function listTeachers(db: Db, actor: Actor, schoolId: string) {
  await requireSchoolStaff(db, actor, schoolId, 'read');
  return teacherDtos(db, await db.select().from(teachers).where(eq(teachers.schoolId, schoolId)).orderBy(asc(teachers.name)));
}

export async function createTeacher(db: Db, actor: Actor, schoolId: string, input: z.output<typeof TeacherCreate>) {
  await requireSchoolStaff(db, actor, schoolId, 'manage');
  await assertSubjectsExist(db, input.subjects);
  const row = await db.transaction(async (tx) => {
    const [t] = await tx.insert(teachers).values({ schoolId, name: input.name, isBackbone: input.isBackbone }).returning();
    const codes = [...new Set(input.subjects)];
    if (codes.length) await tx.insert(teacherSubjects).values(codes.map((subjectCode) => ({ teacherId: t!.id, subjectCode })));
    return t!;
  });
  return (await teacherDtos(db, [row]))[0]!;
}

export async function updateTeacher(db: Db, actor: Actor, id: string, input: z.output<typeof TeacherUpdate>) {
  const [existing] = await db.select().from(teachers).where(eq(teachers.id, id));
  if (!existing) throw new NotFoundError('Teacher');
  await requireSchoolStaff(db, actor, existing.schoolId, 'manage').catch((err: unknown) => {
    throw err instanceof NotFoundError ? new NotFoundError('Teacher') : err;
  });
  if (input.subjects) await assertSubjectsExist(db, input.subjects);
  const row = await db.transaction(async (tx) => {
    const { subjects: codes, ...fields } = input;
    const [t] = Object.keys(fields).length ? await tx.update(teachers).set(fields).where(eq(teachers.id, id)).returning() : [existing];
    if (codes) {
      await tx.delete(teacherSubjects).where(eq(teacherSubjects.teacherId, id));
      const unique = [...new Set(codes)];
      if (unique.length) await tx.insert(teacherSubjects).values(unique.map((subjectCode) => ({ teacherId: id, subjectCode })));
    }
    return t!;
  });
  return (await teacherDtos(db, [row]))[0]!;
}
