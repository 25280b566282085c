import { sql } from 'drizzle-orm';
import { bigserial, check, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The audit trail (issue #5): one row per created, changed or deleted row of the
 * audited tables (schedule items, evidence, corrections, rules, closures…),
 * written by the generic trigger `audit_row()` (migration `audit_trail`) —
 * whoever writes, through whatever code. The acting account comes from the
 * transaction-local setting `tongbu.actor` (server/audit/actor.ts `withActor`);
 * without one the row says `system` (and `tongbu.source` if set). Append-only:
 * a trigger refuses UPDATE, DELETE and TRUNCATE.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
    actorAccountId: uuid('actor_account_id'),
    /** `account`, or what acted without one (`system`, `live:evidence`, `live:auto-close`…). */
    actorSource: text('actor_source').notNull(),
    tableName: text('table_name').notNull(),
    /** insert | update | delete */
    op: text('op').notNull(),
    rowId: text('row_id').notNull(),
    communityId: uuid('community_id'),
    /** The county of the community (or of a county-level row such as a year closure): auditors see their county's rows. */
    countyId: uuid('county_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    txid: text('txid').notNull().default(sql`pg_current_xact_id()::text`),
  },
  (t) => [
    index('audit_log_community_idx').on(t.communityId, t.at),
    index('audit_log_county_idx').on(t.countyId, t.at),
    index('audit_log_table_idx').on(t.tableName, t.at),
    index('audit_log_at_idx').on(t.at),
    index('audit_log_row_idx').on(t.rowId),
    check('audit_log_op_ck', sql`${t.op} in ('insert', 'update', 'delete')`),
  ],
);
