import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { addDays, localDaysWindow, toZoned } from '../../shared/schedule/time.ts';
import type { CalendarExportQuery } from '../../shared/schemas/schedule.ts';
import type { Actor } from '../accounts/actor.ts';
import { actorOfAccount } from '../accounts/sessions.ts';
import type { Db } from '../db/client.ts';
import { rowsOf } from './sqlRows.ts';
import { accounts, calendarFeeds } from '../db/schema/index.ts';
import { NotFoundError } from '../http/errors.ts';
import { buildIcal } from './ical.ts';
import { listOfflineResearch } from './offline.ts';
import { listSessions } from './sessions.ts';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The zone whose days `from`/`to` name: the classroom's or teacher's school, the community's
 * core school today, the caller's school; Asia/Shanghai otherwise.
 */
async function zoneOfExport(db: Db, actor: Actor, q: z.output<typeof CalendarExportQuery>): Promise<string> {
  const rows = await rowsOf<{ zone: string }>(
    db,
    sql`select coalesce(
          (select s.time_zone from classrooms c join schools s on s.id = c.school_id where c.id = ${q.classroomId ?? null}::uuid),
          (select s.time_zone from teachers t join schools s on s.id = t.school_id where t.id = ${q.teacherId ?? null}::uuid),
          (select s.time_zone from community_memberships m join schools s on s.id = m.school_id
            where m.community_id = ${q.communityId ?? null}::uuid and m.role = 'core' order by m.valid_from desc limit 1),
          (select s.time_zone from schools s where s.id = ${actor.schoolId}::uuid),
          'Asia/Shanghai') as zone`,
  );
  return rows[0]?.zone ?? 'Asia/Shanghai';
}

/** The iCalendar of what the actor may see (their own schedule, or a community's, teacher's, classroom's). */
export async function exportCalendar(db: Db, actor: Actor, q: z.output<typeof CalendarExportQuery>, appUrl: string | undefined, now = new Date()): Promise<string> {
  const zone = await zoneOfExport(db, actor, q);
  const today = toZoned(now, zone).date;
  const { from, to } = localDaysWindow(q.from ?? addDays(today, -60), q.to ?? addDays(today, 330), zone);
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
    : await listOfflineResearch(db, actor, { communityId: q.communityId, from: toZoned(from, zone).date, to: addDays(toZoned(to, zone).date, -1) });
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
