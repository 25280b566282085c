import type { RosterSheet } from '../../shared/schemas/roster.ts';
import type { TemplateColumn } from '../http/spreadsheetRead.ts';

/**
 * The roster template: five sheets with Chinese headers (what a county bureau writes), each
 * explained in English in the template. A column left out of a sheet leaves that field as it is;
 * a column present is the truth, an empty cell included (C-ROSTER-BY-CODE).
 */
interface RosterColumn extends TemplateColumn {
  readonly key: string;
  readonly required?: boolean;
}

export interface SheetSpec {
  readonly key: RosterSheet;
  readonly zh: string;
  readonly columns: readonly RosterColumn[];
  /** The headers that tell this sheet's CSV from the others'. */
  readonly marker: readonly string[];
  readonly example: readonly (readonly string[])[];
}

const schoolCode = (en: string): RosterColumn => ({ key: 'schoolCode', zh: '学校标识码', en, example: '3304240001', required: true });

export const SHEETS: readonly SheetSpec[] = [
  {
    key: 'schools',
    zh: '学校',
    columns: [
      { key: 'code', zh: '学校标识码', en: 'The ten-digit national school code (学校标识码); schools are matched by it', example: '3304240001', required: true },
      { key: 'name', zh: '学校名称', en: 'School name, unique in the county', example: '海盐县实验小学', required: true },
      { key: 'county', zh: '区县代码', en: 'Optional: the county code as the platform knows it; must be the county imported', example: 'zj-jx-haiyan' },
      { key: 'stage', zh: '学段', en: '小学 (primary), 初中 (junior middle) or 九年一贯制 (nine-year)', example: '小学', required: true },
      { key: 'locality', zh: '城乡', en: '城区 (urban) or 乡村 (rural)', example: '城区', required: true },
      { key: 'newResident', zh: '新居民子女学校', en: '是 / 否 (yes / no): a school for migrant workers\' children', example: '否' },
      { key: 'pupils', zh: '在校生数', en: 'Optional: pupils enrolled this academic year (administrators; an empty cell keeps the figure)', example: '1260' },
    ],
    marker: ['学校名称'],
    example: [['3304240001', '海盐县实验小学', 'zj-jx-haiyan', '小学', '城区', '否', '1260']],
  },
  {
    key: 'classrooms',
    zh: '教室',
    columns: [
      schoolCode('The school\'s ten-digit code'),
      { key: 'name', zh: '教室名称', en: 'Classroom name, unique in its school; classrooms are matched by school and name', example: '三年级(1)班', required: true },
      { key: 'terminal', zh: '接入终端', en: '是 / 否: the classroom has a join terminal (big screen and camera)', example: '是' },
      { key: 'capacity', zh: '容纳人数', en: 'Optional: seats (1–500)', example: '45' },
    ],
    marker: ['教室名称'],
    example: [['3304240001', '三年级(1)班', '是', '45']],
  },
  {
    key: 'teachers',
    zh: '教师',
    columns: [
      { key: 'staffNo', zh: '工号', en: 'The teacher\'s staff number (letters, digits, -); teachers are matched by it', example: 'T330424001', required: true },
      { key: 'name', zh: '姓名', en: 'Name', example: '王丽华', required: true },
      schoolCode('The ten-digit code of the teacher\'s school (of this county)'),
      { key: 'subjects', zh: '任教学科', en: 'Subjects by Chinese name or code, separated by ; (数学;科学)', example: '数学;科学' },
      { key: 'backbone', zh: '骨干级别', en: 'Backbone teacher level: 县级 (county), 市级 (city), 省级 (province), or empty', example: '市级' },
      { key: 'qualification', zh: '学历', en: 'Highest qualification: 中专 (secondary), 大专 (associate), 本科 (bachelor), 硕士 (master), 博士 (doctorate)', example: '本科' },
    ],
    marker: ['工号', '姓名'],
    example: [['T330424001', '王丽华', '3304240001', '数学', '市级', '本科']],
  },
  {
    key: 'accounts',
    zh: '账号',
    columns: [
      { key: 'username', zh: '用户名', en: 'Sign-in name: 3–40 letters, digits, ".", "_" or "-"; accounts are matched by it', example: 'wang.lihua', required: true },
      { key: 'role', zh: '角色', en: '教师 (teacher), 教室终端 (classroom terminal), 协调员 (community coordinator, administrators only) or 审计员 (county auditor, administrators only)', example: '教师', required: true },
      { key: 'staffNo', zh: '教师工号', en: 'Teacher accounts: the teacher\'s staff number', example: 'T330424001' },
      { key: 'schoolCode', zh: '学校标识码', en: 'Classroom accounts: the school\'s ten-digit code', example: '' },
      { key: 'classroom', zh: '教室名称', en: 'Classroom accounts: the classroom\'s name', example: '' },
      { key: 'communities', zh: '教共体', en: 'Coordinator accounts: the communities of the county they coordinate, by name, separated by ;', example: '' },
      { key: 'displayName', zh: '显示名称', en: 'Optional: the name shown (default: the teacher\'s or classroom\'s name)', example: '' },
    ],
    marker: ['用户名'],
    example: [['wang.lihua', '教师', 'T330424001', '', '', '', '']],
  },
  {
    key: 'resources',
    zh: '资源指标',
    columns: [
      schoolCode('The school\'s ten-digit code'),
      { key: 'year', zh: '学年', en: 'Academic year, e.g. 2026-2027 (one set up on the platform, not after the current one); rows are matched by school and year', example: '2026-2027', required: true },
      { key: 'pupils', zh: '在校生数', en: 'Pupils enrolled that year', example: '1260' },
      { key: 'teachersAboveQualification', zh: '高于规定学历教师数', en: 'Teachers above the required qualification (whole number)', example: '60' },
      { key: 'backboneTeachers', zh: '县级及以上骨干教师数', en: 'County-level or higher backbone teachers; empty: counted by the platform', example: '' },
      { key: 'peArtsTeachers', zh: '体育艺术专任教师数', en: 'PE and arts (art, music) teachers; empty: counted by the platform', example: '' },
      { key: 'teachingFloorArea', zh: '教学及辅助用房面积（平方米）', en: 'Teaching and auxiliary floor area, m² (at most two decimals)', example: '5800' },
      { key: 'sportsGroundArea', zh: '体育运动场馆面积（平方米）', en: 'Sports ground area, m²', example: '9500' },
      { key: 'equipmentValue', zh: '教学仪器设备值（元）', en: 'Teaching equipment value, yuan', example: '2600000' },
      { key: 'multimediaClassrooms', zh: '网络多媒体教室数', en: 'Networked multimedia classrooms; empty: classrooms with a join terminal', example: '' },
    ],
    marker: ['学年'],
    example: [['3304240001', '2026-2027', '1260', '60', '', '', '5800', '9500', '2600000', '']],
  },
];

export const sheetSpec = (key: RosterSheet) => SHEETS.find((s) => s.key === key)!;

// ---- cell values ----------------------------------------------------------

const lookup = <T extends string>(map: Record<string, T>) => (text: string): T | undefined => map[text.trim().toLowerCase()];

export const STAGES = lookup({ 小学: 'primary', primary: 'primary', 初中: 'junior_middle', 初级中学: 'junior_middle', junior_middle: 'junior_middle', 九年一贯制: 'nine_year', 九年一贯制学校: 'nine_year', nine_year: 'nine_year' });
export const LOCALITIES = lookup({ 城区: 'urban', 城镇: 'urban', urban: 'urban', 乡村: 'rural', 农村: 'rural', rural: 'rural' });
export const YES_NO = lookup<'yes' | 'no'>({ 是: 'yes', 有: 'yes', yes: 'yes', y: 'yes', true: 'yes', '1': 'yes', 否: 'no', 无: 'no', no: 'no', n: 'no', false: 'no', '0': 'no', '': 'no' });
export const BACKBONE = lookup({ 县级: 'county', 县级骨干: 'county', county: 'county', 市级: 'city', 市级骨干: 'city', city: 'city', 省级: 'province', 省级骨干: 'province', province: 'province' });
export const QUALIFICATIONS = lookup({
  中专: 'secondary', 高中: 'secondary', secondary: 'secondary', 大专: 'associate', 专科: 'associate', associate: 'associate',
  本科: 'bachelor', bachelor: 'bachelor', 硕士: 'master', 研究生: 'master', master: 'master', 博士: 'doctorate', doctorate: 'doctorate',
});
export const ROLES = lookup<'teacher' | 'classroom' | 'auditor' | 'coordinator'>({
  教师: 'teacher', teacher: 'teacher', 教室: 'classroom', 教室终端: 'classroom', classroom: 'classroom', 审计员: 'auditor', 督导: 'auditor', auditor: 'auditor', 协调员: 'coordinator', 教共体协调员: 'coordinator', coordinator: 'coordinator',
});

/** A list cell: items separated by ; ； 、 , or a line break. */
export const listOf = (text: string) => text.split(/[;；、,，\n]/).map((x) => x.trim()).filter(Boolean);
