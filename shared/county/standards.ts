/**
 * The county-level rules a county bureau is judged by, as data with stable IDs (cited by the
 * tests and the report). Sources: 《县域义务教育优质均衡发展督导评估办法》(教督〔2017〕6号) for
 * the seven resource indicators and the inter-school coefficient of variation (差异系数);
 * 《关于推进县（区）域内义务教育学校校长教师交流轮岗的意见》(2014) for teacher rotation;
 * Jiaxing's rule that every rural and every new-resident children's school belongs to a
 * community (seed 000). A new version is a new entry; the report names the one it applied.
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

export interface IndicatorStandard {
  readonly code: IndicatorCode;
  /** The figure is per 100 pupils (teachers, classrooms) or per pupil (areas, equipment). */
  readonly perPupils: 100 | 1;
  readonly unit: string;
  readonly nameZh: string;
  readonly nameEn: string;
  /** The national standard value a school must reach, per stage. */
  readonly standard: Readonly<Record<AssessedStage, number>>;
}

export interface BalanceStandard {
  readonly id: string;
  readonly version: number;
  readonly nameZh: string;
  readonly indicators: readonly IndicatorStandard[];
  /** The largest coefficient of variation allowed across a county's schools of a stage (B-CV-COMBINED, B-CV-INDICATOR). */
  readonly cvThreshold: Readonly<Record<AssessedStage, number>>;
  /** B-SCHOOL-STANDARD: each school meets at least `atLeast` indicators and none is below `floorShare` of its standard. */
  readonly schoolRule: { readonly atLeast: number; readonly floorShare: number };
}

export const BALANCE_STANDARDS: readonly BalanceStandard[] = [
  {
    id: 'B-STD-2017',
    version: 1,
    nameZh: '县域义务教育优质均衡发展督导评估办法（2017）',
    indicators: [
      { code: 'qualifiedTeachers', perPupils: 100, unit: '人/百生', nameZh: '每百名学生拥有高于规定学历教师数', nameEn: 'Teachers above the required qualification per 100 pupils', standard: { primary: 4.2, junior_middle: 5.3 } },
      { code: 'backboneTeachers', perPupils: 100, unit: '人/百生', nameZh: '每百名学生拥有县级及以上骨干教师数', nameEn: 'County-level or higher backbone teachers per 100 pupils', standard: { primary: 1, junior_middle: 1 } },
      { code: 'peArtsTeachers', perPupils: 100, unit: '人/百生', nameZh: '每百名学生拥有体育、艺术（美术、音乐）专任教师数', nameEn: 'PE and arts (art, music) teachers per 100 pupils', standard: { primary: 0.9, junior_middle: 0.9 } },
      { code: 'teachingFloorArea', perPupils: 1, unit: 'm²/生', nameZh: '生均教学及辅助用房面积', nameEn: 'Teaching and auxiliary floor area per pupil', standard: { primary: 4.5, junior_middle: 5.8 } },
      { code: 'sportsGroundArea', perPupils: 1, unit: 'm²/生', nameZh: '生均体育运动场馆面积', nameEn: 'Sports ground area per pupil', standard: { primary: 7.5, junior_middle: 10.2 } },
      { code: 'equipmentValue', perPupils: 1, unit: '元/生', nameZh: '生均教学仪器设备值', nameEn: 'Teaching equipment value per pupil', standard: { primary: 2000, junior_middle: 2500 } },
      { code: 'multimediaClassrooms', perPupils: 100, unit: '间/百生', nameZh: '每百名学生拥有网络多媒体教室数', nameEn: 'Networked multimedia classrooms per 100 pupils', standard: { primary: 2.3, junior_middle: 2.4 } },
    ],
    cvThreshold: { primary: 0.5, junior_middle: 0.45 },
    schoolRule: { atLeast: 6, floorShare: 0.85 },
  },
];

export interface RotationStandard {
  readonly id: string;
  readonly version: number;
  readonly nameZh: string;
  /** R-ROTATION-SHARE: rotated teachers ÷ eligible teachers, at least. */
  readonly minShare: number;
  /** R-ROTATION-BACKBONE: backbone teachers among the rotated, at least. */
  readonly minBackboneShare: number;
  /** A backbone-teacher dispatch this long (days, inclusive) counts as a rotation. */
  readonly dispatchMinDays: number;
}

export const ROTATION_STANDARDS: readonly RotationStandard[] = [
  { id: 'R-STD-2014', version: 1, nameZh: '关于推进县（区）域内义务教育学校校长教师交流轮岗的意见（2014）', minShare: 0.1, minBackboneShare: 0.2, dispatchMinDays: 90 },
];

/** The county rules by ID, as the report and the tests cite them. */
export const COUNTY_RULE_IDS = {
  coverageRural: 'C-COVERAGE-RURAL',
  coverageNewResident: 'C-COVERAGE-NEW-RESIDENT',
  cvCombined: 'B-CV-COMBINED',
  cvIndicator: 'B-CV-INDICATOR',
  schoolStandard: 'B-SCHOOL-STANDARD',
  rotationShare: 'R-ROTATION-SHARE',
  rotationBackbone: 'R-ROTATION-BACKBONE',
} as const;

/** The version in force: the latest one (versions are appended; a year pins one by ID in a later version of this table). */
export const currentBalanceStandard = (): BalanceStandard => BALANCE_STANDARDS.at(-1)!;
export const currentRotationStandard = (): RotationStandard => ROTATION_STANDARDS.at(-1)!;
