import { and, eq } from 'drizzle-orm';
import type { SchoolResources, SchoolResourcesInput, TeacherRotation, TeacherRotationCreate } from '../../shared/schemas/county.ts';
import type { z } from 'zod';
import type { Actor } from '../accounts/actor.ts';
import { auditsCounty } from '../accounts/auditRegion.ts';
import { withActor } from '../audit/actor.ts';
import type { Db } from '../db/client.ts';
import { academicYears, schoolResources, schools, teacherRotations, teachers } from '../db/schema/index.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../http/errors.ts';

/** The county bureau (an admin) enters its figures; auditors read them. */
function requireAdmin(actor: Actor) {
  if (actor.role !== 'admin') throw new ForbiddenError('Only an administrator enters county figures');
}

const NOT_ENTERED = { pupils: null, teachersAboveQualification: null, backboneTeachers: null, peArtsTeachers: null, teachingFloorArea: null, sportsGroundArea: null, equipmentValue: null, multimediaClassrooms: null };

/** A school's figures for a year as entered (null: not entered): administrators, and the auditors of its county; others 404. */
export async function getSchoolResources(db: Db, actor: Actor, schoolId: string, academicYear: string): Promise<SchoolResources> {
  const [school] = await db.select({ countyId: schools.countyId }).from(schools).where(eq(schools.id, schoolId));
  if (!school || !(actor.role === 'admin' || auditsCounty(actor, school.countyId))) throw new NotFoundError('School');
  const [row] = await db.select().from(schoolResources).where(and(eq(schoolResources.schoolId, schoolId), eq(schoolResources.academicYear, academicYear)));
  const figures = row ? { pupils: row.pupils, teachersAboveQualification: row.teachersAboveQualification, backboneTeachers: row.backboneTeachers, peArtsTeachers: row.peArtsTeachers, teachingFloorArea: row.teachingFloorArea, sportsGroundArea: row.sportsGroundArea, equipmentValue: row.equipmentValue, multimediaClassrooms: row.multimediaClassrooms } : NOT_ENTERED;
  return { ...figures, schoolId, academicYear };
}

/** Sets a school's figures for a year (replacing what was there), in the audit trail. */
export async function putSchoolResources(db: Db, actor: Actor, schoolId: string, academicYear: string, body: z.infer<typeof SchoolResourcesInput>): Promise<SchoolResources> {
  requireAdmin(actor);
  const [school] = await db.select({ id: schools.id }).from(schools).where(eq(schools.id, schoolId));
  if (!school) throw new NotFoundError('School');
  const [year] = await db.select({ id: academicYears.id }).from(academicYears).where(eq(academicYears.label, academicYear));
  if (!year) throw new NotFoundError(`Academic year ${academicYear}`);
  return withActor(db, { accountId: actor.accountId }, async (tx) => {
    const values = { ...body, schoolId, academicYear, updatedBy: actor.accountId, updatedAt: new Date() };
    await tx.insert(schoolResources).values(values).onConflictDoUpdate({ target: [schoolResources.schoolId, schoolResources.academicYear], set: values });
    return { ...body, schoolId, academicYear };
  });
}

/** Records a rotation from the teacher's own school to another school of the same county. */
export async function createTeacherRotation(db: Db, actor: Actor, body: z.infer<typeof TeacherRotationCreate>): Promise<TeacherRotation> {
  requireAdmin(actor);
  if (body.endsOn < body.startsOn) throw ValidationError.field('endsOn', 'must not be before startsOn');
  const [teacher] = await db.select({ schoolId: teachers.schoolId, countyId: schools.countyId }).from(teachers).innerJoin(schools, eq(schools.id, teachers.schoolId)).where(eq(teachers.id, body.teacherId));
  if (!teacher) throw ValidationError.field('teacherId', 'no such teacher', 'unknown');
  const [to] = await db.select({ countyId: schools.countyId }).from(schools).where(eq(schools.id, body.toSchoolId));
  if (!to) throw ValidationError.field('toSchoolId', 'no such school', 'unknown');
  if (body.toSchoolId === teacher.schoolId) throw ValidationError.field('toSchoolId', 'is the teacher\'s own school', 'same_school');
  if (to.countyId !== teacher.countyId) throw ValidationError.field('toSchoolId', 'is in another county (rotation is within the county)', 'other_county');
  return withActor(db, { accountId: actor.accountId }, async (tx) => {
    const [row] = await tx.insert(teacherRotations).values({ ...body, fromSchoolId: teacher.schoolId, createdBy: actor.accountId }).returning();
    return { id: row!.id, teacherId: row!.teacherId, fromSchoolId: row!.fromSchoolId, toSchoolId: row!.toSchoolId, startsOn: row!.startsOn, endsOn: row!.endsOn };
  });
}
