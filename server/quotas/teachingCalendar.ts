import type { TeachingCalendar } from '../../shared/quotas/facts.ts';

const DAY_MS = 86_400_000;
const toDay = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;
const toIso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** School days (Monday–Friday, inside a term, not a holiday) from `from` to `to`, both inclusive. */
export function teachingDays(calendar: TeachingCalendar, from: string, to: string): string[] {
  const days: string[] = [];
  const holidays = calendar.holidays.map((h) => [toDay(h.startsOn), toDay(h.endsOn)] as const);
  for (const term of calendar.terms) {
    const start = Math.max(toDay(term.startsOn), toDay(from));
    const end = Math.min(toDay(term.endsOn), toDay(to));
    for (let d = start; d <= end; d++) {
      const weekday = new Date(d * DAY_MS).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      if (holidays.some(([a, b]) => d >= a && d <= b)) continue;
      days.push(toIso(d));
    }
  }
  return days;
}

/**
 * How many school days `teachingDays` would list, remembered per calendar object: a full
 * recompute evaluates thousands of communities against one calendar and one date.
 */
const counts = new WeakMap<TeachingCalendar, Map<string, number>>();
export function teachingDayCount(calendar: TeachingCalendar, from: string, to: string): number {
  let memo = counts.get(calendar);
  if (!memo) counts.set(calendar, (memo = new Map()));
  const key = `${from}|${to}`;
  let n = memo.get(key);
  if (n === undefined) memo.set(key, (n = teachingDays(calendar, from, to).length));
  return n;
}

/** Teaching weeks left from `today` (inclusive) to the end of the period, to one decimal. */
export function termWeeksLeft(calendar: TeachingCalendar, today: string, periodEnd: string): number {
  return Math.round((teachingDayCount(calendar, today, periodEnd) / 5) * 10) / 10;
}

/** The term `day` falls in, or the next one after it, within the calendar. */
export function currentOrNextTerm(calendar: TeachingCalendar, day: string) {
  return calendar.terms.find((t) => t.endsOn >= day) ?? null;
}
