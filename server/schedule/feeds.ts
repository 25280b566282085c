import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import type { CalendarExportQuery } from '../../shared/schemas/schedule.ts';
import type { Actor } from '../accounts/actor.ts';
import { actorOfAccount } from '../accounts/sessions.ts';
import type { Db } from '../db/client.ts';
import { accounts, calendarFeeds } from '../db/schema/index.ts';
import { NotFoundError } from '../http/errors.ts';
import { buildIcal } from './ical.ts';
import { listOfflineResearch } from './offline.ts';
import { listSessions } from './sessions.ts';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
const DAY = 86400_000;

/** The iCalendar of what the actor may see (their own schedule, or a community's, teacher's, classroom's). */
export async function exportCalendar(db: Db, actor: Actor, q: z.output<typeof CalendarExportQuery>, appUrl: string | undefined, now = new Date()): Promise<string> {
  const from = q.from ? new Date(`${q.from}T00:00:00Z`) : new Date(now.getTime() - 60 * DAY);
  const to = q.to ? new Date(`${q.to}T23:59:59Z`) : new Date(now.getTime() + 330 * DAY);
  const sessions = await listSessions(db, actor, {
    from: from.toISOString(),
    to: to.toISOString(),
    communityId: q.communityId,
    teacherId: q.teacherId,
    classroomId: q.classroomId,
    kind: undefined,
    includeCancelled: 'true',
  });
  // Offline research is a community's record: shown to those who see the community, not per teacher or classroom.
  const research = q.teacherId || q.classroomId || actor.role === 'teacher' || actor.role === 'classroom'
    ? []
    : await listOfflineResearch(db, actor, { communityId: q.communityId, from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) });
  return buildIcal(sessions, research, { name: `同步 tongbu — ${actor.displayName}`, appUrl, now });
}

export async function feedState(db: Db, actor: Actor) {
  const [row] = await db.select().from(calendarFeeds).where(and(eq(calendarFeeds.accountId, actor.accountId), isNull(calendarFeeds.revokedAt)));
  return { active: !!row, createdAt: row?.createdAt.toISOString() ?? null, url: null };
}

/** A new private feed URL; the previous one stops working. The token is shown this once. */
export async function createFeed(db: Db, actor: Actor, baseUrl: string) {
  const token = randomBytes(24).toString('base64url');
  const row = await db.transaction(async (tx) => {
    await tx.update(calendarFeeds).set({ revokedAt: new Date() }).where(and(eq(calendarFeeds.accountId, actor.accountId), isNull(calendarFeeds.revokedAt)));
    const [r] = await tx.insert(calendarFeeds).values({ accountId: actor.accountId, tokenHash: sha256(token) }).returning();
    return r!;
  });
  return { active: true, createdAt: row.createdAt.toISOString(), url: `${baseUrl.replace(/\/$/, '')}/api/calendar-feeds/${token}.ics` };
}

export async function revokeFeed(db: Db, actor: Actor): Promise<void> {
  await db.update(calendarFeeds).set({ revokedAt: new Date() }).where(and(eq(calendarFeeds.accountId, actor.accountId), isNull(calendarFeeds.revokedAt)));
}

/** The feed behind a token: the account's own schedule as that account would see it now. */
export async function feedByToken(db: Db, tokenWithSuffix: string, appUrl: string | undefined): Promise<string> {
  const token = tokenWithSuffix.replace(/\.ics$/, '');
  const [row] = await db
    .select({ account: accounts })
    .from(calendarFeeds)
    .innerJoin(accounts, eq(accounts.id, calendarFeeds.accountId))
    .where(and(eq(calendarFeeds.tokenHash, sha256(token)), isNull(calendarFeeds.revokedAt), eq(accounts.disabled, false)));
  if (!row) throw new NotFoundError('Calendar');
  const actor = await actorOfAccount(db, row.account, '', new Date());
  return exportCalendar(db, actor, {}, appUrl);
}
