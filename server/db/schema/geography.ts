import { pgTable, text, uuid, timestamp } from 'drizzle-orm/pg-core';

/** A county (区/县) is the unit auditors look at; city and province give the roll-ups. */
export const counties = pgTable('counties', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  city: text('city').notNull(),
  province: text('province').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
