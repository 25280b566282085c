/**
 * The county-level rules a county bureau is judged by. The indicators themselves (codes, units,
 * names) are fixed here; their standard values and the thresholds are data with stable IDs,
 * versioned by the date they take effect (table `county_standards`, server/county/standards.ts;
 * seeded with 教督〔2017〕6号 `B-STD-2017` and the 2014 rotation opinion `R-STD-2014`), cited by
 * the tests and named in the report.
 */

/** The two stages assessed separately; a nine-year school is assessed in both. */
export const ASSESSED_STAGES = ['primary', 'junior_middle'] as const;
export type AssessedStage = (typeof ASSESSED_STAGES)[number];

export const INDICATOR_CODES = [
  'qualifiedTeachers',
  'backboneTeachers',
  'peArtsTeachers',
  'teachingFloorArea',
  'sportsGroundArea',
  'equipmentValue',
  'multimediaClassrooms',
] as const;
export type IndicatorCode = (typeof INDICATOR_CODES)[number];

export interface Indicator {
  readonly code: IndicatorCode;
  /** The figure is per 100 pupils (teachers, classrooms) or per pupil (areas, equipment). */
  readonly perPupils: 100 | 1;
  readonly unit: string;
  readonly nameZh: string;
  readonly nameEn: string;
}

/** The seven resource indicators of 《县域义务教育优质均衡发展督导评估办法》, in the assessment's order. */
export const INDICATORS: readonly Indicator[] = [
  { code: 'qualifiedTeachers', perPupils: 100, unit: '人/百生', nameZh: '每百名学生拥有高于规定学历教师数', nameEn: 'Teachers above the required qualification per 100 pupils' },
  { code: 'backboneTeachers', perPupils: 100, unit: '人/百生', nameZh: '每百名学生拥有县级及以上骨干教师数', nameEn: 'County-level or higher backbone teachers per 100 pupils' },
  { code: 'peArtsTeachers', perPupils: 100, unit: '人/百生', nameZh: '每百名学生拥有体育、艺术（美术、音乐）专任教师数', nameEn: 'PE and arts (art, music) teachers per 100 pupils' },
  { code: 'teachingFloorArea', perPupils: 1, unit: 'm²/生', nameZh: '生均教学及辅助用房面积', nameEn: 'Teaching and auxiliary floor area per pupil' },
  { code: 'sportsGroundArea', perPupils: 1, unit: 'm²/生', nameZh: '生均体育运动场馆面积', nameEn: 'Sports ground area per pupil' },
  { code: 'equipmentValue', perPupils: 1, unit: '元/生', nameZh: '生均教学仪器设备值', nameEn: 'Teaching equipment value per pupil' },
  { code: 'multimediaClassrooms', perPupils: 100, unit: '间/百生', nameZh: '每百名学生拥有网络多媒体教室数', nameEn: 'Networked multimedia classrooms per 100 pupils' },
];

export type PerStage = Readonly<Record<AssessedStage, number>>;

/** The values of one version of the balance standard (what an administrator enters). */
export interface BalanceStandardValues {
  /** The national standard value a school must reach, per indicator and stage. */
  readonly standards: Readonly<Record<IndicatorCode, PerStage>>;
  /** The largest coefficient of variation allowed across a county's schools of a stage (B-CV-COMBINED, B-CV-INDICATOR). */
  readonly cvThreshold: PerStage;
  /** B-SCHOOL-STANDARD: each school meets at least `atLeast` indicators and none is below `floorShare` of its standard. */
  readonly schoolRule: { readonly atLeast: number; readonly floorShare: number };
}

/** The values of one version of the rotation standard. */
export interface RotationStandardValues {
  /** R-ROTATION-SHARE: rotated teachers ÷ eligible teachers, at least. */
  readonly minShare: number;
  /** R-ROTATION-BACKBONE: backbone teachers among the rotated, at least. */
  readonly minBackboneShare: number;
  /** A backbone-teacher dispatch this long (days, inclusive) counts as a rotation. */
  readonly dispatchMinDays: number;
}

interface Versioned {
  /** The rule set's stable ID (`B-STD-2017`), as the report and the tests cite it. */
  readonly id: string;
  readonly effectiveFrom: string;
  readonly title: string;
}
export type BalanceStandard = Versioned & BalanceStandardValues;
export type RotationStandard = Versioned & RotationStandardValues;

/** The county rules by ID, as the report and the tests cite them. */
export const COUNTY_RULE_IDS = {
  coverageRural: 'C-COVERAGE-RURAL',
  coverageNewResident: 'C-COVERAGE-NEW-RESIDENT',
  cvCombined: 'B-CV-COMBINED',
  cvIndicator: 'B-CV-INDICATOR',
  schoolStandard: 'B-SCHOOL-STANDARD',
  rotationShare: 'R-ROTATION-SHARE',
  rotationBackbone: 'R-ROTATION-BACKBONE',
  standardVersions: 'C-STANDARD-VERSIONS',
} as const;
