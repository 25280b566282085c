import { sql } from 'drizzle-orm';
import { check, date, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';

/** An academic year, 1 Sept – 31 Aug by default; `label` like "2025-2026". Dates are inclusive. */
export const academicYears = pgTable(
  'academic_years',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    label: text('label').notNull().unique(),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
  },
  (t) => [check('academic_years_dates_ck', sql`${t.endsOn} >= ${t.startsOn}`)],
);

/** Terms (autumn, spring) inside a year: lessons are normally scheduled inside them. */
export const academicTerms = pgTable(
  'academic_terms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    yearId: uuid('year_id').notNull().references(() => academicYears.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
  },
  (t) => [index('academic_terms_year_idx').on(t.yearId), check('academic_terms_dates_ck', sql`${t.endsOn} >= ${t.startsOn}`)],
);

/** Holidays inside a term (国庆, 清明…): no lessons unless a coordinator overrides. */
export const holidays = pgTable(
  'holidays',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    yearId: uuid('year_id').notNull().references(() => academicYears.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
  },
  (t) => [index('holidays_year_idx').on(t.yearId), check('holidays_dates_ck', sql`${t.endsOn} >= ${t.startsOn}`)],
);
