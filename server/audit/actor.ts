import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { ConflictError, pgErrorOf } from '../http/errors.ts';

/**
 * Who the audit trail names for the writes of a transaction. The generic trigger
 * `audit_row()` (migration 0009_audit_trail) reads the transaction-local settings
 * `tongbu.actor` (an account id) and `tongbu.source` (what acted without an account:
 * `live:evidence`, `import`…); writes outside `withActor` are recorded as `system`.
 */
export type ActingAs = { readonly accountId: string } | { readonly system: string };

/** Sets the actor for the rest of the current transaction (must be called inside one). */
export async function actAs(tx: Db, by: ActingAs): Promise<void> {
  const account = 'accountId' in by ? by.accountId : '';
  const source = 'system' in by ? by.system : '';
  await tx.execute(sql`select set_config('tongbu.actor', ${account}, true), set_config('tongbu.source', ${source}, true)`);
}

/**
 * Runs `fn` in one transaction whose writes the audit trail attributes to `by`.
 * Inside a caller's transaction it is a savepoint (the setting then holds for the
 * caller's transaction). A write the database refuses because its academic year is
 * closed becomes a 409 naming the year.
 */
export async function withActor<T>(db: Db, by: ActingAs, fn: (tx: Db) => Promise<T>): Promise<T> {
  try {
    return await db.transaction(async (tx) => {
      await actAs(tx as unknown as Db, by);
      return fn(tx as unknown as Db);
    });
  } catch (err) {
    throw yearClosedConflict(err) ?? err;
  }
}

/** The database's refusal of a change to a closed year (trigger `quota_closed_guard`), as a 409. */
export function yearClosedConflict(err: unknown): ConflictError | undefined {
  const pg = pgErrorOf(err);
  if (!pg || pg.constraint !== 'quota_year_closed') return undefined;
  const year = pg.detail ?? '';
  return new ConflictError({
    kind: 'year_closed',
    title: year,
    description: `The academic year ${year} is closed for this county: its counted items and their evidence no longer change (an administrator may reopen it)`,
  });
}
