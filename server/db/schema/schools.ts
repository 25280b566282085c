import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { counties } from './geography.ts';

export const schools = pgTable(
  'schools',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    countyId: uuid('county_id').notNull().references(() => counties.id),
    /** 学校标识码: the ten-digit national school code; the roster import matches schools by it. */
    code: text('code').unique('schools_code_uq'),
    name: text('name').notNull(),
    /** primary | junior_middle | nine_year — see shared/schemas/schools.ts */
    stage: text('stage').notNull(),
    /** urban | rural */
    locality: text('locality').notNull(),
    /** 新居民子女学校: a school for migrant workers' children. */
    newResident: boolean('new_resident').notNull().default(false),
    timeZone: text('time_zone').notNull().default('Asia/Shanghai'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('schools_county_name_uq').on(t.countyId, t.name),
    index('schools_county_idx').on(t.countyId),
    check('schools_code_ck', sql`${t.code} ~ '^[0-9]{10}$'`),
  ],
);

/** Subjects are data (语文, 数学, 英语, 音乐…), keyed by a stable code. */
export const subjects = pgTable('subjects', {
  code: text('code').primaryKey(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  sortOrder: integer('sort_order').notNull().default(0),
});

export const classrooms = pgTable(
  'classrooms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    schoolId: uuid('school_id').notNull().references(() => schools.id),
    name: text('name').notNull(),
    /** A member-school classroom joins lessons through a terminal (a big screen with camera). */
    hasJoinTerminal: boolean('has_join_terminal').notNull().default(false),
    capacity: integer('capacity'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('classrooms_school_name_uq').on(t.schoolId, t.name), index('classrooms_school_idx').on(t.schoolId)],
);

export const teachers = pgTable(
  'teachers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    schoolId: uuid('school_id').notNull().references(() => schools.id),
    name: text('name').notNull(),
    /** 骨干教师: may be dispatched to member schools. */
    isBackbone: boolean('is_backbone').notNull().default(false),
    /** The teacher's staff number (教职工号, national teacher management system); the roster import matches teachers by it. */
    staffNo: text('staff_no').unique('teachers_staff_no_uq'),
    /** Backbone level: county | city | province (县级/市级/省级骨干); set ⇒ isBackbone. */
    backboneLevel: text('backbone_level'),
    /** Highest qualification: secondary | associate | bachelor | master | doctorate. */
    qualification: text('qualification'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('teachers_school_idx').on(t.schoolId),
    check('teachers_backbone_level_ck', sql`${t.backboneLevel} is null or (${t.backboneLevel} in ('county', 'city', 'province') and ${t.isBackbone})`),
    check('teachers_qualification_ck', sql`${t.qualification} in ('secondary', 'associate', 'bachelor', 'master', 'doctorate')`),
    check('teachers_staff_no_ck', sql`${t.staffNo} ~ '^[0-9A-Za-z-]{1,32}$'`),
  ],
);

export const teacherSubjects = pgTable(
  'teacher_subjects',
  {
    teacherId: uuid('teacher_id').notNull().references(() => teachers.id, { onDelete: 'cascade' }),
    subjectCode: text('subject_code').notNull().references(() => subjects.code),
  },
  (t) => [primaryKey({ columns: [t.teacherId, t.subjectCode] })],
);
