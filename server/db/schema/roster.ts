import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { counties } from './geography.ts';

/**
 * A committed county roster import (schools, classrooms, teachers, accounts from one file):
 * who, which county, the fingerprint of what was previewed and committed, and what it changed.
 * The rows it changed are in the audit trail.
 */
export const rosterImports = pgTable(
  'roster_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    countyId: uuid('county_id').notNull().references(() => counties.id),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    fingerprint: text('fingerprint').notNull(),
    rows: integer('rows').notNull(),
    /** Per sheet: created, updated, unchanged. */
    summary: jsonb('summary').notNull(),
    /**
     * The new accounts' one-time sign-in codes, AES-256-GCM encrypted with a key only the
     * importer got (in the commit's answer); fetched once as the printable sheet, then erased.
     */
    credentialSheet: text('credential_sheet'),
    credentialSheetExpiresAt: timestamp('credential_sheet_expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('roster_imports_county_idx').on(t.countyId)],
);

/**
 * A new account's one-time sign-in code (its first password is chosen with it). Only a SHA-256
 * of the 128-bit random code is stored: like a session token, it is too long to guess, so a fast
 * hash is safe and the import needs no argon2 per account.
 */
export const accountActivations = pgTable(
  'account_activations',
  {
    accountId: uuid('account_id').primaryKey().references(() => accounts.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull().unique(),
    importId: uuid('import_id').references(() => rosterImports.id),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
);
