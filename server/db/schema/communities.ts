import { sql } from 'drizzle-orm';
import { boolean, check, date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { counties } from './geography.ts';
import { schools } from './schools.ts';

/**
 * Community types are data (融合型, 共建型, 协作型, 教育集团…): no code branches on them.
 * `requiresDispatch` marks the types whose core school must dispatch backbone teachers.
 */
export const communityTypes = pgTable('community_types', {
  code: text('code').primaryKey(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  requiresDispatch: boolean('requires_dispatch').notNull().default(false),
});

export const communities = pgTable(
  'communities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    countyId: uuid('county_id').notNull().references(() => counties.id),
    name: text('name').notNull(),
    typeCode: text('type_code').notNull().references(() => communityTypes.code),
    description: text('description').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('communities_county_idx').on(t.countyId)],
);

/**
 * Who belongs to a community, and when. `validTo` is exclusive; null means open-ended.
 * The database refuses (exclusion constraints, migration 0002) a school in two
 * communities at once, and two core schools of one community at once.
 */
export const communityMemberships = pgTable(
  'community_memberships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityId: uuid('community_id').notNull().references(() => communities.id, { onDelete: 'cascade' }),
    schoolId: uuid('school_id').notNull().references(() => schools.id),
    /** core | member */
    role: text('role').notNull(),
    validFrom: date('valid_from').notNull(),
    validTo: date('valid_to'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('memberships_community_idx').on(t.communityId),
    index('memberships_school_idx').on(t.schoolId),
    check('memberships_role_ck', sql`${t.role} in ('core', 'member')`),
    check('memberships_dates_ck', sql`${t.validTo} is null or ${t.validTo} > ${t.validFrom}`),
  ],
);
