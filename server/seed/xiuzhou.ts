import type { DemoCommunity, DemoSchool } from './haiyan.ts';

/**
 * A second demo county in the same city as Haiyan (秀洲区, Jiaxing), so the city auditor
 * (`auditor.jiaxing`, C-AUDIT-REGION) sees two counties side by side: five schools, one
 * community holding its rural schools (C-COVERAGE-RURAL met, unlike Haiyan's 秦山小学), no
 * history of lessons (a county that has just joined: its community's quotas are still ahead of
 * it), and resource figures spread wider than Haiyan's (a combined coefficient of about 0.2
 * primary, 0.3 junior-middle). School names are illustrative.
 */
export const county = { code: 'zj-jx-xiuzhou', name: '秀洲区', city: '嘉兴市', province: '浙江省' };

export const schools: DemoSchool[] = [
  {
    key: 'xz-shiyan-primary', name: '秀洲区实验小学', stage: 'primary', locality: 'urban',
    classrooms: ['同步课堂录播教室', '三年级(1)班', '四年级(1)班'],
    teachers: [
      { key: 'pan-math', name: '潘晓东', subjects: ['math'], backbone: true },
      { key: 'jiang-chinese', name: '蒋雅琴', subjects: ['chinese'], backbone: true },
      { key: 'tao-music', name: '陶乐', subjects: ['music'] },
    ],
  },
  {
    key: 'xz-wangdian-primary', name: '秀洲区王店小学', stage: 'primary', locality: 'rural',
    classrooms: ['三年级(2)班', '五年级(1)班'],
    teachers: [
      { key: 'shi-chinese', name: '施丽萍', subjects: ['chinese'] },
      { key: 'fang-math', name: '方建军', subjects: ['math', 'pe'] },
    ],
  },
  {
    key: 'xz-xincheng-primary', name: '秀洲区新塍小学', stage: 'primary', locality: 'rural',
    classrooms: ['四年级(3)班'],
    teachers: [{ key: 'yao-english', name: '姚佳', subjects: ['english', 'art'] }],
  },
  {
    key: 'xz-shiyan-junior', name: '秀洲区实验中学', stage: 'junior_middle', locality: 'urban',
    classrooms: ['同步课堂录播教室', '八年级(1)班'],
    teachers: [
      { key: 'qiu-physics', name: '邱海波', subjects: ['physics'], backbone: true },
      { key: 'dai-english', name: '戴婷', subjects: ['english'] },
    ],
  },
  {
    key: 'xz-wangjiangjing-junior', name: '秀洲区王江泾中学', stage: 'junior_middle', locality: 'rural',
    classrooms: ['七年级(2)班'],
    teachers: [{ key: 'ren-math', name: '任志远', subjects: ['math', 'physics'] }],
  },
];

export const communities: DemoCommunity[] = [
  {
    key: 'xz-shiyan-primary',
    name: '秀洲区实验小学教育共同体',
    typeCode: 'co_built',
    description: '城乡共建：实验小学带动王店、新塍两所乡村小学与王江泾中学。',
    core: 'xz-shiyan-primary',
    members: ['xz-wangdian-primary', 'xz-xincheng-primary', 'xz-wangjiangjing-junior'],
  },
];

/** Resource figures per school, as for Haiyan (demoCounty.ts): pupils, then the seven ratios. */
export const ratios: Record<string, [number, number, number, number, number, number, number, number]> = {
  'xz-shiyan-primary': [2100, 7.0, 2.4, 1.3, 5.0, 7.6, 3600, 3.0],
  'xz-wangdian-primary': [540, 4.8, 1.0, 0.9, 7.2, 13.5, 2100, 2.4],
  'xz-xincheng-primary': [320, 4.3, 0.9, 0.8, 8.0, 15.0, 1900, 2.3],
  'xz-shiyan-junior': [1800, 9.8, 3.0, 1.3, 6.2, 10.4, 4200, 3.1],
  'xz-wangjiangjing-junior': [600, 5.6, 1.1, 0.9, 9.5, 16.0, 2300, 2.4],
};

/** One rotation this county has recorded (school/teacher keys above). */
export const rotations: { teacher: string; to: string; span: 'autumn' | 'year' | 'spring' }[] = [
  { teacher: 'xz-shiyan-primary/pan-math', to: 'xz-wangdian-primary', span: 'year' },
];
