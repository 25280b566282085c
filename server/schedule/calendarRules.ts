import { asc } from 'drizzle-orm';
import type { CalendarIssue } from '../../shared/schemas/schedule.ts';
import { addDays, fromZoned, toZoned } from '../../shared/schedule/time.ts';
import type { Db } from '../db/client.ts';
import { academicTerms, holidays } from '../db/schema/index.ts';

/** The academic calendar as plain data: dates are inclusive YYYY-MM-DD. */
export interface SchoolCalendar {
  terms: { name: string; startsOn: string; endsOn: string }[];
  holidays: { name: string; startsOn: string; endsOn: string }[];
}

export async function loadCalendar(db: Db): Promise<SchoolCalendar> {
  // Sequential: this also runs inside a transaction (bulk import), on one connection.
  const terms = await db.select({ name: academicTerms.name, startsOn: academicTerms.startsOn, endsOn: academicTerms.endsOn }).from(academicTerms).orderBy(asc(academicTerms.startsOn));
  const hols = await db.select({ name: holidays.name, startsOn: holidays.startsOn, endsOn: holidays.endsOn }).from(holidays).orderBy(asc(holidays.startsOn));
  return { terms, holidays: hols };
}

/** Why a local date is not a school day for planning, or null if it is one. */
/**
 * S-SCHEDULE-PAST: a session that would start more than this long ago is in the past. A form
 * filled in at 10:03 for a lesson "from 10:00" is not; one dated yesterday is, and needs a
 * coordinator's reason (a lesson held elsewhere, entered afterwards) or is refused.
 */
export const PAST_START_GRACE_MS = 15 * 60_000;

/** The first occurrence that starts in the past (S-SCHEDULE-PAST), as a calendar issue. */
export function pastIssueOf(occurrences: readonly { startsAt: Date; date: string }[], now: Date, locale: 'zh-CN' | 'en' = 'zh-CN'): CalendarIssue | null {
  const first = occurrences.find((o) => o.startsAt.getTime() < now.getTime() - PAST_START_GRACE_MS);
  if (!first) return null;
  return {
    date: first.date,
    kind: 'in_past',
    name: null,
    description: locale === 'en' ? `${first.date}: the session would start in the past` : `${first.date}：开始时间已过`,
  };
}

export function calendarIssueOn(calendar: SchoolCalendar, date: string, locale: 'zh-CN' | 'en' = 'zh-CN'): CalendarIssue | null {
  const holiday = calendar.holidays.find((h) => h.startsOn <= date && date <= h.endsOn);
  if (holiday) {
    return {
      date,
      kind: 'holiday',
      name: holiday.name,
      description: locale === 'en' ? `${date} is a holiday (${holiday.name}, ${holiday.startsOn} – ${holiday.endsOn})` : `${date} 是节假日（${holiday.name}，${holiday.startsOn} 至 ${holiday.endsOn}）`,
    };
  }
  if (!calendar.terms.some((t) => t.startsOn <= date && date <= t.endsOn)) {
    const next = calendar.terms.find((t) => t.startsOn > date);
    const hint = next ? (locale === 'en' ? `; the next term (${next.name}) starts ${next.startsOn}` : `；下一学期（${next.name}）${next.startsOn} 开学`) : '';
    return {
      date,
      kind: 'outside_term',
      name: next?.name ?? null,
      description: locale === 'en' ? `${date} is outside the terms${hint}` : `${date} 不在学期内${hint}`,
    };
  }
  return null;
}

export interface Occurrence {
  startsAt: Date;
  endsAt: Date;
  /** Local date of the start. */
  date: string;
}

export interface RecurrencePlan {
  occurrences: Occurrence[];
  skipped: { date: string; reason: string }[];
}

/** Hard limits that keep a typo from planning ten years of lessons. */
export const MAX_OCCURRENCES = 100;
export const MAX_SERIES_DAYS = 400;

/**
 * A weekly series from its first occurrence: the same local wall-clock time every
 * `intervalWeeks` weeks, until a local date (inclusive) or until `count` lessons are
 * planned. Dates that fall on a holiday or outside the terms are skipped (and listed),
 * and do not count towards `count`.
 */
export function expandWeekly(
  first: { startsAt: Date; endsAt: Date },
  timeZone: string,
  rule: { intervalWeeks: number; until?: string | undefined; count?: number | undefined },
  calendar: SchoolCalendar,
  locale: 'zh-CN' | 'en' = 'zh-CN',
): RecurrencePlan {
  const start = toZoned(first.startsAt, timeZone);
  const durationMs = first.endsAt.getTime() - first.startsAt.getTime();
  const lastDate = rule.until ?? addDays(start.date, MAX_SERIES_DAYS);
  const wanted = Math.min(rule.count ?? MAX_OCCURRENCES, MAX_OCCURRENCES);
  const occurrences: Occurrence[] = [];
  const skipped: { date: string; reason: string }[] = [];
  for (let date = start.date; date <= lastDate && occurrences.length < wanted; date = addDays(date, 7 * rule.intervalWeeks)) {
    if (date > addDays(start.date, MAX_SERIES_DAYS)) break;
    const issue = calendarIssueOn(calendar, date, locale);
    if (issue) {
      skipped.push({ date, reason: issue.description });
      continue;
    }
    const startsAt = fromZoned(date, start.time, timeZone);
    occurrences.push({ startsAt, endsAt: new Date(startsAt.getTime() + durationMs), date });
  }
  return { occurrences, skipped };
}
