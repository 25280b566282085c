import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { communities } from './communities.ts';
import { counties } from './geography.ts';
import { classrooms, teachers } from './schools.ts';

/**
 * A person or a classroom device that signs in. The role decides which scope
 * column is set: auditor → its level and region (a county, or a city with its province, or a
 * province: C-AUDIT-REGION), teacher → teacher, classroom → classroom;
 * coordinators get their communities through `account_communities`.
 */
export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    /** admin | auditor | coordinator | teacher | classroom */
    role: text('role').notNull(),
    countyId: uuid('county_id').references(() => counties.id),
    /** Auditors: county | city | province (the region is `county_id`, `audit_city` + `audit_province`, or `audit_province`). */
    auditLevel: text('audit_level'),
    auditCity: text('audit_city'),
    auditProvince: text('audit_province'),
    teacherId: uuid('teacher_id').references(() => teachers.id).unique(),
    classroomId: uuid('classroom_id').references(() => classrooms.id).unique(),
    locale: text('locale').notNull().default('zh-CN'),
    disabled: boolean('disabled').notNull().default(false),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('accounts_role_ck', sql`${t.role} in ('admin', 'auditor', 'coordinator', 'teacher', 'classroom')`),
    check('accounts_audit_level_ck', sql`(${t.role} = 'auditor') = (${t.auditLevel} is not null) and ${t.auditLevel} in ('county', 'city', 'province')`),
    check(
      'accounts_auditor_region_ck',
      sql`case ${t.auditLevel}
        when 'county' then ${t.countyId} is not null and ${t.auditCity} is null and ${t.auditProvince} is null
        when 'city' then ${t.countyId} is null and ${t.auditCity} is not null and ${t.auditProvince} is not null
        when 'province' then ${t.countyId} is null and ${t.auditCity} is null and ${t.auditProvince} is not null
        else ${t.countyId} is null and ${t.auditCity} is null and ${t.auditProvince} is null end`,
    ),
    check('accounts_teacher_ck', sql`(${t.role} = 'teacher') = (${t.teacherId} is not null)`),
    check('accounts_classroom_ck', sql`(${t.role} = 'classroom') = (${t.classroomId} is not null)`),
  ],
);

export const accountCommunities = pgTable(
  'account_communities',
  {
    accountId: uuid('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    communityId: uuid('community_id').notNull().references(() => communities.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.communityId] }), index('account_communities_community_idx').on(t.communityId)],
);

/** Sign-in sessions. Only a SHA-256 of the cookie token is stored, so a database leak gives no live session. */
export const authSessions = pgTable(
  'auth_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    accountId: uuid('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('auth_sessions_account_idx').on(t.accountId), index('auth_sessions_expires_idx').on(t.expiresAt)],
);
