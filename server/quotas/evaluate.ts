import type { CommunityYearFacts, CountedItem, PlannedItem } from '../../shared/quotas/facts.ts';
import type { MemberSchoolParticipation, QuotaAdvice, RuleProgress } from '../../shared/quotas/progress.ts';
import type { QuotaRule, QuotaStatus } from '../../shared/quotas/rules.ts';
import { currentOrNextTerm, teachingDays, termWeeksLeft } from './teachingCalendar.ts';

/**
 * The quota tracker's judgement: (rules of the year, counted facts) → a status
 * per rule with a forecast and advice. Pure — SQL only gathers the facts — so
 * every rule can be tested at its edges (see test/unit/quotas.test.ts).
 */
export interface CommunityYearProgress {
  readonly rules: RuleProgress[];
  readonly memberSchools: MemberSchoolParticipation[];
}

export function evaluateCommunityYear(rules: readonly QuotaRule[], facts: CommunityYearFacts): CommunityYearProgress {
  const weeksLeft = facts.today > facts.period.endsOn ? 0 : termWeeksLeft(facts.calendar, facts.today < facts.period.startsOn ? facts.period.startsOn : facts.today, facts.period.endsOn);
  return {
    rules: rules.map((rule) => evaluateRule(rule, facts, weeksLeft)),
    memberSchools: memberSchoolParticipation(facts),
  };
}

function applies(rule: QuotaRule, facts: CommunityYearFacts): boolean {
  const { typeCodes, requiresDispatch } = rule.appliesTo;
  if (typeCodes && typeCodes.length && !typeCodes.includes(facts.typeCode)) return false;
  if (requiresDispatch !== undefined && requiresDispatch !== facts.requiresDispatch) return false;
  return true;
}

/** A lesson counts only if a school taking part was a member of the community on that day. */
function isBetweenCoreAndMembers(item: Pick<CountedItem, 'on' | 'memberSchoolIds'>, facts: CommunityYearFacts): boolean {
  return item.memberSchoolIds.some((id) => facts.memberSchools.some((m) => m.schoolId === id && m.from <= item.on && item.on <= m.to));
}

function inPeriod(item: { on: string }, facts: CommunityYearFacts) {
  return item.on >= facts.period.startsOn && item.on <= facts.period.endsOn;
}

function passesFilter(rule: QuotaRule, item: Pick<CountedItem, 'mode' | 'subjectCode'>) {
  const { modes, subjects } = rule.filter;
  if (modes?.length && !modes.includes(item.mode ?? '')) return false;
  if (subjects?.length && !subjects.includes(item.subjectCode ?? '')) return false;
  return true;
}

function lessonsFor<T extends CountedItem | PlannedItem>(rule: QuotaRule, items: readonly T[], facts: CommunityYearFacts): T[] {
  return items.filter((i) => i.kind === 'sync_lesson' && inPeriod(i, facts) && isBetweenCoreAndMembers(i, facts) && passesFilter(rule, i));
}

function statusOf(counted: number, planned: number, required: number, capacityLeft: number): QuotaStatus {
  if (counted >= required) return 'met';
  if (counted + planned >= required) return 'on_track';
  return required - counted - planned > capacityLeft ? 'will_miss' : 'at_risk';
}

/** Before the end of the current term if the shortfall fits in it, else before the end of the last term. */
function adviseBefore(facts: CommunityYearFacts, need: number, maxPerWeek: number): string | null {
  const from = facts.today < facts.period.startsOn ? facts.period.startsOn : facts.today;
  const term = currentOrNextTerm(facts.calendar, from);
  if (!term) return null;
  const weeksInTerm = teachingDays(facts.calendar, from, term.endsOn).length / 5;
  if (need <= Math.floor(weeksInTerm * maxPerWeek)) return term.endsOn;
  const last = facts.calendar.terms.filter((t) => t.endsOn <= facts.period.endsOn).at(-1);
  return last && last.endsOn >= from ? last.endsOn : null;
}

function evaluateRule(rule: QuotaRule, facts: CommunityYearFacts, weeksLeft: number): RuleProgress {
  const base = { ruleId: rule.ruleId, metric: rule.metric, nameZh: rule.nameZh, nameEn: rule.nameEn, termWeeksLeft: weeksLeft };
  if (!applies(rule, facts)) {
    return { ...base, status: 'not_applicable', required: 0, counted: 0, fromCorrections: 0, planned: 0, advice: null, itemIds: [] };
  }
  const capacity = Math.floor(weeksLeft * rule.maxPerWeek);
  const countResult = (items: readonly CountedItem[], planned: number, required: number, extra: Partial<QuotaAdvice> = {}): RuleProgress => {
    const counted = items.length;
    const status = statusOf(counted, planned, required, capacity);
    const need = Math.max(0, required - counted - planned);
    return {
      ...base,
      status,
      required,
      counted,
      fromCorrections: items.filter((i) => i.source === 'correction').length,
      planned,
      advice: need > 0 ? { more: need, before: adviseBefore(facts, need, rule.maxPerWeek), ...extra } : null,
      itemIds: items.map((i) => i.id),
    };
  };

  switch (rule.metric) {
    case 'sync_lessons': {
      const counted = lessonsFor(rule, facts.counted, facts);
      const planned = lessonsFor(rule, facts.planned, facts);
      return countResult(counted, planned.length, rule.minimum);
    }
    case 'online_research':
    case 'offline_research': {
      const kind = rule.metric;
      const counted = facts.counted.filter((i) => i.kind === kind && inPeriod(i, facts));
      const planned = facts.planned.filter((i) => i.kind === kind && inPeriod(i, facts));
      return countResult(counted, planned.length, rule.minimum);
    }
    case 'sync_subjects': {
      const lessons = lessonsFor(rule, facts.counted, facts);
      const subjects = new Set(lessons.map((l) => l.subjectCode).filter((s): s is string => !!s));
      const withPlanned = new Set([...subjects, ...lessonsFor(rule, facts.planned, facts).map((l) => l.subjectCode).filter((s): s is string => !!s)]);
      const status = statusOf(subjects.size, withPlanned.size - subjects.size, rule.minimum, capacity);
      const need = Math.max(0, rule.minimum - withPlanned.size);
      // The items behind the count: the first lesson of each subject.
      const firstOfSubject = [...subjects].map((s) => lessons.find((l) => l.subjectCode === s)!);
      return {
        ...base,
        status,
        required: rule.minimum,
        counted: subjects.size,
        fromCorrections: firstOfSubject.filter((i) => i.source === 'correction').length,
        planned: withPlanned.size - subjects.size,
        advice: need > 0 ? { more: need, newSubjects: need, before: adviseBefore(facts, need, rule.maxPerWeek) } : null,
        itemIds: lessons.map((l) => l.id),
      };
    }
    case 'dispatch_coverage': {
      const covers = (d: { memberSchoolId: string; from: string; to: string }, m: { schoolId: string; from: string; to: string }) =>
        d.memberSchoolId === m.schoolId && d.from <= m.to && d.to >= m.from;
      const schools = facts.memberSchools;
      const covered = schools.filter((m) => facts.dispatches.some((d) => covers(d, m)));
      const plannedToo = schools.filter((m) => !covered.includes(m) && facts.plannedDispatches.some((d) => covers(d, m)));
      const required = Math.ceil(rule.minimum * schools.length);
      const status = statusOf(covered.length, plannedToo.length, required, capacity);
      const uncovered = schools.filter((m) => !covered.includes(m) && !plannedToo.includes(m));
      const need = Math.max(0, required - covered.length - plannedToo.length);
      return {
        ...base,
        status,
        required,
        counted: covered.length,
        fromCorrections: 0,
        planned: plannedToo.length,
        advice: need > 0 ? { more: need, before: adviseBefore(facts, need, rule.maxPerWeek), schools: uncovered.map((m) => ({ id: m.schoolId, name: m.name })) } : null,
        itemIds: facts.dispatches.filter((d) => schools.some((m) => covers(d, m))).map((d) => d.id),
      };
    }
  }
}

/** Lessons each member school took part in while it was a member; none → flagged. */
export function memberSchoolParticipation(facts: CommunityYearFacts): MemberSchoolParticipation[] {
  const bySchool = new Map<string, { schoolId: string; name: string; lessons: number }>();
  for (const m of facts.memberSchools) {
    const entry = bySchool.get(m.schoolId) ?? { schoolId: m.schoolId, name: m.name, lessons: 0 };
    entry.lessons += facts.counted.filter((i) => i.kind === 'sync_lesson' && i.memberSchoolIds.includes(m.schoolId) && m.from <= i.on && i.on <= m.to).length;
    bySchool.set(m.schoolId, entry);
  }
  return [...bySchool.values()].map((s) => ({ ...s, flagged: s.lessons === 0 }));
}

/** Cumulative counted items per month of the period, for the dashboard's trend line. */
export function monthlyTrend(facts: Pick<CommunityYearFacts, 'period' | 'counted'>, kind: CountedItem['kind']): { month: string; cumulative: number }[] {
  const months: string[] = [];
  for (let y = Number(facts.period.startsOn.slice(0, 4)), m = Number(facts.period.startsOn.slice(5, 7)); ; ) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    if (key > facts.period.endsOn.slice(0, 7)) break;
    months.push(key);
    m++;
    if (m > 12) { m = 1; y++; }
  }
  let total = 0;
  return months.map((month) => {
    total += facts.counted.filter((i) => i.kind === kind && i.on.startsWith(month)).length;
    return { month, cumulative: total };
  });
}
