import type { CommunityYearFacts, CommunityYearTally, CountedGroup, CountedItem, MemberPeriodTally, PlannedItem } from '../../shared/quotas/facts.ts';
import type { MemberSchoolParticipation, QuotaAdvice, RuleProgress } from '../../shared/quotas/progress.ts';
import type { QuotaRule, QuotaStatus } from '../../shared/quotas/rules.ts';
import { currentOrNextTerm, teachingDayCount, termWeeksLeft } from './teachingCalendar.ts';

/**
 * The quota tracker's judgement: (rules of the year, counted facts) → a status
 * per rule with a forecast and advice. Pure — SQL only gathers the facts — so
 * every rule can be tested at its edges (see test/unit/quotas.test.ts).
 *
 * The judgement runs on a *tally* (grouped counts, shared/quotas/facts.ts): the
 * set-based recompute gathers one straight from SQL; `evaluateCommunityYear`
 * makes one from item lists (`tallyOf`) and adds the ids of the items behind
 * each rule. Both go through `evaluateTally`, so they cannot disagree.
 */
export interface CommunityYearProgress {
  readonly rules: RuleProgress[];
  readonly memberSchools: MemberSchoolParticipation[];
}

type Period = Pick<CommunityYearFacts, 'period'>;
type Scope = Pick<CommunityYearFacts, 'period' | 'memberSchools'>;

// ---- which items count -------------------------------------------------------------------------

function inPeriod(item: { on: string }, facts: Period) {
  return item.on >= facts.period.startsOn && item.on <= facts.period.endsOn;
}

/** A lesson counts only if a school taking part was a member of the community on that day. */
function membersOnTheDay(item: Pick<CountedItem, 'on' | 'memberSchoolIds'>, facts: Scope): string[] {
  return item.memberSchoolIds.filter((id) => facts.memberSchools.some((m) => m.schoolId === id && m.from <= item.on && item.on <= m.to));
}

/** Whether an item enters the tally at all (in the period; lessons: with a member school of that day). */
export function isCountable(item: Pick<CountedItem, 'kind' | 'on' | 'memberSchoolIds'>, facts: Scope): boolean {
  return inPeriod(item, facts) && (item.kind !== 'sync_lesson' || membersOnTheDay(item, facts).length > 0);
}

function passesFilter(rule: QuotaRule, item: Pick<CountedGroup, 'mode' | 'subjectCode'>) {
  const { modes, subjects } = rule.filter;
  if (modes?.length && !modes.includes(item.mode ?? '')) return false;
  if (subjects?.length && !subjects.includes(item.subjectCode ?? '')) return false;
  return true;
}

const metricKind = { sync_lessons: 'sync_lesson', sync_subjects: 'sync_lesson', online_research: 'online_research', offline_research: 'offline_research' } as const;

/** Whether a (countable) item or group counts towards a rule's metric. */
function countsFor(rule: QuotaRule, g: Pick<CountedGroup, 'kind' | 'mode' | 'subjectCode'>): boolean {
  if (rule.metric === 'dispatch_coverage') return false;
  return g.kind === metricKind[rule.metric] && (g.kind !== 'sync_lesson' || passesFilter(rule, g));
}

function applies(rule: QuotaRule, facts: Pick<CommunityYearTally, 'typeCode' | 'requiresDispatch'>): boolean {
  const { typeCodes, requiresDispatch } = rule.appliesTo;
  if (typeCodes && typeCodes.length && !typeCodes.includes(facts.typeCode)) return false;
  if (requiresDispatch !== undefined && requiresDispatch !== facts.requiresDispatch) return false;
  return true;
}

/** The rules (of those that apply to the community) a counted item counts towards. */
export function rulesOfItem(rules: readonly QuotaRule[], item: CountedItem, facts: CommunityYearFacts): string[] {
  if (!isCountable(item, facts)) return [];
  return rules.filter((r) => applies(r, facts) && countsFor(r, item)).map((r) => r.ruleId);
}

// ---- items → tally ------------------------------------------------------------------------------

const groupKey = (g: { kind: string; subjectCode: string | null; mode: string | null }, extra = '') => `${g.kind}|${g.subjectCode ?? ''}|${g.mode ?? ''}|${extra}`;

/** Item lists → grouped counts, with exactly the rules of `isCountable` and the dispatch overlaps. */
export function tallyOf(facts: CommunityYearFacts): CommunityYearTally {
  const counted = new Map<string, { kind: CountedItem['kind']; subjectCode: string | null; mode: string | null; source: CountedItem['source']; count: number }>();
  for (const i of facts.counted) {
    if (!isCountable(i, facts)) continue;
    const key = groupKey(i, i.source);
    const g = counted.get(key) ?? { kind: i.kind, subjectCode: i.subjectCode, mode: i.mode, source: i.source, count: 0 };
    g.count++;
    counted.set(key, g);
  }
  const planned = new Map<string, { kind: PlannedItem['kind']; subjectCode: string | null; mode: string | null; count: number }>();
  for (const i of facts.planned) {
    // Q-PLANNED-LESSON-MEMBERS: a planned lesson whose member schools have left by its day cannot count.
    if (!isCountable(i, facts)) continue;
    const key = groupKey(i);
    const g = planned.get(key) ?? { kind: i.kind, subjectCode: i.subjectCode, mode: i.mode, count: 0 };
    g.count++;
    planned.set(key, g);
  }
  const overlaps = (d: { memberSchoolId: string; from: string; to: string }, m: { schoolId: string; from: string; to: string }) =>
    d.memberSchoolId === m.schoolId && d.from <= m.to && d.to >= m.from;
  const members: MemberPeriodTally[] = facts.memberSchools.map((m) => {
    const covered = facts.dispatches.some((d) => overlaps(d, m));
    return {
      ...m,
      lessons: facts.counted.filter((i) => i.kind === 'sync_lesson' && inPeriod(i, facts) && i.memberSchoolIds.includes(m.schoolId) && m.from <= i.on && i.on <= m.to).length,
      covered,
      plannedCovered: !covered && facts.plannedDispatches.some((d) => overlaps(d, m)),
    };
  });
  return {
    communityId: facts.communityId,
    typeCode: facts.typeCode,
    requiresDispatch: facts.requiresDispatch,
    period: facts.period,
    today: facts.today,
    calendar: facts.calendar,
    counted: [...counted.values()],
    planned: [...planned.values()],
    members,
  };
}

// ---- the judgement ------------------------------------------------------------------------------

function statusOf(counted: number, planned: number, required: number, capacityLeft: number): QuotaStatus {
  if (counted >= required) return 'met';
  if (counted + planned >= required) return 'on_track';
  return required - counted - planned > capacityLeft ? 'will_miss' : 'at_risk';
}

const fromOf = (t: Pick<CommunityYearTally, 'today' | 'period'>) => (t.today < t.period.startsOn ? t.period.startsOn : t.today);

/** Before the end of the current term if the shortfall fits in it, else before the end of the last term. */
function adviseBefore(t: CommunityYearTally, need: number, maxPerWeek: number): string | null {
  const from = fromOf(t);
  const term = currentOrNextTerm(t.calendar, from);
  if (!term) return null;
  const weeksInTerm = teachingDayCount(t.calendar, from, term.endsOn) / 5;
  if (need <= Math.floor(weeksInTerm * maxPerWeek)) return term.endsOn;
  const last = t.calendar.terms.filter((x) => x.endsOn <= t.period.endsOn).at(-1);
  return last && last.endsOn >= from ? last.endsOn : null;
}

const sum = (gs: readonly { count: number }[]) => gs.reduce((n, g) => n + g.count, 0);

export function evaluateTally(rules: readonly QuotaRule[], t: CommunityYearTally): CommunityYearProgress {
  const weeksLeft = t.today > t.period.endsOn ? 0 : termWeeksLeft(t.calendar, fromOf(t), t.period.endsOn);
  return { rules: rules.map((rule) => evaluateRule(rule, t, weeksLeft)), memberSchools: participationOf(t.members) };
}

/**
 * A rule's progress, built as one literal (keys in the order of RuleProgress): a full
 * recompute builds tens of thousands of these, and in Node 20 `{ ...base, more… }` (a
 * spread followed by further keys) costs ≈ 10× this literal — it was most of the
 * evaluation's time (bench/README.md, quotas).
 */
function ruleProgress(rule: QuotaRule, weeksLeft: number, status: QuotaStatus, required: number, counted: number, fromCorrections: number, planned: number, advice: QuotaAdvice | null): RuleProgress {
  return { ruleId: rule.ruleId, metric: rule.metric, nameZh: rule.nameZh, nameEn: rule.nameEn, termWeeksLeft: weeksLeft, itemIds: [], status, required, counted, fromCorrections, planned, advice };
}

function evaluateRule(rule: QuotaRule, t: CommunityYearTally, weeksLeft: number): RuleProgress {
  if (!applies(rule, t)) return ruleProgress(rule, weeksLeft, 'not_applicable', 0, 0, 0, 0, null);
  const capacity = Math.floor(weeksLeft * rule.maxPerWeek);
  const result = (counted: number, fromCorrections: number, planned: number, required: number, extra?: (advice: QuotaAdvice, need: number) => void): RuleProgress => {
    const need = Math.max(0, required - counted - planned);
    let advice: QuotaAdvice | null = null;
    if (need > 0) {
      advice = { more: need, before: adviseBefore(t, need, rule.maxPerWeek) };
      extra?.(advice, need);
    }
    return ruleProgress(rule, weeksLeft, statusOf(counted, planned, required, capacity), required, counted, fromCorrections, planned, advice);
  };

  switch (rule.metric) {
    case 'sync_lessons':
    case 'online_research':
    case 'offline_research': {
      const counted = t.counted.filter((g) => countsFor(rule, g));
      return result(sum(counted), sum(counted.filter((g) => g.source === 'correction')), sum(t.planned.filter((g) => countsFor(rule, g))), rule.minimum);
    }
    case 'sync_subjects': {
      const counted = t.counted.filter((g) => countsFor(rule, g) && g.subjectCode);
      const subjects = new Set(counted.map((g) => g.subjectCode!));
      const fromEvidence = new Set(counted.filter((g) => g.source === 'evidence').map((g) => g.subjectCode!));
      const withPlanned = new Set([...subjects, ...t.planned.filter((g) => countsFor(rule, g) && g.subjectCode).map((g) => g.subjectCode!)]);
      // A subject "from corrections" is one only corrections bring in.
      return result(subjects.size, [...subjects].filter((s) => !fromEvidence.has(s)).length, withPlanned.size - subjects.size, rule.minimum, (a, need) => {
        a.newSubjects = need;
      });
    }
    case 'dispatch_coverage': {
      const periods = t.members;
      const covered = periods.filter((m) => m.covered);
      const plannedToo = periods.filter((m) => !m.covered && m.plannedCovered);
      const uncovered = periods.filter((m) => !m.covered && !m.plannedCovered);
      return result(covered.length, 0, plannedToo.length, Math.ceil(rule.minimum * periods.length), (a) => {
        a.schools = uncovered.map((m) => ({ id: m.schoolId, name: m.name }));
      });
    }
  }
}

function participationOf(members: readonly MemberPeriodTally[]): MemberSchoolParticipation[] {
  const bySchool = new Map<string, { schoolId: string; name: string; lessons: number }>();
  for (const m of members) {
    const entry = bySchool.get(m.schoolId) ?? { schoolId: m.schoolId, name: m.name, lessons: 0 };
    entry.lessons += m.lessons;
    bySchool.set(m.schoolId, entry);
  }
  return [...bySchool.values()].map((s) => ({ schoolId: s.schoolId, name: s.name, lessons: s.lessons, flagged: s.lessons === 0 }));
}

// ---- item lists (unit tests, one community's detail) ---------------------------------------------

export function evaluateCommunityYear(rules: readonly QuotaRule[], facts: CommunityYearFacts): CommunityYearProgress {
  const progress = evaluateTally(rules, tallyOf(facts));
  const countable = facts.counted.filter((i) => isCountable(i, facts));
  const overlaps = (d: { memberSchoolId: string; from: string; to: string }) => facts.memberSchools.some((m) => d.memberSchoolId === m.schoolId && d.from <= m.to && d.to >= m.from);
  return {
    ...progress,
    rules: progress.rules.map((p, i) => {
      const rule = rules[i]!;
      if (p.status === 'not_applicable') return p;
      if (rule.metric === 'dispatch_coverage') return { ...p, itemIds: facts.dispatches.filter(overlaps).map((d) => d.id) };
      return { ...p, itemIds: countable.filter((item) => countsFor(rule, item)).map((item) => item.id) };
    }),
  };
}

/** Lessons each member school took part in while it was a member; none → flagged. */
export function memberSchoolParticipation(facts: CommunityYearFacts): MemberSchoolParticipation[] {
  return participationOf(tallyOf(facts).members);
}

/** The months of a period, `YYYY-MM`. */
export function monthsOf(period: { startsOn: string; endsOn: string }): string[] {
  const months: string[] = [];
  for (let y = Number(period.startsOn.slice(0, 4)), m = Number(period.startsOn.slice(5, 7)); ; ) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    if (key > period.endsOn.slice(0, 7)) break;
    months.push(key);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return months;
}

/** Cumulative counted items per month of the period, for the dashboard's trend line. */
export function monthlyTrend(facts: Pick<CommunityYearFacts, 'period' | 'counted'>, kind: CountedItem['kind']): { month: string; cumulative: number }[] {
  let total = 0;
  return monthsOf(facts.period).map((month) => {
    total += facts.counted.filter((i) => i.kind === kind && i.on.startsWith(month)).length;
    return { month, cumulative: total };
  });
}
