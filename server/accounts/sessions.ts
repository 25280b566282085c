import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt, ne } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { accountCommunities, accounts, authSessions, classrooms, communityMemberships, teachers } from '../db/schema/index.ts';
import type { Actor } from './actor.ts';
import { loadAuditRegion } from './auditRegion.ts';
import type { Locale } from '../../shared/schemas/common.ts';
import type { Role } from '../../shared/schemas/accounts.ts';

export const SESSION_COOKIE = 'tongbu_sid';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** What names a session outside the cookie (stored row, socket room): the hash of its token. */
export const sessionKeyOf = sha256;

/** Starts a session; returns the cookie token (only its hash is stored). */
export async function createSession(db: Db, accountId: string, ttlHours: number) {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  await db.insert(authSessions).values({ tokenHash: sha256(token), accountId, csrfToken, expiresAt });
  return { token, csrfToken, expiresAt };
}

/** Ends one session; returns its key (its sockets are to be disconnected, S-SESSION-END). */
export async function endSession(db: Db, token: string): Promise<string> {
  const key = sha256(token);
  await db.delete(authSessions).where(eq(authSessions.tokenHash, key));
  return key;
}

/** Ends every session of an account but `keepKey` (the caller's own); returns the keys ended. */
export async function endAccountSessions(db: Db, accountId: string, keepKey: string | null): Promise<string[]> {
  const rows = await db
    .delete(authSessions)
    .where(and(eq(authSessions.accountId, accountId), keepKey ? ne(authSessions.tokenHash, keepKey) : undefined))
    .returning({ key: authSessions.tokenHash });
  return rows.map((r) => r.key);
}

export async function purgeExpiredSessions(db: Db): Promise<void> {
  await db.delete(authSessions).where(lt(authSessions.expiresAt, new Date()));
}

/** The actor behind a session token, or null if the token is unknown, expired or the account disabled. */
export async function actorOfSession(db: Db, token: string): Promise<Actor | null> {
  const [row] = await db
    .select({ account: accounts, csrfToken: authSessions.csrfToken, expiresAt: authSessions.expiresAt })
    .from(authSessions)
    .innerJoin(accounts, eq(accounts.id, authSessions.accountId))
    .where(and(eq(authSessions.tokenHash, sha256(token)), gt(authSessions.expiresAt, new Date()), eq(accounts.disabled, false)));
  if (!row) return null;
  return actorOfAccount(db, row.account, row.csrfToken, row.expiresAt);
}

export async function actorOfAccount(
  db: Db,
  account: typeof accounts.$inferSelect,
  csrfToken: string,
  sessionExpiresAt: Date,
): Promise<Actor> {
  let schoolId: string | null = null;
  if (account.teacherId) {
    const [t] = await db.select({ schoolId: teachers.schoolId }).from(teachers).where(eq(teachers.id, account.teacherId));
    schoolId = t?.schoolId ?? null;
  } else if (account.classroomId) {
    const [c] = await db.select({ schoolId: classrooms.schoolId }).from(classrooms).where(eq(classrooms.id, account.classroomId));
    schoolId = c?.schoolId ?? null;
  }
  let communityIds: string[] = [];
  if (account.role === 'coordinator') {
    const rows = await db.select({ id: accountCommunities.communityId }).from(accountCommunities).where(eq(accountCommunities.accountId, account.id));
    communityIds = rows.map((r) => r.id);
  } else if (schoolId) {
    const rows = await db
      .selectDistinct({ id: communityMemberships.communityId })
      .from(communityMemberships)
      .where(eq(communityMemberships.schoolId, schoolId));
    communityIds = rows.map((r) => r.id);
  }
  return {
    accountId: account.id,
    username: account.username,
    displayName: account.displayName,
    role: account.role as Role,
    locale: account.locale as Locale,
    audit: await loadAuditRegion(db, account),
    teacherId: account.teacherId,
    classroomId: account.classroomId,
    schoolId,
    communityIds,
    csrfToken,
    sessionExpiresAt,
  };
}

