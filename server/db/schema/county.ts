import { sql } from 'drizzle-orm';
import { check, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { schools, teachers } from './schools.ts';

/**
 * A school's resources in an academic year, as the county reports them for the national
 * balance assessment (县域义务教育优质均衡, 资源配置 7 项). Null = not entered: where the
 * platform knows the figure (backbone teachers, PE and arts teachers, classrooms with a
 * join terminal) it counts it instead, and the report says which one it used.
 */
export const schoolResources = pgTable(
  'school_resources',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    schoolId: uuid('school_id').notNull().references(() => schools.id),
    academicYear: text('academic_year').notNull(),
    pupils: integer('pupils'),
    /** 高于规定学历教师数 */
    teachersAboveQualification: integer('teachers_above_qualification'),
    /** 县级及以上骨干教师数 */
    backboneTeachers: integer('backbone_teachers'),
    /** 体育、艺术（美术、音乐）专任教师数 */
    peArtsTeachers: integer('pe_arts_teachers'),
    /** 教学及辅助用房面积 m² */
    teachingFloorArea: numeric('teaching_floor_area', { precision: 12, scale: 2, mode: 'number' }),
    /** 体育运动场馆面积 m² */
    sportsGroundArea: numeric('sports_ground_area', { precision: 12, scale: 2, mode: 'number' }),
    /** 教学仪器设备值 元 */
    equipmentValue: numeric('equipment_value', { precision: 14, scale: 2, mode: 'number' }),
    /** 网络多媒体教室数 */
    multimediaClassrooms: integer('multimedia_classrooms'),
    updatedBy: uuid('updated_by').references(() => accounts.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('school_resources_school_year_uq').on(t.schoolId, t.academicYear),
    check(
      'school_resources_nonnegative_ck',
      sql`coalesce(${t.pupils}, 0) >= 0 and coalesce(${t.teachersAboveQualification}, 0) >= 0 and coalesce(${t.backboneTeachers}, 0) >= 0 and coalesce(${t.peArtsTeachers}, 0) >= 0
          and coalesce(${t.teachingFloorArea}, 0) >= 0 and coalesce(${t.sportsGroundArea}, 0) >= 0 and coalesce(${t.equipmentValue}, 0) >= 0 and coalesce(${t.multimediaClassrooms}, 0) >= 0`,
    ),
  ],
);

/** 交流轮岗: a teacher serving at another school of the county for a term or a year (dates inclusive). */
export const teacherRotations = pgTable(
  'teacher_rotations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teacherId: uuid('teacher_id').notNull().references(() => teachers.id),
    fromSchoolId: uuid('from_school_id').notNull().references(() => schools.id),
    toSchoolId: uuid('to_school_id').notNull().references(() => schools.id),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
    createdBy: uuid('created_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('teacher_rotations_teacher_idx').on(t.teacherId),
    check('teacher_rotations_dates_ck', sql`${t.endsOn} >= ${t.startsOn}`),
    check('teacher_rotations_schools_ck', sql`${t.fromSchoolId} <> ${t.toSchoolId}`),
  ],
);

/**
 * The standard values and thresholds the county rules judge by (C-STANDARD-VERSIONS): append-only
 * versions per kind (`balance`, `rotation`) by the date they take effect, each with a stable ID the
 * report names; an academic year is judged by the version in force on its first day. `values` is
 * BalanceStandardValues or RotationStandardValues (shared/schemas/county.ts), checked on the way in.
 */
export const countyStandards = pgTable(
  'county_standards',
  {
    kind: text('kind').notNull(),
    effectiveFrom: date('effective_from').notNull(),
    standardId: text('standard_id').notNull(),
    title: text('title').notNull(),
    values: jsonb('values').notNull(),
    createdBy: uuid('created_by').references(() => accounts.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'county_standards_pk', columns: [t.kind, t.effectiveFrom] }),
    unique('county_standards_id_uq').on(t.standardId),
    check('county_standards_kind_ck', sql`${t.kind} in ('balance', 'rotation')`),
    check('county_standards_values_ck', sql`jsonb_typeof(${t.values}) = 'object'`),
  ],
);
