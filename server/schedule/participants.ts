import { eq, inArray } from 'drizzle-orm';
import type { FieldError } from '../../shared/schemas/errors.ts';
import type { Db } from '../db/client.ts';
import { classrooms, schools, subjects, teachers } from '../db/schema/index.ts';
import { ValidationError } from '../http/errors.ts';
import { communitySchoolsOn } from './access.ts';

export interface ParticipantDraft {
  kind: 'sync_lesson' | 'online_research';
  subjectCode: string | null;
  hostTeacherId: string;
  hostClassroomId: string | null;
  memberClassroomIds: readonly string[];
  invitedTeacherIds: readonly string[];
}

export interface ResolvedParticipants {
  /** The host teacher's school's zone (the default zone of the plan). */
  hostTimeZone: string;
  teacherIds: string[];
  classroomIds: string[];
}

/**
 * Checks that every teacher and classroom exists and belongs to the community on
 * `date` (a local date): the host anywhere in it, joining classrooms at member
 * schools, research invitees from its schools with at least one member school
 * represented. Every bad field is reported at once (400).
 */
export async function resolveParticipants(db: Db, communityId: string, date: string, d: ParticipantDraft, prefix = ''): Promise<ResolvedParticipants> {
  const teacherIds = [d.hostTeacherId, ...d.invitedTeacherIds];
  const classroomIds = [...(d.hostClassroomId ? [d.hostClassroomId] : []), ...d.memberClassroomIds];
  // Sequential: this also runs inside a transaction (bulk import), on one connection.
  const memberships = await communitySchoolsOn(db, communityId, date);
  const ts = await db.select({ id: teachers.id, schoolId: teachers.schoolId, timeZone: schools.timeZone }).from(teachers).innerJoin(schools, eq(schools.id, teachers.schoolId)).where(inArray(teachers.id, teacherIds));
  const cs = classroomIds.length ? await db.select({ id: classrooms.id, schoolId: classrooms.schoolId }).from(classrooms).where(inArray(classrooms.id, classroomIds)) : [];
  const subject = d.subjectCode ? await db.select({ code: subjects.code }).from(subjects).where(eq(subjects.code, d.subjectCode)) : [{ code: '' }];
  const roleOf = new Map(memberships.map((m) => [m.schoolId, m.role]));
  const teacherSchool = new Map(ts.map((t) => [t.id, t.schoolId]));
  const classroomSchool = new Map(cs.map((c) => [c.id, c.schoolId]));
  const fields: FieldError[] = [];
  const bad = (field: string, message: string, code = 'not_in_community') => fields.push({ field: prefix + field, code, message });

  if (subject.length === 0) bad('subjectCode', `unknown subject ${d.subjectCode}`, 'unknown');
  const hostSchool = teacherSchool.get(d.hostTeacherId);
  if (!hostSchool || !roleOf.has(hostSchool)) bad('hostTeacherId', `not a teacher of this community on ${date}`);
  d.invitedTeacherIds.forEach((id, i) => {
    const school = teacherSchool.get(id);
    if (!school || !roleOf.has(school)) bad(`invitedTeacherIds.${i}`, `not a teacher of this community on ${date}`);
  });
  if (d.hostClassroomId) {
    const school = classroomSchool.get(d.hostClassroomId);
    if (!school || !roleOf.has(school)) bad('hostClassroomId', `not a classroom of this community on ${date}`);
  }
  d.memberClassroomIds.forEach((id, i) => {
    const school = classroomSchool.get(id);
    if (!school || roleOf.get(school) !== 'member') bad(`memberClassroomIds.${i}`, `not a classroom of a member school on ${date}`);
  });
  if (d.kind === 'online_research' && fields.length === 0) {
    const schoolsTakingPart = [d.hostTeacherId, ...d.invitedTeacherIds].map((id) => teacherSchool.get(id)!);
    if (!schoolsTakingPart.some((s) => roleOf.get(s) === 'member')) bad('invitedTeacherIds', 'invite at least one teacher of a member school', 'member_school_required');
  }
  if (fields.length) throw new ValidationError(fields);
  return { hostTimeZone: ts.find((t) => t.id === d.hostTeacherId)!.timeZone, teacherIds, classroomIds };
}
