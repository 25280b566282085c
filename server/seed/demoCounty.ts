import type { Db } from '../db/client.ts';
import { schoolResources, teacherRotations } from '../db/schema/index.ts';
import type { DemoAcademicYear } from './haiyan.ts';

/**
 * The demo county's resource figures (资源配置 7 项) and a few teacher rotations, so that the
 * county section shows a year. Plausible, not Haiyan's real figures (its published
 * coefficients are 0.272 primary and 0.288 junior-middle; these give about 0.14–0.15 primary
 * and 0.15–0.16 junior-middle): every school meets the national standard values except two
 * rural junior-middle schools whose sports ground per pupil is above 85 % of it (as in Haiyan's
 * table); rural schools had 8 % fewer qualified and backbone teachers per year before the
 * latest seeded year (秦山小学 then misses the six-of-seven rule), so the coefficient falls
 * from one year to the next.
 *
 * Per school: pupils, then per 100 pupils qualified, backbone, PE/arts teachers; per pupil
 * floor area, sports ground (m²), equipment (yuan); per 100 pupils multimedia classrooms.
 */
export const HAIYAN_RATIOS: DemoRatios = {
  'shiyan-primary': [1800, 6.4, 2.1, 1.2, 5.6, 8.2, 3100, 2.9],
  'ganpu-primary': [620, 5.8, 1.6, 1.1, 6.3, 11.5, 2900, 3.4],
  'liuli-primary': [380, 5.5, 1.3, 1.3, 6.8, 13.0, 2600, 3.7],
  'mingde-newres': [900, 4.6, 1.1, 0.95, 4.7, 7.6, 2100, 2.4],
  'xiangyang-primary': [1500, 6.1, 1.9, 1.1, 5.3, 7.9, 2800, 2.7],
  'shendang-primary': [540, 5.6, 1.5, 1.2, 6.1, 10.8, 2700, 3.3],
  'tongyuan-primary': [460, 5.4, 1.4, 1.0, 6.5, 12.0, 2500, 3.5],
  'qinshan-primary': [260, 4.4, 1.0, 0.9, 7.4, 14.5, 2300, 3.1],
  'wuyuan-primary': [1300, 5.9, 1.7, 1.0, 4.9, 7.7, 2600, 2.5],
  'shiyan-junior': [1600, 9.5, 2.9, 1.2, 7.4, 11.0, 3600, 3.0],
  'ganpu-junior': [540, 8.6, 2.3, 1.1, 8.2, 14.0, 3200, 3.3],
  'yucheng-junior': [480, 8.4, 2.2, 1.0, 8.0, 9.6, 3000, 3.2],
  'yucai-newres': [1100, 6.0, 1.2, 0.95, 6.0, 10.4, 2600, 2.5],
  'baibu-junior': [450, 8.1, 2.0, 1.0, 8.5, 9.4, 2900, 3.4],
};

export type DemoRatios = Record<string, [number, number, number, number, number, number, number, number]>;
export type DemoRotation = { teacher: string; to: string; span: 'autumn' | 'year' | 'spring' };

/** Teachers (school/teacher keys of haiyan.ts) serving at another school: in the autumn term, the year, or the spring term. */
export const HAIYAN_ROTATIONS: DemoRotation[] = [
  { teacher: 'shiyan-primary/wang-math', to: 'ganpu-primary', span: 'autumn' },
  { teacher: 'shiyan-primary/zhou-english', to: 'liuli-primary', span: 'year' },
  { teacher: 'shiyan-junior/feng-math', to: 'yucheng-junior', span: 'spring' },
];

/** A demo county's resource figures for every seeded year, and its rotations. */
export async function seedDemoCounty(
  tx: Db,
  figures: { ratios: DemoRatios; rotations: readonly DemoRotation[] },
  schoolIds: ReadonlyMap<string, string>,
  ruralKeys: ReadonlySet<string>,
  teacherIds: ReadonlyMap<string, string>,
  years: readonly DemoAcademicYear[],
): Promise<void> {
  const rows = years.flatMap((y, k) => {
    // Rural schools' teachers (qualification, backbone) 8 % behind per year before the latest one.
    const lag = years.length - 1 - k;
    return Object.entries(figures.ratios).map(([key, [pupils, qual, backbone, peArts, floor, ground, equipment, media]]) => {
      const f = ruralKeys.has(key) ? 1 - 0.08 * lag : 1;
      const per100 = (r: number, g = 1) => Math.round((r * g * pupils) / 100);
      return {
        schoolId: schoolIds.get(key)!,
        academicYear: y.label,
        pupils,
        teachersAboveQualification: per100(qual, f),
        backboneTeachers: per100(backbone, f),
        peArtsTeachers: per100(peArts),
        teachingFloorArea: Math.round(floor * pupils),
        sportsGroundArea: Math.round(ground * pupils),
        equipmentValue: Math.round(equipment * pupils),
        multimediaClassrooms: per100(media),
      };
    });
  });
  await tx.insert(schoolResources).values(rows);
  const rotations = years.flatMap((y) =>
    figures.rotations.map((r) => {
      const [autumn, spring] = y.terms;
      return {
        teacherId: teacherIds.get(r.teacher)!,
        fromSchoolId: schoolIds.get(r.teacher.split('/')[0]!)!,
        toSchoolId: schoolIds.get(r.to)!,
        startsOn: r.span === 'spring' ? spring!.startsOn : autumn!.startsOn,
        endsOn: r.span === 'autumn' ? autumn!.endsOn : spring!.endsOn,
      };
    }),
  );
  if (rotations.length) await tx.insert(teacherRotations).values(rotations);
}
