import { and, eq, sql } from 'drizzle-orm';
import type { CommunityStSummary, LessonType } from '../../shared/schemas/live.ts';
import type { Db } from '../db/client.ts';
import { liveSessions } from '../db/schema/index.ts';
import { participationOfSessions } from '../live/participationService.ts';

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * A community's delivered lessons of an academic year by the S-T analysis (the
 * coordinators' card): lessons (sync_lesson, status delivered) whose local start
 * date falls in the year, how many had samples, the mean Rt and Ch of those, and
 * how many of each type. Computed on demand from the append-only intervals through
 * the participation read, so the card and each lesson's report agree. The caller
 * checks the scope.
 */
export async function communityStSummary(db: Db, communityId: string, year: { label: string; startsOn: string; endsOn: string }): Promise<Omit<CommunityStSummary, 'years'>> {
  const localDate = sql`(${liveSessions.startsAt} AT TIME ZONE ${liveSessions.timeZone})::date`;
  const rows = await db
    .select({ id: liveSessions.id })
    .from(liveSessions)
    .where(
      and(
        eq(liveSessions.communityId, communityId),
        eq(liveSessions.kind, 'sync_lesson'),
        eq(liveSessions.status, 'delivered'),
        sql`${localDate} BETWEEN ${year.startsOn}::date AND ${year.endsOn}::date`,
      ),
    );
  const lessons = rows.length ? await participationOfSessions(db, rows.map((r) => r.id)) : [];
  const analysed = lessons.flatMap((l) => (l.st && l.st.rt !== null && l.st.ch !== null && l.st.type ? [{ rt: l.st.rt, ch: l.st.ch, type: l.st.type }] : []));
  const byType: Record<LessonType, number> = { practice: 0, lecture: 0, dialogue: 0, mixed: 0 };
  for (const a of analysed) byType[a.type]++;
  const mean = (xs: readonly number[]) => (xs.length ? round3(xs.reduce((s, x) => s + x, 0) / xs.length) : null);
  return {
    communityId,
    academicYear: year.label,
    lessons: lessons.length,
    analysed: analysed.length,
    avgRt: mean(analysed.map((a) => a.rt)),
    avgCh: mean(analysed.map((a) => a.ch)),
    byType,
  };
}
