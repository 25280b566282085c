import { z } from 'zod';
import { AcademicYearLabel } from './quotas.ts';
import { Id, IsoDate } from './common.ts';

/** Why a figure has no value: never a division by zero or a misleading 0. */
export const NotComputableReason = z.enum(['no_pupils', 'not_entered', 'too_few_schools', 'zero_mean', 'no_eligible_teachers', 'no_rotations', 'no_quota_rules']);
export type NotComputableReason = z.infer<typeof NotComputableReason>;

/** A computed figure, or the reason it cannot be computed. */
export const Figure = z.object({ value: z.number().nullable(), reason: NotComputableReason.nullable() });
export type Figure = z.infer<typeof Figure>;

const RuleStatus = z.enum(['met', 'not_met', 'at_risk', 'not_computable']);

export const CoverageGap = z.object({
  schoolId: Id,
  name: z.string(),
  /** School days so far (through today) the school belonged to no community. */
  daysOut: z.number().int(),
  /** School days after today it belongs to none, as memberships stand now. */
  daysOutAhead: z.number().int(),
  ranges: z.array(z.object({ from: z.string(), to: z.string(), days: z.number().int() })),
});
export type CoverageGap = z.infer<typeof CoverageGap>;

export const CountyCoverage = z.object({
  ruleId: z.string(),
  status: RuleStatus,
  schoolsChecked: z.number().int(),
  schoolDays: z.number().int(),
  gaps: z.array(CoverageGap),
});
export type CountyCoverage = z.infer<typeof CountyCoverage>;

export const IndicatorValue = Figure.extend({
  code: z.string(),
  /** `entered` by the county, or counted by the `platform` (teachers, classrooms with a terminal). */
  source: z.enum(['entered', 'platform']).nullable(),
  meetsStandard: z.boolean().nullable(),
});

export const BalanceSchool = z.object({
  schoolId: Id,
  name: z.string(),
  pupils: z.number().int().nullable(),
  values: z.array(IndicatorValue),
  meets: z.number().int(),
  belowFloor: z.number().int(),
  /** B-SCHOOL-STANDARD */
  schoolRuleMet: z.boolean().nullable(),
  /** The school's mean share of the weighted squared deviations (how much it pulls the coefficient up). */
  pull: z.number().nullable(),
});
export type BalanceSchool = z.infer<typeof BalanceSchool>;

export const BalanceStage = z.object({
  stage: z.enum(['primary', 'junior_middle']),
  threshold: z.number(),
  combined: Figure,
  combinedStatus: RuleStatus,
  indicators: z.array(Figure.extend({ code: z.string(), mean: z.number().nullable(), standard: z.number(), status: RuleStatus })),
  schools: z.array(BalanceSchool),
  /** Schools that pull the coefficient up the most (largest `pull` first). */
  pullingUp: z.array(z.object({ schoolId: Id, name: z.string(), pull: z.number() })),
});
export type BalanceStage = z.infer<typeof BalanceStage>;

export const RotationEntry = z.object({
  teacherId: Id,
  teacherName: z.string(),
  backbone: z.boolean(),
  fromSchool: z.string(),
  toSchool: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  source: z.enum(['rotation', 'dispatch']),
});

export const CountyRotation = z.object({
  standardId: z.string(),
  minShare: z.number(),
  minBackboneShare: z.number(),
  eligible: z.number().int(),
  rotated: z.number().int(),
  backboneRotated: z.number().int(),
  share: Figure,
  backboneShare: Figure,
  shareStatus: RuleStatus,
  backboneStatus: RuleStatus,
  entries: z.array(RotationEntry),
});
export type CountyRotation = z.infer<typeof CountyRotation>;

export const CountyReport = z.object({
  countyId: Id,
  countyName: z.string(),
  city: z.string(),
  province: z.string(),
  coverage: z.object({ rural: CountyCoverage, newResident: CountyCoverage }),
  balance: z.object({
    standardId: z.string(),
    stages: z.array(BalanceStage),
    /** The combined coefficient per stage over the years with figures, up to the year reported. */
    history: z.array(z.object({ academicYear: z.string(), primary: z.number().nullable(), juniorMiddle: z.number().nullable() })),
  }),
  rotation: CountyRotation,
});
export type CountyReport = z.infer<typeof CountyReport>;

const QuotaAttainment = z.object({
  /** Quota rules met, of those that apply (summed over communities). */
  rulesMet: z.number().int(),
  rulesApplicable: z.number().int(),
  /** The mean, over the rules that apply, of the share of each requirement counted so far (capped at 1). */
  attainment: Figure,
});

/** 区县对比, one county (C-AUDIT-COMPARE): its communities' quotas beside the county indicators. */
export const CountyComparisonRow = QuotaAttainment.extend({
  countyId: Id,
  countyName: z.string(),
  city: z.string(),
  province: z.string(),
  communities: z.number().int(),
  /** Communities by their overall quota status. */
  byStatus: z.object({ met: z.number().int(), on_track: z.number().int(), at_risk: z.number().int(), will_miss: z.number().int(), not_applicable: z.number().int() }),
  coverageRural: RuleStatus,
  coverageNewResident: RuleStatus,
  /** Schools of either coverage rule left out of every community on some school day. */
  schoolsLeftOut: z.number().int(),
  combinedPrimary: Figure.extend({ status: RuleStatus }),
  combinedJuniorMiddle: Figure.extend({ status: RuleStatus }),
  rotationShare: Figure.extend({ status: RuleStatus }),
});
export type CountyComparisonRow = z.infer<typeof CountyComparisonRow>;

export const CommunityComparisonRow = QuotaAttainment.extend({
  countyId: Id,
  countyName: z.string(),
  communityId: Id,
  communityName: z.string(),
  status: z.enum(['met', 'on_track', 'at_risk', 'will_miss', 'not_applicable']),
});
export type CommunityComparisonRow = z.infer<typeof CommunityComparisonRow>;

/** The counties of a report side by side, and their communities' quota attainment. */
export const CountyComparison = z.object({ counties: z.array(CountyComparisonRow), communities: z.array(CommunityComparisonRow) });
export type CountyComparison = z.infer<typeof CountyComparison>;

export const CountyReports = z.object({
  academicYear: z.string(),
  today: z.string(),
  counties: z.array(CountyReport),
  /** 区县对比: when the report holds two or more counties (a city or province auditor's, an administrator's). */
  comparison: CountyComparison.nullable(),
});
export type CountyReports = z.infer<typeof CountyReports>;

export const CountyReportQuery = z.object({
  countyId: Id.optional(),
  academicYear: AcademicYearLabel.optional(),
});

export const CountyReportFileQuery = CountyReportQuery.extend({
  format: z.enum(['xlsx', 'csv', 'html']).default('xlsx'),
  /** CSV has one table per file. */
  sheet: z.enum(['coverage', 'balance', 'schools', 'rotation', 'compare']).default('balance'),
});

const Count = z.number().int().nonnegative().nullable();
const Amount = z.number().nonnegative().max(1e12).nullable();

/** A school's figures for a year as the county enters them (amounts, not ratios; null = not entered, the platform's count is used where it has one). */
export const SchoolResourcesInput = z.object({
  pupils: Count,
  teachersAboveQualification: Count,
  backboneTeachers: Count,
  peArtsTeachers: Count,
  teachingFloorArea: Amount,
  sportsGroundArea: Amount,
  equipmentValue: Amount,
  multimediaClassrooms: Count,
});
export const SchoolResources = SchoolResourcesInput.extend({ schoolId: Id, academicYear: z.string() });
export type SchoolResources = z.infer<typeof SchoolResources>;
export const SchoolResourcesParams = z.object({ schoolId: Id, academicYear: AcademicYearLabel });

/** 交流轮岗: a teacher serving at another school of the county (dates inclusive). */
export const TeacherRotationCreate = z.object({ teacherId: Id, toSchoolId: Id, startsOn: IsoDate, endsOn: IsoDate });
export const TeacherRotation = TeacherRotationCreate.extend({ id: Id, fromSchoolId: Id });
export type TeacherRotation = z.infer<typeof TeacherRotation>;

/** Per stage: the primary and junior-middle values of a standard. */
const PerStage = (max: number) => z.object({ primary: z.number().positive().max(max), junior_middle: z.number().positive().max(max) });
const StandardValue = PerStage(1e6);

/** A version of the balance standard's values (B-STD-*): the seven standard values per stage, the CV thresholds, the per-school rule. */
export const BalanceStandardValues = z.object({
  standards: z.object({
    qualifiedTeachers: StandardValue,
    backboneTeachers: StandardValue,
    peArtsTeachers: StandardValue,
    teachingFloorArea: StandardValue,
    sportsGroundArea: StandardValue,
    equipmentValue: StandardValue,
    multimediaClassrooms: StandardValue,
  }),
  cvThreshold: PerStage(1),
  schoolRule: z.object({ atLeast: z.number().int().min(1).max(7), floorShare: z.number().positive().max(1) }),
});

/** A version of the rotation standard's values (R-STD-*). */
export const RotationStandardValues = z.object({
  minShare: z.number().positive().max(1),
  minBackboneShare: z.number().positive().max(1),
  dispatchMinDays: z.number().int().min(1).max(366),
});

/** A standard set's stable ID, cited by the report and the tests: `B-STD-2017`, `R-STD-2014`. */
const StandardId = z.string().trim().regex(/^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/, 'an ID like B-STD-2027').max(40);
const versioned = { id: StandardId, effectiveFrom: IsoDate, title: z.string().trim().min(1).max(300) };

/** One version of a county standard (C-STANDARD-VERSIONS): the version in force on an academic year's first day judges it. */
export const CountyStandard = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('balance'), ...versioned, values: BalanceStandardValues }),
    z.object({ kind: z.literal('rotation'), ...versioned, values: RotationStandardValues }),
  ])
  .meta({ id: 'CountyStandard' });
export type CountyStandard = z.infer<typeof CountyStandard>;
