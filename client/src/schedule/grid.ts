import type { LiveSession } from '../../../shared/schemas/schedule.ts';
import { addDays, fromZoned, mondayOf, toZoned } from '../../../shared/schedule/time.ts';

/** The zone the calendar is drawn in: the schools' (Asia/Shanghai), whatever the browser's. */
export const SCHOOL_ZONE = 'Asia/Shanghai';
export const DAY_START_HOUR = 7;
export const DAY_END_HOUR = 20;
export const SLOT_MINUTES = 30;

export type ViewMode = 'week' | 'month';

/** The days a view shows and the instant range to load for it. */
export function viewRange(mode: ViewMode, anchor: string): { days: string[]; from: string; to: string } {
  let first: string;
  let count: number;
  if (mode === 'week') {
    first = mondayOf(anchor);
    count = 7;
  } else {
    first = mondayOf(`${anchor.slice(0, 7)}-01`);
    count = 42;
  }
  const days = Array.from({ length: count }, (_, i) => addDays(first, i));
  return { days, from: fromZoned(days[0]!, '00:00', SCHOOL_ZONE).toISOString(), to: fromZoned(addDays(days.at(-1)!, 1), '00:00', SCHOOL_ZONE).toISOString() };
}

export function shiftAnchor(mode: ViewMode, anchor: string, direction: 1 | -1): string {
  if (mode === 'week') return addDays(anchor, 7 * direction);
  const [y, m] = anchor.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + direction, 1));
  return d.toISOString().slice(0, 10);
}

export interface PlacedSession {
  session: LiveSession;
  day: string;
  /** Minutes from the top of the grid (DAY_START_HOUR). */
  top: number;
  height: number;
  /** Side-by-side lanes for sessions that overlap in the view (different people). */
  lane: number;
  lanes: number;
  startLabel: string;
  endLabel: string;
}

/** Places sessions into day columns, with overlapping ones side by side. */
export function placeWeek(sessions: readonly LiveSession[], days: readonly string[]): PlacedSession[] {
  const byDay = new Map<string, PlacedSession[]>();
  for (const s of sessions) {
    const start = toZoned(s.startsAt, SCHOOL_ZONE);
    const end = toZoned(s.endsAt, SCHOOL_ZONE);
    if (!days.includes(start.date)) continue;
    const minutes = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));
    const top = Math.max(0, minutes(start.time) - DAY_START_HOUR * 60);
    const endMin = end.date === start.date ? minutes(end.time) : 24 * 60;
    const bottom = Math.min((DAY_END_HOUR - DAY_START_HOUR) * 60, endMin - DAY_START_HOUR * 60);
    const placed: PlacedSession = { session: s, day: start.date, top, height: Math.max(20, bottom - top), lane: 0, lanes: 1, startLabel: start.time, endLabel: end.time };
    byDay.set(start.date, [...(byDay.get(start.date) ?? []), placed]);
  }
  for (const list of byDay.values()) {
    list.sort((a, b) => a.top - b.top);
    // Greedy lanes inside each cluster of overlapping sessions.
    let cluster: PlacedSession[] = [];
    let clusterEnd = -1;
    const flush = () => {
      const lanes = Math.max(1, ...cluster.map((c) => c.lane + 1));
      for (const c of cluster) c.lanes = lanes;
      cluster = [];
    };
    for (const p of list) {
      if (p.top >= clusterEnd) flush();
      const used = new Set(cluster.filter((c) => c.top + c.height > p.top).map((c) => c.lane));
      let lane = 0;
      while (used.has(lane)) lane++;
      p.lane = lane;
      cluster.push(p);
      clusterEnd = Math.max(clusterEnd, p.top + p.height);
    }
    flush();
  }
  return [...byDay.values()].flat();
}

/** Sessions grouped by the local day they start on. */
export function byLocalDay(sessions: readonly LiveSession[]): Map<string, LiveSession[]> {
  const map = new Map<string, LiveSession[]>();
  for (const s of sessions) {
    const day = toZoned(s.startsAt, SCHOOL_ZONE).date;
    map.set(day, [...(map.get(day) ?? []), s]);
  }
  return map;
}

export const localTime = (iso: string) => toZoned(iso, SCHOOL_ZONE).time;
export const localDate = (iso: string) => toZoned(iso, SCHOOL_ZONE).date;
/** `2026-12-01` + `09:00` in the school zone → ISO with the offset. */
export const zonedIso = (date: string, time: string) => fromZoned(date, time, SCHOOL_ZONE).toISOString();
