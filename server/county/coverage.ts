import type { CountyCoverage, CoverageGap } from '../../shared/schemas/county.ts';

/** A membership period: `validTo` exclusive, null = open-ended (as community_memberships keeps it). */
export interface MembershipSpan {
  schoolId: string;
  validFrom: string;
  validTo: string | null;
}

/**
 * C-COVERAGE-RURAL / C-COVERAGE-NEW-RESIDENT: on every school day of the year, each school
 * the rule covers belongs to a community. Days through `today` are what happened (the rule is
 * not met if any was missed); later days are judged on the memberships as they stand now
 * (at risk when a school is due to be left out).
 */
export function coverage(
  ruleId: string,
  schools: readonly { schoolId: string; name: string }[],
  memberships: readonly MembershipSpan[],
  schoolDays: readonly string[],
  today: string,
): CountyCoverage {
  const gaps: CoverageGap[] = [];
  for (const s of schools) {
    const spans = memberships.filter((m) => m.schoolId === s.schoolId);
    const out = schoolDays.filter((d) => !spans.some((m) => m.validFrom <= d && (m.validTo === null || d < m.validTo)));
    if (!out.length) continue;
    gaps.push({ schoolId: s.schoolId, name: s.name, daysOut: out.filter((d) => d <= today).length, daysOutAhead: out.filter((d) => d > today).length, ranges: ranges(out, schoolDays) });
  }
  const status = gaps.some((g) => g.daysOut > 0) ? 'not_met' : gaps.length ? 'at_risk' : 'met';
  return { ruleId, status, schoolsChecked: schools.length, schoolDays: schoolDays.length, gaps };
}

/** Runs of consecutive school days (a weekend or holiday between two days out does not break a run). */
function ranges(out: readonly string[], schoolDays: readonly string[]) {
  const index = new Map(schoolDays.map((d, i) => [d, i]));
  const result: { from: string; to: string; days: number }[] = [];
  for (const d of out) {
    const last = result.at(-1);
    if (last && index.get(d)! === index.get(last.to)! + 1) {
      last.to = d;
      last.days++;
    } else result.push({ from: d, to: d, days: 1 });
  }
  return result;
}
