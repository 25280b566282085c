/**
 * The planner benchmark's baseline: the naive greedy plan a coordinator would make by hand from
 * the same inputs as the planner — for each kind still short, week after week from the first
 * teaching week, the first preferred slot whose teacher and classrooms are free (one item of a
 * kind per week), exactly as many items as the rule still lacks (no margin for misses, no
 * spreading, no weekly maximum per teacher). Judged by the quota tracker's own `evaluateTally`
 * with its items added as planned, like the planner's forecast.
 */
import type { CommunityYearTally, PlannedGroup } from '../shared/quotas/facts.ts';
import type { RuleProgress } from '../shared/quotas/progress.ts';
import { addDays, fromZoned, mondayOf } from '../shared/schedule/time.ts';
import { evaluateTally } from '../server/quotas/evaluate.ts';
import { teachingDays } from '../server/quotas/teachingCalendar.ts';
import type { PlannerInput } from '../server/planner/plan.ts';

const isoWeekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
const localDate = (ms: number, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));

export function naivePlan(input: PlannerInput): { items: number; rules: RuleProgress[] } {
  const { tally, rules, prefs, timeZone } = input;
  const now = evaluateTally(rules, tally).rules;
  const short = (metric: string) => rules.map((r, i) => ({ r, p: now[i]! })).filter((x) => x.r.metric === metric && x.p.status !== 'not_applicable' && x.p.status !== 'met');
  const lack = (metric: string) => Math.max(0, ...short(metric).map((x) => x.p.required - x.p.counted - x.p.planned));

  const from = [tally.period.startsOn, input.today, localDate(input.now + 15 * 60_000, timeZone)].sort().at(-1)!;
  const weeks: { monday: string; days: string[] }[] = [];
  for (const day of teachingDays(tally.calendar, from, tally.period.endsOn)) {
    const last = weeks.at(-1);
    if (last?.monday === mondayOf(day)) last.days.push(day);
    else weeks.push({ monday: mondayOf(day), days: [day] });
  }
  const busy = new Map<string, { start: number; end: number }[]>();
  for (const b of input.busy) busy.set(b.id, [...(busy.get(b.id) ?? []), { start: b.start, end: b.end }]);
  const free = (ids: string[], start: number, end: number) => ids.every((id) => !(busy.get(id) ?? []).some((b) => b.start < end && start < b.end));
  const book = (ids: string[], start: number, end: number) => ids.forEach((id) => busy.set(id, [...(busy.get(id) ?? []), { start, end }]));
  const schoolOf = (id: string) => input.schools.find((s) => s.id === id);
  const memberOn = (schoolId: string, date: string) => {
    const s = schoolOf(schoolId);
    return !!s && s.role === 'member' && s.from <= date && (s.to === null || date < s.to);
  };
  const core = input.teachers.filter((t) => schoolOf(t.schoolId)?.role === 'core');
  const memberTeachers = input.teachers.filter((t) => schoolOf(t.schoolId)?.role === 'member');
  const hostRoom = input.rooms.find((r) => schoolOf(r.schoolId)?.role === 'core');
  const joinRooms = input.rooms.filter((r) => r.hasJoinTerminal && schoolOf(r.schoolId)?.role === 'member');

  /** Week by week from the first, the first preferred slot where one of the casts (teachers + rooms) is free. */
  const sessions = (n: number, minutes: number, casts: (date: string, i: number) => string[][], placed: (i: number) => void) => {
    let i = 0;
    for (const week of weeks) {
      if (i >= n) break;
      found: for (const slot of prefs.slots) {
        const date = week.days.find((d) => isoWeekday(d) === slot.weekday);
        if (!date) continue;
        const start = fromZoned(date, slot.time, timeZone).getTime();
        const end = start + minutes * 60_000;
        if (start < input.now + 15 * 60_000) continue;
        for (const ids of casts(date, i)) {
          if (!free(ids, start, end)) continue;
          book(ids, start, end);
          placed(i++);
          break found;
        }
      }
    }
  };

  const planned = new Map<string, PlannedGroup>();
  const add = (g: PlannedGroup) => {
    const key = `${g.kind}|${g.subjectCode ?? ''}|${g.mode ?? ''}`;
    planned.set(key, { ...g, count: (planned.get(key)?.count ?? 0) + g.count });
  };
  for (const g of tally.planned) add(g);
  let items = 0;

  // Lessons: the core teachers' subjects in turn (so that new subjects come in), one a week.
  const subjects = [...new Set(core.flatMap((t) => t.subjects))];
  const lessons = Math.max(lack('sync_lessons'), lack('sync_subjects'));
  if (hostRoom && subjects.length) {
    sessions(lessons, prefs.lessonMinutes, (date, i) => {
      const subject = subjects[i % subjects.length]!;
      const rooms = joinRooms.filter((r) => memberOn(r.schoolId, date));
      return core.filter((t) => t.subjects.includes(subject)).flatMap((t) => rooms.map((r) => [t.id, hostRoom.id, r.id]));
    }, (i) => {
      items++;
      add({ kind: 'sync_lesson', subjectCode: subjects[i % subjects.length]!, mode: 'interactive', count: 1 });
    });
  }
  // Online research: a core teacher with a member-school teacher, one a week.
  sessions(lack('online_research'), prefs.researchMinutes, (date) => core.flatMap((h) => memberTeachers.filter((m) => memberOn(m.schoolId, date)).map((m) => [h.id, m.id])), () => {
    items++;
    add({ kind: 'online_research', subjectCode: null, mode: null, count: 1 });
  });
  // Offline research: the first school day of each week.
  const offline = Math.min(lack('offline_research'), weeks.length);
  for (let i = 0; i < offline; i++) add({ kind: 'offline_research', subjectCode: null, mode: null, count: 1 });
  items += offline;
  // Dispatches: each uncovered member school, the first backbone teacher free, from the first week on.
  const dispatched = new Set<string>();
  if (short('dispatch_coverage').length && weeks.length) {
    const backbone = core.filter((t) => t.backbone);
    const periods: { teacherId: string; from: string; to: string }[] = [...input.dispatches];
    for (const m of tally.members.filter((x) => !x.covered && !x.plannedCovered && x.to >= from)) {
      for (const week of weeks) {
        const startsOn = week.days[0]!;
        if (!memberOn(m.schoolId, startsOn)) continue;
        const endsOn = [addDays(week.monday, prefs.dispatchWeeks * 7 - 3), tally.period.endsOn].sort()[0]!;
        const t = backbone.find((b) => !periods.some((d) => d.teacherId === b.id && d.from <= endsOn && startsOn <= d.to));
        if (!t) continue;
        periods.push({ teacherId: t.id, from: startsOn, to: endsOn });
        dispatched.add(m.schoolId);
        items++;
        break;
      }
    }
  }
  const after: CommunityYearTally = { ...tally, planned: [...planned.values()], members: tally.members.map((m) => (!m.covered && dispatched.has(m.schoolId) ? { ...m, plannedCovered: true } : m)) };
  return { items, rules: evaluateTally(rules, after).rules };
}
