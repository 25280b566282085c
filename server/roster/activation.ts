import { and, eq, gt, sql } from 'drizzle-orm';
import { hashPassword } from '../accounts/password.ts';
import { withActor } from '../audit/actor.ts';
import type { Db } from '../db/client.ts';
import { accountActivations, accounts } from '../db/schema/index.ts';
import { ValidationError } from '../http/errors.ts';
import { hashCode } from './credentials.ts';

/**
 * C-ROSTER-CREDENTIALS: a new account's owner chooses the first password with the one-time
 * sign-in code from the sheet; the code then no longer works. An unknown, used or expired code
 * is a 400 on `code` (which of the three is not said).
 */
export async function activateAccount(db: Db, input: { code: string; password: string }): Promise<void> {
  const [found] = await db
    .select({ accountId: accountActivations.accountId })
    .from(accountActivations)
    .where(and(eq(accountActivations.codeHash, hashCode(input.code)), gt(accountActivations.expiresAt, sql`now()`)));
  if (!found) throw ValidationError.field('code', 'unknown, used or expired sign-in code', 'unknown');
  const passwordHash = await hashPassword(input.password);
  const used = await withActor(db, { accountId: found.accountId }, async (tx) => {
    const gone = await tx.delete(accountActivations).where(eq(accountActivations.accountId, found.accountId)).returning({ id: accountActivations.accountId });
    if (gone.length) await tx.update(accounts).set({ passwordHash }).where(eq(accounts.id, found.accountId));
    return gone.length > 0;
  });
  // Used at the same moment by someone else: the first one counts.
  if (!used) throw ValidationError.field('code', 'unknown, used or expired sign-in code', 'unknown');
}
