import { asc, inArray } from 'drizzle-orm';
import type { TeachingCalendar } from '../../shared/quotas/facts.ts';
import type { Db } from '../db/client.ts';
import { academicTerms, academicYears, holidays } from '../db/schema/index.ts';
import { NotFoundError } from '../http/errors.ts';

/** An academic year as the tracker counts it: its period and teaching calendar. */
export interface YearCalendar {
  readonly label: string;
  readonly startsOn: string;
  readonly endsOn: string;
  readonly calendar: TeachingCalendar;
}

export async function loadYears(db: Db): Promise<YearCalendar[]> {
  const years = await db.select().from(academicYears).orderBy(asc(academicYears.startsOn));
  if (!years.length) return [];
  const ids = years.map((y) => y.id);
  const [terms, hols] = await Promise.all([
    db.select().from(academicTerms).where(inArray(academicTerms.yearId, ids)).orderBy(asc(academicTerms.startsOn)),
    db.select().from(holidays).where(inArray(holidays.yearId, ids)).orderBy(asc(holidays.startsOn)),
  ]);
  return years.map((y) => ({
    label: y.label,
    startsOn: y.startsOn,
    endsOn: y.endsOn,
    calendar: {
      terms: terms.filter((t) => t.yearId === y.id).map((t) => ({ name: t.name, startsOn: t.startsOn, endsOn: t.endsOn })),
      holidays: hols.filter((h) => h.yearId === y.id).map((h) => ({ name: h.name, startsOn: h.startsOn, endsOn: h.endsOn })),
    },
  }));
}

/** The year asked for, else the one containing today, else the latest one that started before today. */
export function pickYear(years: readonly YearCalendar[], today: string, label?: string): YearCalendar {
  if (label) {
    const y = years.find((x) => x.label === label);
    if (!y) throw new NotFoundError(`Academic year ${label}`);
    return y;
  }
  const y = years.find((x) => x.startsOn <= today && today <= x.endsOn) ?? [...years].reverse().find((x) => x.startsOn <= today) ?? years[0];
  if (!y) throw new NotFoundError('Academic year');
  return y;
}

/** Today's date where the schools are (Asia/Shanghai), or the pinned QUOTA_TODAY. */
export function todayOf(pinned: string | null, now = new Date()): string {
  return pinned ?? new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
