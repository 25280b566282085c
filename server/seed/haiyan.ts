import type { SchoolStage } from '../../shared/schemas/places.ts';

/**
 * A demo county modelled on Haiyan (海盐县, Jiaxing, Zhejiang): 13 junior-middle
 * and 21 primary schools, 7 communities in reality; here three communities and a
 * few schools not yet in any. School names are illustrative.
 */
export interface DemoSchool {
  key: string;
  name: string;
  stage: SchoolStage;
  locality: 'urban' | 'rural';
  newResident?: boolean;
  classrooms: string[];
  teachers: { key: string; name: string; subjects: string[]; backbone?: boolean }[];
}

export interface DemoCommunity {
  key: string;
  name: string;
  typeCode: string;
  description: string;
  core: string;
  members: string[];
}

export const county = { code: 'zj-jx-haiyan', name: '海盐县', city: '嘉兴市', province: '浙江省' };

const primaryClasses = ['三年级(1)班', '四年级(2)班', '五年级(1)班'];
const juniorClasses = ['七年级(1)班', '八年级(3)班', '九年级(2)班'];

export const schools: DemoSchool[] = [
  {
    key: 'shiyan-primary', name: '海盐县实验小学', stage: 'primary', locality: 'urban',
    classrooms: ['同步课堂录播教室', ...primaryClasses],
    teachers: [
      { key: 'wang-math', name: '王丽华', subjects: ['math'], backbone: true },
      { key: 'chen-chinese', name: '陈志强', subjects: ['chinese'], backbone: true },
      { key: 'zhou-english', name: '周敏', subjects: ['english'] },
      { key: 'xu-music', name: '徐静怡', subjects: ['music'], backbone: true },
      { key: 'shen-science', name: '沈建国', subjects: ['science', 'it'] },
    ],
  },
  {
    key: 'ganpu-primary', name: '海盐县澉浦小学', stage: 'primary', locality: 'rural',
    classrooms: primaryClasses.slice(0, 2),
    teachers: [
      { key: 'li-chinese', name: '李春燕', subjects: ['chinese', 'morality'] },
      { key: 'zhang-math', name: '张伟', subjects: ['math', 'science'] },
    ],
  },
  {
    key: 'liuli-primary', name: '海盐县六里小学', stage: 'primary', locality: 'rural',
    classrooms: primaryClasses.slice(1, 3),
    teachers: [
      { key: 'wu-math', name: '吴海燕', subjects: ['math'] },
      { key: 'sun-english', name: '孙立新', subjects: ['english', 'art'] },
    ],
  },
  {
    key: 'mingde-newres', name: '海盐县明德新居民子女学校', stage: 'primary', locality: 'urban', newResident: true,
    classrooms: primaryClasses.slice(0, 2),
    teachers: [
      { key: 'hu-chinese', name: '胡秀英', subjects: ['chinese'] },
      { key: 'zhu-math', name: '朱斌', subjects: ['math', 'pe'] },
    ],
  },
  {
    key: 'xiangyang-primary', name: '海盐县向阳小学', stage: 'primary', locality: 'urban',
    classrooms: ['未来教室', ...primaryClasses],
    teachers: [
      { key: 'gu-art', name: '顾晓红', subjects: ['art'], backbone: true },
      { key: 'yang-chinese', name: '杨帆', subjects: ['chinese'], backbone: true },
      { key: 'jin-math', name: '金鑫', subjects: ['math'] },
    ],
  },
  {
    key: 'shendang-primary', name: '海盐县沈荡小学', stage: 'primary', locality: 'rural',
    classrooms: primaryClasses.slice(0, 2),
    teachers: [
      { key: 'ma-art', name: '马玉兰', subjects: ['art', 'music'] },
      { key: 'he-chinese', name: '何建平', subjects: ['chinese'] },
    ],
  },
  {
    key: 'tongyuan-primary', name: '海盐县通元小学', stage: 'primary', locality: 'rural',
    classrooms: primaryClasses.slice(0, 2),
    teachers: [{ key: 'guo-math', name: '郭晨', subjects: ['math', 'english'] }],
  },
  {
    key: 'shiyan-junior', name: '海盐县实验中学', stage: 'junior_middle', locality: 'urban',
    classrooms: ['智慧教室', ...juniorClasses],
    teachers: [
      { key: 'lin-physics', name: '林国华', subjects: ['physics'], backbone: true },
      { key: 'huang-english', name: '黄佳琪', subjects: ['english'], backbone: true },
      { key: 'feng-math', name: '冯涛', subjects: ['math'] },
    ],
  },
  {
    key: 'ganpu-junior', name: '海盐县澉浦中学', stage: 'junior_middle', locality: 'rural',
    classrooms: juniorClasses.slice(0, 2),
    teachers: [{ key: 'dong-physics', name: '董明', subjects: ['physics', 'math'] }],
  },
  {
    key: 'yucheng-junior', name: '海盐县于城中学', stage: 'junior_middle', locality: 'rural',
    classrooms: juniorClasses.slice(1, 3),
    teachers: [{ key: 'tang-english', name: '唐亚男', subjects: ['english'] }],
  },
  {
    key: 'yucai-newres', name: '海盐县育才新居民子女学校', stage: 'nine_year', locality: 'urban', newResident: true,
    classrooms: ['六年级(1)班', '八年级(1)班'],
    teachers: [{ key: 'cao-math', name: '曹丽', subjects: ['math', 'physics'] }],
  },
  {
    key: 'baibu-junior', name: '海盐县百步中学', stage: 'junior_middle', locality: 'rural',
    classrooms: juniorClasses.slice(0, 2),
    teachers: [{ key: 'xie-chinese', name: '谢文', subjects: ['chinese', 'history'] }],
  },
  // Not yet in any community: candidates a coordinator can add.
  {
    key: 'qinshan-primary', name: '海盐县秦山小学', stage: 'primary', locality: 'rural',
    classrooms: primaryClasses.slice(0, 1),
    teachers: [{ key: 'lu-math', name: '陆小平', subjects: ['math'] }],
  },
  {
    key: 'wuyuan-primary', name: '海盐县武原小学', stage: 'primary', locality: 'urban',
    classrooms: primaryClasses.slice(0, 1),
    teachers: [{ key: 'qian-chinese', name: '钱芳', subjects: ['chinese'] }],
  },
];

export const communities: DemoCommunity[] = [
  {
    key: 'shiyan-primary',
    name: '海盐县实验小学教育共同体',
    typeCode: 'co_built',
    description: '城乡共建：实验小学派驻骨干教师，覆盖每一所成员校。',
    core: 'shiyan-primary',
    members: ['ganpu-primary', 'liuli-primary', 'mingde-newres'],
  },
  {
    key: 'xiangyang-primary',
    name: '海盐县向阳小学教育共同体',
    typeCode: 'integrated',
    description: '融合型：多校区一体化办学，教师统筹调配。',
    core: 'xiangyang-primary',
    members: ['shendang-primary', 'tongyuan-primary'],
  },
  {
    key: 'shiyan-junior',
    name: '海盐县实验中学教育共同体',
    typeCode: 'co_built',
    description: '初中段城乡教共体，含一所新居民子女学校。',
    core: 'shiyan-junior',
    members: ['ganpu-junior', 'yucheng-junior', 'yucai-newres', 'baibu-junior'],
  },
];

/** Academic years with terms and the public holidays that fall inside them (the published calendars). */
export const academicYears: DemoAcademicYear[] = [
  {
    label: '2025-2026', startsOn: '2025-09-01', endsOn: '2026-08-31',
    terms: [
      { name: '秋季学期', startsOn: '2025-09-01', endsOn: '2026-01-23' },
      { name: '春季学期', startsOn: '2026-02-24', endsOn: '2026-07-03' },
    ],
    holidays: [
      { name: '国庆节、中秋节', startsOn: '2025-10-01', endsOn: '2025-10-08' },
      { name: '元旦', startsOn: '2026-01-01', endsOn: '2026-01-01' },
      { name: '清明节', startsOn: '2026-04-04', endsOn: '2026-04-06' },
      { name: '劳动节', startsOn: '2026-05-01', endsOn: '2026-05-05' },
      { name: '端午节', startsOn: '2026-06-19', endsOn: '2026-06-21' },
    ],
  },
  {
    label: '2026-2027', startsOn: '2026-09-01', endsOn: '2027-08-31',
    terms: [
      { name: '秋季学期', startsOn: '2026-09-01', endsOn: '2027-01-22' },
      { name: '春季学期', startsOn: '2027-02-22', endsOn: '2027-07-02' },
    ],
    holidays: [
      { name: '中秋节', startsOn: '2026-09-25', endsOn: '2026-09-27' },
      { name: '国庆节', startsOn: '2026-10-01', endsOn: '2026-10-07' },
      { name: '元旦', startsOn: '2027-01-01', endsOn: '2027-01-03' },
      { name: '清明节', startsOn: '2027-04-03', endsOn: '2027-04-05' },
      { name: '劳动节', startsOn: '2027-05-01', endsOn: '2027-05-05' },
      { name: '端午节', startsOn: '2027-06-09', endsOn: '2027-06-11' },
    ],
  },
];

export interface DemoAcademicYear {
  label: string;
  startsOn: string;
  endsOn: string;
  terms: { name: string; startsOn: string; endsOn: string }[];
  holidays: { name: string; startsOn: string; endsOn: string }[];
}

/**
 * The published years, then a usual one for every later year up to the one after
 * `today` (1 September – 31 August; terms to about 20 January and from about 20
 * February; the fixed-date holidays only — the lunar ones move, a coordinator adds
 * them on the calendar page), so the demo works in any year it is started.
 */
export function academicYearsThrough(today: string): DemoAcademicYear[] {
  const years = [...academicYears];
  const last = Number(today.slice(0, 4)) + 1;
  for (let y = Number(years.at(-1)!.label.slice(5)); y <= last; y++) {
    years.push({
      label: `${y}-${y + 1}`, startsOn: `${y}-09-01`, endsOn: `${y + 1}-08-31`,
      terms: [
        { name: '秋季学期', startsOn: `${y}-09-01`, endsOn: `${y + 1}-01-20` },
        { name: '春季学期', startsOn: `${y + 1}-02-20`, endsOn: `${y + 1}-07-03` },
      ],
      holidays: [
        { name: '国庆节', startsOn: `${y}-10-01`, endsOn: `${y}-10-07` },
        { name: '元旦', startsOn: `${y + 1}-01-01`, endsOn: `${y + 1}-01-01` },
        { name: '劳动节', startsOn: `${y + 1}-05-01`, endsOn: `${y + 1}-05-05` },
      ],
    });
  }
  return years;
}

/** One account of every role (and a few more), keyed to the schools above. */
export const demoAccounts = [
  { role: 'admin', username: 'admin', displayName: '系统管理员', note: '管理员 administrator' },
  { role: 'auditor', username: 'auditor.haiyan', displayName: '海盐县教育局督导', note: '县教育局审核员 county auditor' },
  { role: 'auditor', username: 'auditor.jiaxing', displayName: '嘉兴市教育局督导', auditCity: true, note: '市教育局审核员 city auditor (海盐县、秀洲区)' },
  { role: 'coordinator', username: 'coord.shiyan', displayName: '实验小学教共体协调员', community: 'shiyan-primary', note: '教共体协调员 coordinator' },
  { role: 'coordinator', username: 'coord.xiangyang', displayName: '向阳小学教共体协调员', community: 'xiangyang-primary', note: '教共体协调员 coordinator' },
  { role: 'coordinator', username: 'coord.junior', displayName: '实验中学教共体协调员', community: 'shiyan-junior', note: '教共体协调员 coordinator' },
  { role: 'teacher', username: 'teacher.wang', displayName: '王丽华', teacher: ['shiyan-primary', 'wang-math'], note: '核心校教师 core-school teacher' },
  { role: 'teacher', username: 'teacher.li', displayName: '李春燕', teacher: ['ganpu-primary', 'li-chinese'], note: '成员校教师 member-school teacher' },
  { role: 'classroom', username: 'class.ganpu', displayName: '澉浦小学 三年级(1)班', classroom: ['ganpu-primary', '三年级(1)班'], note: '教室终端 classroom terminal' },
  { role: 'classroom', username: 'class.liuli', displayName: '六里小学 四年级(2)班', classroom: ['liuli-primary', '四年级(2)班'], note: '教室终端 classroom terminal' },
] as const;
