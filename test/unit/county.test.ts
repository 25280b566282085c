import { describe, expect, it } from 'vitest';
import { balanceOfStage, schoolIndicators, weightedCv, type SchoolResourceInput } from '../../server/county/balance.ts';
import { coverage } from '../../server/county/coverage.ts';
import { rotationSummary } from '../../server/county/rotation.ts';
import { COUNTY_RULE_IDS, type BalanceStandard, type RotationStandard } from '../../shared/county/standards.ts';

/** The published national values, as migration 0025 seeds them (the integration test reads them back from the database). */
const std: BalanceStandard = {
  id: 'B-STD-2017',
  effectiveFrom: '2017-04-19',
  title: '县域义务教育优质均衡发展督导评估办法（2017）',
  standards: {
    qualifiedTeachers: { primary: 4.2, junior_middle: 5.3 },
    backboneTeachers: { primary: 1, junior_middle: 1 },
    peArtsTeachers: { primary: 0.9, junior_middle: 0.9 },
    teachingFloorArea: { primary: 4.5, junior_middle: 5.8 },
    sportsGroundArea: { primary: 7.5, junior_middle: 10.2 },
    equipmentValue: { primary: 2000, junior_middle: 2500 },
    multimediaClassrooms: { primary: 2.3, junior_middle: 2.4 },
  },
  cvThreshold: { primary: 0.5, junior_middle: 0.45 },
  schoolRule: { atLeast: 6, floorShare: 0.85 },
};
const rotationStd: RotationStandard = { id: 'R-STD-2014', effectiveFrom: '2014-08-13', title: '交流轮岗（2014）', minShare: 0.1, minBackboneShare: 0.2, dispatchMinDays: 90 };

/** Two primary schools, figures chosen so every indicator is easy to compute by hand. */
const schoolA: SchoolResourceInput = {
  schoolId: 'a', name: 'A', pupils: 500,
  entered: { qualifiedTeachers: 25, backboneTeachers: 10, peArtsTeachers: 5, teachingFloorArea: 2500, sportsGroundArea: 4000, equipmentValue: 1_250_000, multimediaClassrooms: 15 },
  platform: {},
};
const schoolB: SchoolResourceInput = {
  schoolId: 'b', name: 'B', pupils: 1500,
  entered: { qualifiedTeachers: 60, backboneTeachers: 15, peArtsTeachers: 15, teachingFloorArea: 7500, sportsGroundArea: 12000, equipmentValue: 3_000_000, multimediaClassrooms: 30 },
  platform: {},
};

describe('B-STD-2017: the coefficient of variation (差异系数), weighted by pupils', () => {
  it('B-CV-INDICATOR: x̄ = ΣPx/N, S = √(ΣP(x−x̄)²/N), CV = S/x̄ (hand-computed: values 2 and 4, pupils 100 and 300 → x̄ 3.5, S √0.75, CV 0.2474)', () => {
    const cv = weightedCv([{ value: 2, weight: 100 }, { value: 4, weight: 300 }]);
    expect(cv.mean).toBeCloseTo(3.5, 10);
    expect(cv.value).toBeCloseTo(Math.sqrt(0.75) / 3.5, 10);
    expect(cv.value).toBeCloseTo(0.247436, 6);
  });

  it('B-CV-INDICATOR: not computable with one school, or when the mean is 0 — never a misleading 0', () => {
    expect(weightedCv([{ value: 2, weight: 100 }])).toMatchObject({ value: null, reason: 'too_few_schools' });
    expect(weightedCv([{ value: 0, weight: 100 }, { value: 0, weight: 50 }])).toMatchObject({ value: null, reason: 'zero_mean' });
  });

  it('B-CV-COMBINED: each indicator of a two-school county and their mean, against the primary threshold 0.50 (hand-computed)', () => {
    const stage = balanceOfStage([schoolA, schoolB], std, 'primary');
    const cv = Object.fromEntries(stage.indicators.map((i) => [i.code, i.value]));
    // qualified teachers 5.0 and 4.0 per 100 pupils, weights ¼ and ¾: x̄ 4.25, S² 0.1875
    expect(cv.qualifiedTeachers).toBeCloseTo(Math.sqrt(0.1875) / 4.25, 10);
    expect(cv.backboneTeachers).toBeCloseTo(Math.sqrt(0.1875) / 1.25, 10);
    expect(cv.peArtsTeachers).toBe(0);
    expect(cv.teachingFloorArea).toBe(0);
    expect(cv.sportsGroundArea).toBe(0);
    // equipment 2500 and 2000 yuan per pupil: x̄ 2125, S² 46875
    expect(cv.equipmentValue).toBeCloseTo(Math.sqrt(46875) / 2125, 10);
    expect(cv.multimediaClassrooms).toBeCloseTo(Math.sqrt(0.1875) / 2.25, 10);
    expect(stage.combined.value).toBeCloseTo(0.1060901, 6);
    expect(stage.threshold).toBe(0.5);
    expect(stage.combinedStatus).toBe('met');
    // A is ¼ of the pupils but ¾ of every deviation: it pulls the coefficient up.
    expect(stage.pullingUp.map((p) => p.name)).toEqual(['A', 'B']);
    expect(stage.pullingUp[0]!.pull).toBeCloseTo(3 / 7, 10);
  });

  it('B-SCHOOL-STANDARD: at least six of seven indicators at the standard, none below 85 % of it', () => {
    const a = schoolIndicators(schoolA, std, 'primary');
    const b = schoolIndicators(schoolB, std, 'primary');
    expect([a.meets, a.belowFloor, a.schoolRuleMet]).toEqual([7, 0, true]);
    // B: 4.0 < 4.2 qualified teachers and 2.0 < 2.3 multimedia classrooms per 100 pupils (both above 85 %)
    expect([b.meets, b.belowFloor, b.schoolRuleMet]).toEqual([5, 0, false]);
    const c = schoolIndicators({ ...schoolB, entered: { ...schoolB.entered, qualifiedTeachers: 63, multimediaClassrooms: 25 } }, std, 'primary');
    // 4.2 meets; 25/1500 = 1.67 per 100 is below 0.85 × 2.3 = 1.955
    expect([c.meets, c.belowFloor, c.schoolRuleMet]).toEqual([6, 1, false]);
  });

  it('B-SCHOOL-STANDARD: a school exactly at every standard value meets all seven (9 PE/arts teachers for 1000 pupils is 0.9, not 0.8999…)', () => {
    const exact = schoolIndicators({ schoolId: 'e', name: 'E', pupils: 1000, platform: {}, entered: { qualifiedTeachers: 42, backboneTeachers: 10, peArtsTeachers: 9, teachingFloorArea: 4500, sportsGroundArea: 7500, equipmentValue: 2_000_000, multimediaClassrooms: 23 } }, std, 'primary');
    expect(exact.values.map((v) => v.meetsStandard)).toEqual([true, true, true, true, true, true, true]);
    expect(exact.meets).toBe(7);
  });

  it('a school with no pupils is not computable (named reason), and what the platform counts fills what was not entered', () => {
    const empty = schoolIndicators({ ...schoolA, pupils: 0 }, std, 'primary');
    expect(empty.values.every((v) => v.value === null && v.reason === 'no_pupils')).toBe(true);
    expect(empty.schoolRuleMet).toBeNull();
    const platform = schoolIndicators({ ...schoolA, entered: { ...schoolA.entered, backboneTeachers: null, peArtsTeachers: undefined }, platform: { backboneTeachers: 4, peArtsTeachers: 3 } }, std, 'primary');
    expect(platform.values.find((v) => v.code === 'backboneTeachers')).toMatchObject({ value: 0.8, source: 'platform', meetsStandard: false });
    expect(platform.values.find((v) => v.code === 'peArtsTeachers')).toMatchObject({ value: 0.6, source: 'platform' });
    expect(platform.values.find((v) => v.code === 'qualifiedTeachers')).toMatchObject({ value: 5, source: 'entered' });
    const missing = schoolIndicators({ ...schoolA, entered: { ...schoolA.entered, sportsGroundArea: null } }, std, 'primary');
    expect(missing.values.find((v) => v.code === 'sportsGroundArea')).toMatchObject({ value: null, reason: 'not_entered' });
  });

  it('B-CV-COMBINED: a stage with one school is not computable', () => {
    const stage = balanceOfStage([schoolA], std, 'junior_middle');
    expect(stage.combined).toEqual({ value: null, reason: 'too_few_schools' });
    expect(stage.combinedStatus).toBe('not_computable');
    expect(stage.threshold).toBe(0.45);
  });
});

describe('county coverage', () => {
  const days = ['2026-09-01', '2026-09-02', '2026-09-03', '2026-09-04', '2026-09-07', '2026-09-08'];
  it('C-COVERAGE-RURAL: a school that joined late is listed with the school days it was out, through today', () => {
    const c = coverage(COUNTY_RULE_IDS.coverageRural, [{ schoolId: 'x', name: '秦山小学' }, { schoolId: 'y', name: '澉浦小学' }], [
      { schoolId: 'x', validFrom: '2026-09-03', validTo: null },
      { schoolId: 'y', validFrom: '2026-08-01', validTo: null },
    ], days, '2026-09-07');
    expect(c.status).toBe('not_met');
    expect(c.gaps).toEqual([{ schoolId: 'x', name: '秦山小学', daysOut: 2, daysOutAhead: 0, ranges: [{ from: '2026-09-01', to: '2026-09-02', days: 2 }] }]);
  });

  it('C-COVERAGE-NEW-RESIDENT: a membership ending ahead is at risk; a weekend does not split a run of days out', () => {
    const c = coverage(COUNTY_RULE_IDS.coverageNewResident, [{ schoolId: 'y', name: '明德' }], [{ schoolId: 'y', validFrom: '2026-08-01', validTo: '2026-09-04' }], days, '2026-09-02');
    expect(c.status).toBe('at_risk');
    expect(c.gaps[0]).toMatchObject({ daysOut: 0, daysOutAhead: 3, ranges: [{ from: '2026-09-04', to: '2026-09-08', days: 3 }] });
    expect(coverage(COUNTY_RULE_IDS.coverageNewResident, [{ schoolId: 'y', name: '明德' }], [{ schoolId: 'y', validFrom: '2026-08-01', validTo: null }], days, '2026-09-02').status).toBe('met');
  });
});

describe('R-STD-2014: teacher rotation', () => {
  const entry = (teacherId: string, backbone: boolean) => ({ teacherId, teacherName: teacherId, backbone, fromSchool: 'a', toSchool: 'b', startsOn: '2026-09-01', endsOn: '2027-01-20', source: 'rotation' as const });
  it('R-ROTATION-SHARE and R-ROTATION-BACKBONE: 3 teachers of 20 (one twice) rotated = 15 %, 1 backbone of 3 = 33 %', () => {
    const r = rotationSummary(20, [entry('t1', true), entry('t1', true), entry('t2', false), entry('t3', false)], rotationStd);
    expect([r.rotated, r.backboneRotated]).toEqual([3, 1]);
    expect(r.share.value).toBeCloseTo(0.15, 10);
    expect(r.backboneShare.value).toBeCloseTo(1 / 3, 10);
    expect([r.shareStatus, r.backboneStatus]).toEqual(['met', 'met']);
    const low = rotationSummary(40, [entry('t2', false), entry('t3', false)], rotationStd);
    expect([low.shareStatus, low.backboneStatus]).toEqual(['not_met', 'not_met']);
  });
  it('R-ROTATION-SHARE: no eligible teachers or no rotations is not computable', () => {
    const r = rotationSummary(0, [], rotationStd);
    expect([r.share.reason, r.backboneShare.reason, r.shareStatus, r.backboneStatus]).toEqual(['no_eligible_teachers', 'no_rotations', 'not_computable', 'not_computable']);
  });
});
