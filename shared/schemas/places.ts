import { z } from 'zod';
import { Id, Name } from './common.ts';

export const County = z
  .object({ id: Id, code: z.string(), name: z.string(), city: z.string(), province: z.string() })
  .meta({ id: 'County' });
export type County = z.infer<typeof County>;

export const CountyCreate = z.object({
  code: z.string().trim().regex(/^[0-9A-Za-z_-]{2,32}$/, 'letters, digits, - or _ (2–32)'),
  name: Name,
  city: Name,
  province: Name,
});

export const SchoolStage = z.enum(['primary', 'junior_middle', 'nine_year']);
export type SchoolStage = z.infer<typeof SchoolStage>;
export const Locality = z.enum(['urban', 'rural']);

export const School = z
  .object({
    id: Id,
    countyId: Id,
    name: z.string(),
    stage: SchoolStage,
    locality: Locality,
    newResident: z.boolean(),
    timeZone: z.string(),
    /** The community the school belongs to today, if any (and visible to the caller). */
    currentCommunity: z.object({ id: Id, name: z.string(), role: z.enum(['core', 'member']) }).nullable(),
    counts: z.object({ classrooms: z.number().int(), terminals: z.number().int(), teachers: z.number().int(), backboneTeachers: z.number().int() }),
    /** What the caller may do with it: the client shows edit controls only for `manage`. */
    access: z.enum(['read', 'manage']),
  })
  .meta({ id: 'School' });
export type School = z.infer<typeof School>;

/** An IANA time zone name this runtime knows (Asia/Shanghai, …). */
export const TimeZone = z
  .string()
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'unknown IANA time zone');

export const SchoolCreate = z.object({
  countyId: Id,
  name: Name,
  stage: SchoolStage,
  locality: Locality,
  newResident: z.boolean().default(false),
  timeZone: TimeZone.default('Asia/Shanghai'),
});
export const SchoolUpdate = SchoolCreate.omit({ countyId: true }).partial();

export const SchoolListQuery = z.object({
  countyId: Id.optional(),
  communityId: Id.optional(),
  /** Only schools in no community today: candidates to add as members. */
  unaffiliated: z.enum(['true', 'false']).optional(),
});

export const Classroom = z
  .object({ id: Id, schoolId: Id, name: z.string(), hasJoinTerminal: z.boolean(), capacity: z.number().int().nullable() })
  .meta({ id: 'Classroom' });
export type Classroom = z.infer<typeof Classroom>;
export const ClassroomCreate = z.object({
  name: Name,
  hasJoinTerminal: z.boolean().default(false),
  capacity: z.number().int().min(1).max(500).nullable().default(null),
});
export const ClassroomUpdate = ClassroomCreate.partial();

export const Subject = z
  .object({ code: z.string(), nameZh: z.string(), nameEn: z.string() })
  .meta({ id: 'Subject' });
export type Subject = z.infer<typeof Subject>;
export const SubjectCreate = z.object({
  code: z.string().trim().regex(/^[a-z][a-z0-9_]{1,31}$/, 'lower-case letters, digits or _'),
  nameZh: Name,
  nameEn: Name,
});

export const Teacher = z
  .object({ id: Id, schoolId: Id, name: z.string(), isBackbone: z.boolean(), subjects: z.array(z.string()) })
  .meta({ id: 'Teacher' });
export type Teacher = z.infer<typeof Teacher>;
export const TeacherCreate = z.object({
  name: Name,
  isBackbone: z.boolean().default(false),
  subjects: z.array(z.string().min(1)).max(10).default([]),
});
export const TeacherUpdate = TeacherCreate.partial();

export const SchoolParams = z.object({ schoolId: Id });
