/**
 * Wall-clock time in a named zone ↔ UTC instants, with Intl only (no library), so the
 * server (recurrence, holidays) and the client (calendar grid) agree. Schools are in
 * Asia/Shanghai (UTC+8, no daylight saving) by default, but nothing here assumes it.
 */

export interface ZonedParts {
  /** YYYY-MM-DD */
  date: string;
  /** HH:MM */
  time: string;
  /** 1 = Monday … 7 = Sunday */
  isoWeekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short' });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The local date, time and weekday of an instant in a zone. */
export function toZoned(instant: Date | string, timeZone: string): ZonedParts {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}`, isoWeekday: WEEKDAYS[parts.weekday!] ?? 0 };
}

/** Offset of the zone from UTC at an instant, in minutes (Asia/Shanghai: +480). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(instant).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant a local date and time in a zone names (in a DST gap, the later reading). */
export function fromZoned(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const naive = Date.UTC(y, m - 1, d, hh, mm);
  let guess = naive - zoneOffsetMinutes(new Date(naive), timeZone) * 60_000;
  // A second pass settles instants near an offset change.
  guess = naive - zoneOffsetMinutes(new Date(guess), timeZone) * 60_000;
  return new Date(guess);
}

/** YYYY-MM-DD plus n days (calendar arithmetic, no zone involved). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The Monday of the week containing a date. */
export function mondayOf(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
  return addDays(date, 1 - weekday);
}

/** Minutes between two instants. */
export const minutesBetween = (a: Date | string, b: Date | string) => Math.round((new Date(b).getTime() - new Date(a).getTime()) / 60_000);

/**
 * A calendar date written YYYY-MM-DD that exists (2027-02-31, month 13 → null, never
 * rolled over into the next month the way Date.UTC would).
 */
export function parseLocalDate(text: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return null;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= daysInMonth ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** A wall-clock time H:MM or HH:MM of one day, as HH:MM (25:00, 09:60 → null). */
export function parseLocalTime(text: string): string | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [h, min] = [Number(m[1]), Number(m[2])];
  return h <= 23 && min <= 59 ? `${String(h).padStart(2, '0')}:${m[2]}` : null;
}

/**
 * The instants bounding whole local days `from`…`to` (inclusive) in a zone: from the start
 * of `from` to the start of the day after `to` (exclusive). Calendar windows are in the
 * school's days, not UTC days (a 07:30 Beijing lesson is on the day before in UTC).
 */
export function localDaysWindow(from: string, to: string, timeZone: string): { from: Date; to: Date } {
  return { from: fromZoned(from, '00:00', timeZone), to: fromZoned(addDays(to, 1), '00:00', timeZone) };
}
