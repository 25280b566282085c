import { jsonb, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { communities } from './communities.ts';

/**
 * A community's planning preferences for the year planner (shared/planner/SPEC.md,
 * PL-PREFERENCES): preferred weekly slots, at most this many sessions a week per teacher,
 * lesson and research lengths, preferred subjects, dispatch length — `PlanPreferences`
 * in shared/schemas/planner.ts. One row per community; audited.
 */
export const plannerPreferences = pgTable('planner_preferences', {
  communityId: uuid('community_id').primaryKey().references(() => communities.id, { onDelete: 'cascade' }),
  preferences: jsonb('preferences').notNull(),
  updatedBy: uuid('updated_by').references(() => accounts.id),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
