import type { CommunityYearTally, CountedItemKind, PlannedGroup } from '../../shared/quotas/facts.ts';
import type { QuotaRule } from '../../shared/quotas/rules.ts';
import type { PlanForecast, PlanItem, PlanPreferences, PlanShortfall } from '../../shared/schemas/planner.ts';
import { addDays, fromZoned, mondayOf } from '../../shared/schedule/time.ts';
import { evaluateTally } from '../quotas/evaluate.ts';
import { teachingDays } from '../quotas/teachingCalendar.ts';

/**
 * The year planner's core (shared/planner/SPEC.md): (a community's tally and rules, its
 * people and rooms, what is already booked, the calendar, preferences, its miss rate) →
 * proposed items, the forecast of every rule if they are accepted, and what could not be
 * satisfied. Pure: the service gathers the inputs, the scheduling service writes the items.
 */

export interface PlannerSchool {
  id: string;
  name: string;
  role: 'core' | 'member';
  /** Membership, `to` exclusive (null: open). */
  from: string;
  to: string | null;
}
interface PlannerTeacher {
  id: string;
  name: string;
  schoolId: string;
  subjects: readonly string[];
  backbone: boolean;
}
interface PlannerRoom {
  id: string;
  name: string;
  schoolId: string;
  hasJoinTerminal: boolean;
}
/** A teacher's or classroom's existing booking (UTC milliseconds). */
export interface Busy {
  kind: 'teacher' | 'classroom';
  id: string;
  start: number;
  end: number;
}
export interface DispatchBusy {
  teacherId: string;
  from: string;
  to: string;
}

export interface PlannerInput {
  /** Sessions start at least 15 minutes after this (S-SCHEDULE-PAST). */
  now: number;
  /** The tracker's today (QUOTA_TODAY). */
  today: string;
  timeZone: string;
  tally: CommunityYearTally;
  rules: readonly QuotaRule[];
  /** missed ÷ (delivered + missed), already capped (PL-MISS-RATE). */
  missRate: number;
  schools: readonly PlannerSchool[];
  teachers: readonly PlannerTeacher[];
  rooms: readonly PlannerRoom[];
  busy: readonly Busy[];
  dispatches: readonly DispatchBusy[];
  /** Names of subjects by code, for titles. */
  subjectNames?: Readonly<Record<string, string>>;
  prefs: PlanPreferences;
}

export interface PlannerResult {
  from: string;
  items: PlanItem[];
  forecast: PlanForecast[];
  shortfalls: PlanShortfall[];
}

const PAST_MARGIN_MS = 15 * 60_000;
const EPS = 1e-9;

interface Week {
  monday: string;
  days: string[];
}

/** The teaching weeks from `from` to `to`: Monday and the school days of each (PL-SPREAD-WEEKS). */
function teachingWeeks(tally: Pick<CommunityYearTally, 'calendar'>, from: string, to: string): Week[] {
  const weeks: Week[] = [];
  for (const day of teachingDays(tally.calendar, from, to)) {
    const monday = mondayOf(day);
    const last = weeks.at(-1);
    if (last?.monday === monday) last.days.push(day);
    else weeks.push({ monday, days: [day] });
  }
  return weeks;
}

/** How many more items a count rule needs so that counted + (planned + more) × (1 − miss rate) ≥ required (PL-MARGIN-MISS-RATE). */
export function itemsNeeded(required: number, counted: number, planned: number, missRate: number): number {
  if (counted >= required) return 0;
  const total = Math.ceil((required - counted) / (1 - missRate) - EPS);
  return Math.max(0, total - planned);
}

const isoWeekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
const timePlus = (time: string, minutes: number) => {
  const [h, m] = time.split(':').map(Number) as [number, number];
  const t = h * 60 + m + minutes;
  return `${String(Math.floor(t / 60) % 24).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
};

/** Bookings made so far (existing and proposed) with per-week counts per teacher. */
class Bookings {
  private readonly byResource = new Map<string, { start: number; end: number }[]>();
  private readonly perWeek = new Map<string, number>();
  constructor(
    busy: readonly Busy[],
    private readonly timeZone: string,
  ) {
    for (const b of busy) this.add(b.kind, b.id, b.start, b.end);
  }
  private add(kind: string, id: string, start: number, end: number) {
    const key = `${kind}:${id}`;
    const list = this.byResource.get(key) ?? [];
    list.push({ start, end });
    this.byResource.set(key, list);
    if (kind === 'teacher') {
      const wk = `${id}|${mondayOf(localDate(start, this.timeZone))}`;
      this.perWeek.set(wk, (this.perWeek.get(wk) ?? 0) + 1);
    }
  }
  free(kind: 'teacher' | 'classroom', id: string, start: number, end: number): boolean {
    return !(this.byResource.get(`${kind}:${id}`) ?? []).some((b) => b.start < end && start < b.end);
  }
  weekCount(teacherId: string, monday: string): number {
    return this.perWeek.get(`${teacherId}|${monday}`) ?? 0;
  }
  book(teachers: readonly string[], rooms: readonly string[], start: number, end: number) {
    for (const t of teachers) this.add('teacher', t, start, end);
    for (const r of rooms) this.add('classroom', r, start, end);
  }
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
/** The local date of an instant (a formatter per zone: making one costs more than the rest of a booking). */
function localDate(ms: number, timeZone: string): string {
  let f = dateFormats.get(timeZone);
  if (!f) dateFormats.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(new Date(ms));
}

const memberOn = (s: PlannerSchool, date: string) => s.from <= date && (s.to === null || date < s.to);

interface SessionCandidate {
  teacherId: string;
  invitedTeacherIds: string[];
  hostClassroomId: string | null;
  memberClassroomIds: string[];
}

/** The planner's working state for one proposal. */
export class Planner {
  readonly weeks: Week[];
  readonly from: string;
  private readonly bookings: Bookings;
  private readonly kindWeek = new Map<string, number>();
  private readonly dispatchBusy: DispatchBusy[];
  private readonly offlineDays = new Set<string>();
  readonly items: PlanItem[] = [];
  readonly shortfalls: PlanShortfall[] = [];
  private seq: Record<string, number> = {};

  constructor(readonly input: PlannerInput) {
    const nowDate = localDate(input.now + PAST_MARGIN_MS, input.timeZone);
    const start = [input.tally.period.startsOn, input.today, nowDate].sort().at(-1)!;
    this.from = start;
    this.weeks = teachingWeeks(input.tally, start, input.tally.period.endsOn);
    this.bookings = new Bookings(input.busy, input.timeZone);
    this.dispatchBusy = [...input.dispatches];
  }

  get core() {
    return this.input.schools.filter((s) => s.role === 'core');
  }
  membersOn(date: string) {
    return this.input.schools.filter((s) => s.role === 'member' && memberOn(s, date));
  }
  private schoolOf(id: string) {
    return this.input.schools.find((s) => s.id === id);
  }
  coreTeachers() {
    return this.input.teachers.filter((t) => this.schoolOf(t.schoolId)?.role === 'core');
  }
  memberTeachers() {
    return this.input.teachers.filter((t) => this.schoolOf(t.schoolId)?.role === 'member');
  }
  joinRooms() {
    return this.input.rooms.filter((r) => r.hasJoinTerminal && this.schoolOf(r.schoolId)?.role === 'member');
  }
  hostRooms() {
    const core = this.input.rooms.filter((r) => this.schoolOf(r.schoolId)?.role === 'core');
    return [...core.filter((r) => r.hasJoinTerminal), ...core.filter((r) => !r.hasJoinTerminal)];
  }

  private key(prefix: string) {
    this.seq[prefix] = (this.seq[prefix] ?? 0) + 1;
    return `${prefix}${String(this.seq[prefix]).padStart(2, '0')}`;
  }

  short(ruleId: string | null, code: PlanShortfall['code'], params: PlanShortfall['params'] = {}) {
    if (!this.shortfalls.some((s) => s.ruleId === ruleId && s.code === code && JSON.stringify(s.params) === JSON.stringify(params))) this.shortfalls.push({ ruleId, code, params });
  }

  /** Weeks to try for the i-th of n items: its even share of the weeks first, then later, then earlier ones (PL-SPREAD-WEEKS). */
  private weekOrder(i: number, n: number): Week[] {
    const w = this.weeks.length;
    const target = Math.min(w - 1, Math.floor((i * w) / Math.max(1, n)));
    return [...this.weeks.slice(target), ...this.weeks.slice(0, target).reverse()];
  }

  private kindCount(kind: string, monday: string) {
    return this.kindWeek.get(`${kind}|${monday}`) ?? 0;
  }

  /**
   * The first free preferred slot in `week` for one of the candidates (teachers under their
   * weekly maximum, every teacher and classroom free), or null.
   */
  private slotIn(week: Week, minutes: number, candidates: (date: string) => SessionCandidate[]) {
    const { prefs, timeZone, now } = this.input;
    for (const slot of prefs.slots) {
      const date = week.days.find((d) => isoWeekday(d) === slot.weekday);
      if (!date) continue;
      const start = fromZoned(date, slot.time, timeZone).getTime();
      const end = start + minutes * 60_000;
      if (start < now + PAST_MARGIN_MS) continue;
      for (const c of candidates(date)) {
        const teachers = [c.teacherId, ...c.invitedTeacherIds];
        const rooms = [...(c.hostClassroomId ? [c.hostClassroomId] : []), ...c.memberClassroomIds];
        if (teachers.some((t) => this.bookings.weekCount(t, week.monday) >= prefs.maxPerWeekPerTeacher)) continue;
        if (teachers.some((t) => !this.bookings.free('teacher', t, start, end))) continue;
        if (rooms.some((r) => !this.bookings.free('classroom', r, start, end))) continue;
        return { date, startTime: slot.time, endTime: timePlus(slot.time, minutes), start, end, c };
      }
    }
    return null;
  }

  /** Places up to `n` sessions spread over the weeks; returns how many were placed. */
  placeSessions(
    n: number,
    kind: 'sync_lesson' | 'online_research',
    maxPerWeek: number,
    make: (i: number) => { candidates: (date: string) => SessionCandidate[]; item: (c: SessionCandidate) => Omit<PlanItem, 'key' | 'kind' | 'date' | 'startTime' | 'endTime' | 'endDate'> } | null,
    spread: { offset: number; total: number } = { offset: 0, total: n },
  ): number {
    let placed = 0;
    const minutes = kind === 'sync_lesson' ? this.input.prefs.lessonMinutes : this.input.prefs.researchMinutes;
    for (let i = 0; i < n; i++) {
      const spec = make(i);
      if (!spec) continue;
      for (const week of this.weekOrder(spread.offset + i, spread.total)) {
        if (this.kindCount(kind, week.monday) >= Math.floor(maxPerWeek)) continue;
        const slot = this.slotIn(week, minutes, spec.candidates);
        if (!slot) continue;
        this.bookings.book([slot.c.teacherId, ...slot.c.invitedTeacherIds], [...(slot.c.hostClassroomId ? [slot.c.hostClassroomId] : []), ...slot.c.memberClassroomIds], slot.start, slot.end);
        this.kindWeek.set(`${kind}|${week.monday}`, this.kindCount(kind, week.monday) + 1);
        this.items.push({ key: this.key(kind === 'sync_lesson' ? 'L' : 'R'), kind, date: slot.date, startTime: slot.startTime, endTime: slot.endTime, endDate: null, ...spec.item(slot.c) });
        placed++;
        break;
      }
    }
    return placed;
  }

  /** Takes an item's teachers, classrooms, day or dispatch period as booked (items kept when others clash). */
  reserve(item: PlanItem) {
    if (item.kind === 'dispatch' && item.teacherId && item.endDate) this.dispatchBusy.push({ teacherId: item.teacherId, from: item.date, to: item.endDate });
    else if (item.kind === 'offline_research') this.offlineDays.add(item.date);
    else if (item.startTime && item.endTime && item.teacherId) {
      const start = fromZoned(item.date, item.startTime, this.input.timeZone).getTime();
      const end = fromZoned(item.date, item.endTime, this.input.timeZone).getTime();
      this.bookings.book([item.teacherId, ...item.invitedTeacherIds], [...(item.hostClassroomId ? [item.hostClassroomId] : []), ...item.memberClassroomIds], start, end);
    }
  }

  /**
   * Free alternatives for a refused item with the same people and rooms: preferred slots from
   * its week on (then earlier weeks), other days for offline research, later weeks for a dispatch.
   */
  alternatives(item: PlanItem, n = 3): { date: string; startTime: string | null; endTime: string | null; endDate: string | null }[] {
    const at = this.weeks.findIndex((w) => w.monday >= mondayOf(item.date));
    const weeks = at < 0 ? [...this.weeks].reverse() : [...this.weeks.slice(at), ...this.weeks.slice(0, at).reverse()];
    const out: { date: string; startTime: string | null; endTime: string | null; endDate: string | null }[] = [];
    if (item.kind === 'dispatch') {
      const days = item.endDate ? Math.round((Date.parse(item.endDate) - Date.parse(item.date)) / 86_400_000) : 0;
      for (const w of weeks) {
        const from = w.days[0]!;
        const to = addDays(from, days);
        if (from === item.date || !item.teacherId || this.dispatchBusy.some((d) => d.teacherId === item.teacherId && d.from <= to && from <= d.to)) continue;
        out.push({ date: from, startTime: null, endTime: null, endDate: to > this.input.tally.period.endsOn ? this.input.tally.period.endsOn : to });
        if (out.length >= n) break;
      }
      return out;
    }
    if (item.kind === 'offline_research') {
      for (const w of weeks) for (const d of w.days) if (d !== item.date && !this.offlineDays.has(d) && out.length < n) out.push({ date: d, startTime: null, endTime: null, endDate: null });
      return out;
    }
    const minutes = item.startTime && item.endTime ? (Date.parse(`2000-01-01T${item.endTime}:00Z`) - Date.parse(`2000-01-01T${item.startTime}:00Z`)) / 60_000 : this.input.prefs.lessonMinutes;
    const same: SessionCandidate = { teacherId: item.teacherId ?? '', invitedTeacherIds: item.invitedTeacherIds, hostClassroomId: item.hostClassroomId, memberClassroomIds: item.memberClassroomIds };
    for (const w of weeks) {
      const slot = this.slotIn(w, minutes, () => [same]);
      if (!slot || (slot.date === item.date && slot.startTime === item.startTime)) continue;
      out.push({ date: slot.date, startTime: slot.startTime, endTime: slot.endTime, endDate: null });
      if (out.length >= n) break;
    }
    return out;
  }

  placeOffline(n: number, maxPerWeek: number, ruleId: string): number {
    const core = this.core[0];
    if (!core) return 0;
    let placed = 0;
    for (let i = 0; i < n; i++) {
      for (const week of this.weekOrder(i, n)) {
        if (this.kindCount('offline_research', week.monday) >= Math.floor(maxPerWeek)) continue;
        const preferred = this.input.prefs.slots.map((s) => week.days.find((d) => isoWeekday(d) === s.weekday)).filter((d): d is string => !!d);
        const date = [...preferred, ...week.days].find((d) => !this.offlineDays.has(d) && this.membersOn(d).length > 0);
        if (!date) continue;
        const members = this.membersOn(date);
        const member = members[i % members.length]!;
        this.offlineDays.add(date);
        this.kindWeek.set(`offline_research|${week.monday}`, this.kindCount('offline_research', week.monday) + 1);
        this.items.push({
          key: this.key('O'), kind: 'offline_research', ruleIds: [ruleId], date, startTime: null, endTime: null, endDate: null,
          title: '线下教研', subjectCode: null, mode: null, teacherId: null, hostClassroomId: null, memberClassroomIds: [], invitedTeacherIds: [],
          schoolId: core.id, schoolIds: [member.id], who: member.name, where: core.name,
        });
        placed++;
        break;
      }
    }
    return placed;
  }

  placeDispatch(school: PlannerSchool, index: number, count: number, ruleId: string): boolean {
    const backbone = this.coreTeachers().filter((t) => t.backbone);
    const span = this.input.prefs.dispatchWeeks;
    for (const week of this.weekOrder(index, count)) {
      const startsOn = week.days[0]!;
      if (!memberOn(school, startsOn)) continue;
      let endsOn = addDays(week.monday, span * 7 - 3);
      if (endsOn > this.input.tally.period.endsOn) endsOn = this.input.tally.period.endsOn;
      const teacher = backbone.find((t) => !this.dispatchBusy.some((d) => d.teacherId === t.id && d.from <= endsOn && startsOn <= d.to));
      if (!teacher) continue;
      this.dispatchBusy.push({ teacherId: teacher.id, from: startsOn, to: endsOn });
      this.items.push({
        key: this.key('D'), kind: 'dispatch', ruleIds: [ruleId], date: startsOn, startTime: null, endTime: null, endDate: endsOn,
        title: `骨干教师派驻 ${school.name}`, subjectCode: null, mode: null, teacherId: teacher.id, hostClassroomId: null, memberClassroomIds: [], invitedTeacherIds: [],
        schoolId: school.id, schoolIds: [], who: teacher.name, where: school.name,
      });
      return true;
    }
    return false;
  }
}

// ---- the plan --------------------------------------------------------------------------------

const appliesTo = (rule: QuotaRule, t: Pick<CommunityYearTally, 'typeCode' | 'requiresDispatch'>) =>
  (!rule.appliesTo.typeCodes?.length || rule.appliesTo.typeCodes.includes(t.typeCode)) && (rule.appliesTo.requiresDispatch === undefined || rule.appliesTo.requiresDispatch === t.requiresDispatch);

export function planYear(input: PlannerInput): PlannerResult {
  const p = new Planner(input);
  const { tally, rules, missRate } = input;
  const now = evaluateTally(rules, tally).rules;
  const applicable = rules.map((r, i) => ({ rule: r, progress: now[i]! })).filter((x) => x.progress.status !== 'not_applicable' && appliesTo(x.rule, tally));

  if (p.weeks.length === 0) {
    for (const { rule, progress } of applicable) if (progress.status !== 'met') p.short(rule.ruleId, 'no_teaching_weeks');
    return { from: p.from, items: [], forecast: forecastOf(input, []), shortfalls: p.shortfalls };
  }

  planLessons(p, applicable);
  planResearch(p, applicable);
  planOffline(p, applicable);
  planDispatches(p, applicable);

  const forecast = forecastOf(input, p.items);
  // PL-SHORTFALL-SAID: a rule the proposal does not meet with its margin always says why.
  for (const f of forecast) {
    if (f.status === 'not_applicable' || f.metWithMargin) continue;
    if (!p.shortfalls.some((s) => s.ruleId === f.ruleId)) {
      p.short(f.ruleId, f.counted + f.planned + f.proposed >= f.required ? 'margin' : 'capacity', { wanted: Math.max(0, f.required - f.counted), placed: f.proposed, missRate: Math.round(missRate * 100) });
    }
  }
  return { from: p.from, items: p.items, forecast, shortfalls: p.shortfalls };
}

type Applicable = { rule: QuotaRule; progress: ReturnType<typeof evaluateTally>['rules'][number] }[];

function planLessons(p: Planner, applicable: Applicable) {
  const { input } = p;
  const lessonRules = applicable.filter((x) => x.rule.metric === 'sync_lessons');
  const subjectRule = applicable.find((x) => x.rule.metric === 'sync_subjects');
  if (!lessonRules.length && !subjectRule) return;
  const k = Math.max(1, Math.ceil(1 / (1 - input.missRate) - EPS));

  // Subjects: those already counted or planned, and new ones from the core school's teachers (PL-SUBJECTS).
  const have = new Set([...input.tally.counted, ...input.tally.planned].filter((g) => g.kind === 'sync_lesson' && g.subjectCode).map((g) => g.subjectCode!));
  const teachersOf = (s: string) => p.coreTeachers().filter((t) => t.subjects.includes(s));
  const taught = [...new Set(p.coreTeachers().flatMap((t) => t.subjects))].sort((a, b) => teachersOf(b).length - teachersOf(a).length || a.localeCompare(b));
  for (const s of input.prefs.subjects) if (!teachersOf(s).length) p.short(subjectRule?.rule.ruleId ?? null, 'no_subject_teacher', { subject: s });
  const candidates = [...new Set([...input.prefs.subjects.filter((s) => teachersOf(s).length), ...taught])];
  const newNeeded = subjectRule && subjectRule.progress.status !== 'met' ? Math.max(0, subjectRule.progress.required - subjectRule.progress.counted - subjectRule.progress.planned) : 0;
  const lessonNeed = Math.max(0, ...lessonRules.map((x) => itemsNeeded(x.progress.required, x.progress.counted, x.progress.planned, input.missRate)));
  if (newNeeded === 0 && lessonNeed === 0) return;

  const rooms = p.joinRooms();
  if (rooms.length === 0 || p.hostRooms().length === 0) {
    for (const x of [...lessonRules, ...(subjectRule ? [subjectRule] : [])]) p.short(x.rule.ruleId, 'no_join_terminal');
    return;
  }
  const subjectRuleId = subjectRule?.rule.ruleId;
  const lessonRuleIds = lessonRules.map((x) => x.rule.ruleId);
  const filtered = lessonRules.find((x) => x.rule.filter.modes?.length || x.rule.filter.subjects?.length);
  const mode = (filtered?.rule.filter.modes?.[0] ?? 'interactive') as PlanItem['mode'];

  // Subjects in order: new ones the proposal must bring in, then those already taught, then any.
  const fresh = candidates.filter((s) => !have.has(s));
  const chosen = fresh.slice(0, newNeeded);
  const spare = fresh.slice(newNeeded);
  if (chosen.length < newNeeded) p.short(subjectRuleId ?? null, 'not_enough_subjects', { wanted: newNeeded, available: chosen.length });
  const rotation = [...chosen, ...candidates.filter((s) => have.has(s))];
  if (!rotation.length && candidates.length) rotation.push(candidates[0]!);
  const total = Math.max(lessonNeed, chosen.length * k);
  const sequence: string[] = [];
  for (let j = 0; j < k; j++) sequence.push(...chosen);
  for (let i = 0; sequence.length < total && rotation.length; i++) sequence.push(rotation[i % rotation.length]!);

  let memberTurn = 0;
  const placeOne = (subject: string, index: number, n: number): boolean => {
    const name = input.subjectNames?.[subject] ?? subject;
    const placed = p.placeSessions(1, 'sync_lesson', Math.min(...lessonRules.map((x) => x.rule.maxPerWeek), Infinity), () => ({
      candidates: (date) => {
        const members = p.membersOn(date);
        const order = members.map((_, j) => members[(memberTurn + j) % members.length]!);
        const out: SessionCandidate[] = [];
        for (const teacher of teachersOf(subject)) {
          for (const host of p.hostRooms()) {
            for (const m of order) {
              for (const room of rooms.filter((r) => r.schoolId === m.id)) out.push({ teacherId: teacher.id, invitedTeacherIds: [], hostClassroomId: host.id, memberClassroomIds: [room.id] });
            }
          }
        }
        return out;
      },
      item: (c) => {
        const teacher = input.teachers.find((t) => t.id === c.teacherId)!;
        const room = input.rooms.find((r) => r.id === c.memberClassroomIds[0])!;
        const host = input.rooms.find((r) => r.id === c.hostClassroomId)!;
        const school = input.schools.find((s) => s.id === room.schoolId)!;
        memberTurn++;
        return {
          ruleIds: [...lessonRuleIds, ...(subjectRuleId && chosen.includes(subject) ? [subjectRuleId] : [])],
          title: `${name}同步课堂`, subjectCode: subject, mode, teacherId: teacher.id, hostClassroomId: host.id, memberClassroomIds: [room.id], invitedTeacherIds: [], schoolId: null, schoolIds: [],
          who: teacher.name, where: `${host.name} → ${school.name} ${room.name}`,
        };
      },
    }), { offset: index, total: n });
    return placed === 1;
  };

  let placed = 0;
  for (let i = 0; i < sequence.length; i++) {
    let subject = sequence[i]!;
    // Spread: the i-th lesson aims at its share of the weeks (PL-SPREAD-WEEKS).
    let ok = placeOne(subject, i, sequence.length);
    if (!ok && chosen.includes(subject)) {
      // A new subject whose teachers have no free slot: the next subject taught in the core school takes its place.
      const other = spare.shift();
      if (other) {
        p.short(subjectRuleId ?? null, 'subject_replaced', { wanted: subject, used: other, teachers: teachersOf(subject).length });
        for (let j = i; j < sequence.length; j++) if (sequence[j] === subject) sequence[j] = other;
        chosen[chosen.indexOf(subject)] = other;
        subject = other;
        ok = placeOne(subject, i, sequence.length);
      }
    }
    if (ok) placed++;
  }
  if (placed < total) for (const id of lessonRuleIds) p.short(id, 'capacity', { wanted: total, placed, weeks: p.weeks.length, maxPerWeek: input.prefs.maxPerWeekPerTeacher });
}

function planResearch(p: Planner, applicable: Applicable) {
  const { input } = p;
  const x = applicable.find((r) => r.rule.metric === 'online_research');
  if (!x) return;
  const need = itemsNeeded(x.progress.required, x.progress.counted, x.progress.planned, input.missRate);
  if (need === 0) return;
  const members = p.memberTeachers();
  if (!members.length) return p.short(x.rule.ruleId, 'no_member_teacher');
  let turn = 0;
  const placed = p.placeSessions(need, 'online_research', x.rule.maxPerWeek, () => ({
    candidates: (date) => {
      const invitees = members.filter((t) => p.membersOn(date).some((s) => s.id === t.schoolId));
      const order = invitees.map((_, j) => invitees[(turn + j) % invitees.length]!);
      return p.coreTeachers().flatMap((host) => order.map((inv) => ({ teacherId: host.id, invitedTeacherIds: [inv.id], hostClassroomId: null, memberClassroomIds: [] })));
    },
    item: (c) => {
      turn++;
      const host = input.teachers.find((t) => t.id === c.teacherId)!;
      const inv = input.teachers.find((t) => t.id === c.invitedTeacherIds[0])!;
      const school = input.schools.find((s) => s.id === inv.schoolId)!;
      return { ruleIds: [x.rule.ruleId], title: '网络研修', subjectCode: null, mode: null, teacherId: host.id, hostClassroomId: null, memberClassroomIds: [], invitedTeacherIds: [inv.id], schoolId: null, schoolIds: [], who: `${host.name}、${inv.name}`, where: school.name };
    },
  }));
  if (placed < need) p.short(x.rule.ruleId, 'capacity', { wanted: need, placed, weeks: p.weeks.length, maxPerWeek: Math.min(x.rule.maxPerWeek, input.prefs.maxPerWeekPerTeacher) });
}

function planOffline(p: Planner, applicable: Applicable) {
  const x = applicable.find((r) => r.rule.metric === 'offline_research');
  if (!x) return;
  const need = itemsNeeded(x.progress.required, x.progress.counted, x.progress.planned, p.input.missRate);
  if (need === 0) return;
  const placed = p.placeOffline(need, x.rule.maxPerWeek, x.rule.ruleId);
  if (placed < need) p.short(x.rule.ruleId, 'capacity', { wanted: need, placed, weeks: p.weeks.length, maxPerWeek: x.rule.maxPerWeek });
}

function planDispatches(p: Planner, applicable: Applicable) {
  const x = applicable.find((r) => r.rule.metric === 'dispatch_coverage');
  if (!x || x.progress.status === 'met' || x.progress.status === 'on_track') return;
  const uncovered = p.input.tally.members.filter((m) => !m.covered && !m.plannedCovered && m.to >= p.from);
  if (!uncovered.length) return;
  if (!p.coreTeachers().some((t) => t.backbone)) return p.short(x.rule.ruleId, 'no_backbone');
  uncovered.forEach((m, i) => {
    const school = p.input.schools.find((s) => s.id === m.schoolId && s.role === 'member');
    if (!school || !p.placeDispatch(school, i, uncovered.length, x.rule.ruleId)) p.short(x.rule.ruleId, 'capacity', { school: m.name });
  });
}

// ---- forecast ----------------------------------------------------------------------------------

/** The tracker's judgement with the items added as planned, and what is expected at the miss rate (PL-FORECAST). */
function forecastOf(input: Pick<PlannerInput, 'tally' | 'rules' | 'missRate'>, items: readonly PlanItem[]): PlanForecast[] {
  const { tally, rules, missRate } = input;
  const before = evaluateTally(rules, tally).rules;
  const planned = new Map<string, PlannedGroup>();
  const add = (g: PlannedGroup) => {
    const key = `${g.kind}|${g.subjectCode ?? ''}|${g.mode ?? ''}`;
    const cur = planned.get(key);
    planned.set(key, { ...g, count: (cur?.count ?? 0) + g.count });
  };
  for (const g of tally.planned) add(g);
  for (const i of items) if (i.kind !== 'dispatch') add({ kind: i.kind as CountedItemKind, subjectCode: i.kind === 'sync_lesson' ? i.subjectCode : null, mode: i.kind === 'sync_lesson' ? i.mode : null, count: 1 });
  const dispatched = new Set(items.filter((i) => i.kind === 'dispatch').map((i) => i.schoolId));
  const after = evaluateTally(rules, {
    ...tally,
    planned: [...planned.values()],
    members: tally.members.map((m) => (!m.covered && dispatched.has(m.schoolId) ? { ...m, plannedCovered: true } : m)),
  }).rules;
  const f = 1 - missRate;
  return rules.map((rule, i) => {
    const b = before[i]!;
    const a = after[i]!;
    const proposed = a.planned - b.planned;
    let expected: number;
    if (rule.metric === 'sync_subjects') {
      const counts = new Map<string, number>();
      for (const g of planned.values()) if (g.kind === 'sync_lesson' && g.subjectCode) counts.set(g.subjectCode, (counts.get(g.subjectCode) ?? 0) + g.count);
      const countedSubjects = new Set(tally.counted.filter((g) => g.kind === 'sync_lesson' && g.subjectCode).map((g) => g.subjectCode!));
      expected = a.counted + [...counts].filter(([s, n]) => !countedSubjects.has(s) && n * f >= 1 - EPS).length;
    } else if (rule.metric === 'dispatch_coverage') expected = a.counted + a.planned;
    else expected = Math.round((a.counted + a.planned * f) * 100) / 100;
    return {
      ruleId: rule.ruleId, metric: rule.metric, nameZh: rule.nameZh, nameEn: rule.nameEn,
      required: a.required, counted: a.counted, planned: b.planned, proposed, expected,
      statusNow: b.status, status: a.status, metWithMargin: a.status === 'not_applicable' || expected >= a.required - EPS,
    };
  });
}
