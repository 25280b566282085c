import { INDICATORS, type AssessedStage, type BalanceStandard, type IndicatorCode } from '../../shared/county/standards.ts';
import type { BalanceSchool, BalanceStage, Figure, NotComputableReason } from '../../shared/schemas/county.ts';

/**
 * The national balance assessment (B-STD-2017): per school, the seven resource indicators;
 * per county and stage, the coefficient of variation (差异系数) of each indicator across the
 * schools, weighted by pupils as the assessment defines it —
 *   x̄ = Σ Pᵢxᵢ / N,  S = √( Σ Pᵢ(xᵢ − x̄)² / N ),  CV = S / x̄   (Pᵢ pupils of school i, N = Σ Pᵢ)
 * — and the combined coefficient, the mean of the seven.
 */

/** A school's raw figures for a year: what the county entered, and what the platform counts. */
export interface SchoolResourceInput {
  schoolId: string;
  name: string;
  pupils: number | null;
  /** Amounts (teachers, m², yuan, classrooms), not ratios; null = not entered. */
  entered: Partial<Record<IndicatorCode, number | null>>;
  /** What the platform knows (backbone teachers, PE/arts teachers, classrooms with a join terminal). */
  platform: Partial<Record<IndicatorCode, number>>;
}

const figure = (value: number | null, reason: NotComputableReason | null = null): Figure => ({ value, reason });

/** The pupil-weighted coefficient of variation of `points`, or why it cannot be computed. */
export function weightedCv(points: readonly { value: number; weight: number }[]): Figure & { mean: number | null } {
  if (points.length < 2) return { ...figure(null, 'too_few_schools'), mean: null };
  const n = points.reduce((s, p) => s + p.weight, 0);
  if (n <= 0) return { ...figure(null, 'no_pupils'), mean: null };
  const mean = points.reduce((s, p) => s + p.weight * p.value, 0) / n;
  if (mean === 0) return { ...figure(null, 'zero_mean'), mean };
  const sd = Math.sqrt(points.reduce((s, p) => s + p.weight * (p.value - mean) ** 2, 0) / n);
  return { ...figure(sd / mean), mean };
}

/** `value` reaches `standard`: a school exactly at the standard meets it, whatever the binary rounding (9 teachers for 1000 pupils is 0.9 per 100). */
const atLeast = (value: number, standard: number) => value >= standard - 1e-9 * Math.max(1, Math.abs(standard));

/** One school's seven indicators against the standard of `stage`. */
export function schoolIndicators(s: SchoolResourceInput, standard: BalanceStandard, stage: AssessedStage): BalanceSchool {
  const values = INDICATORS.map((ind) => {
    const entered = s.entered[ind.code];
    const platform = s.platform[ind.code];
    const amount = entered ?? platform ?? null;
    const source = entered !== null && entered !== undefined ? ('entered' as const) : platform !== undefined ? ('platform' as const) : null;
    if (!s.pupils) return { code: ind.code, ...figure(null, 'no_pupils'), source, meetsStandard: null };
    if (amount === null) return { code: ind.code, ...figure(null, 'not_entered'), source, meetsStandard: null };
    const value = (amount * ind.perPupils) / s.pupils;
    return { code: ind.code, ...figure(value), source, meetsStandard: atLeast(value, standard.standards[ind.code][stage]) };
  });
  const computed = values.filter((v) => v.value !== null);
  const meets = computed.filter((v) => v.meetsStandard).length;
  const belowFloor = INDICATORS.filter((ind, i) => values[i]!.value !== null && !atLeast(values[i]!.value!, standard.standards[ind.code][stage] * standard.schoolRule.floorShare)).length;
  return {
    schoolId: s.schoolId,
    name: s.name,
    pupils: s.pupils,
    values,
    meets,
    belowFloor,
    schoolRuleMet: computed.length < values.length ? null : meets >= standard.schoolRule.atLeast && belowFloor === 0,
    pull: null,
  };
}

/** A county's schools of one stage: each indicator's coefficient, the combined one, each school's standing. */
export function balanceOfStage(inputs: readonly SchoolResourceInput[], standard: BalanceStandard, stage: AssessedStage): BalanceStage {
  const threshold = standard.cvThreshold[stage];
  const schools = inputs.map((s) => schoolIndicators(s, standard, stage));
  const pulls = new Map<string, number[]>();
  const indicators = INDICATORS.map((ind, k) => {
    const points = schools.filter((s) => s.values[k]!.value !== null).map((s) => ({ id: s.schoolId, value: s.values[k]!.value!, weight: s.pupils! }));
    const cv = weightedCv(points);
    if (cv.value !== null && cv.mean !== null) {
      const deviations = points.map((p) => p.weight * (p.value - cv.mean!) ** 2);
      const total = deviations.reduce((a, b) => a + b, 0);
      points.forEach((p, i) => pulls.set(p.id, [...(pulls.get(p.id) ?? []), total > 0 ? deviations[i]! / total : 0]));
    }
    const status = cv.value === null ? ('not_computable' as const) : cv.value <= threshold ? ('met' as const) : ('not_met' as const);
    return { code: ind.code, value: cv.value, reason: cv.reason, mean: cv.mean, standard: standard.standards[ind.code][stage], status };
  });
  for (const s of schools) {
    const p = pulls.get(s.schoolId);
    s.pull = p?.length ? p.reduce((a, b) => a + b, 0) / p.length : null;
  }
  const computed = indicators.filter((i) => i.value !== null);
  const combined: Figure =
    computed.length === indicators.length
      ? figure(computed.reduce((a, i) => a + i.value!, 0) / computed.length)
      : figure(null, indicators.find((i) => i.reason)?.reason ?? 'too_few_schools');
  const pullingUp = schools
    .filter((s) => s.pull !== null && s.pull > 0)
    .sort((a, b) => b.pull! - a.pull!)
    .slice(0, 3)
    .map((s) => ({ schoolId: s.schoolId, name: s.name, pull: s.pull! }));
  return {
    stage,
    threshold,
    combined,
    combinedStatus: combined.value === null ? 'not_computable' : combined.value <= threshold ? 'met' : 'not_met',
    indicators,
    schools,
    pullingUp,
  };
}
