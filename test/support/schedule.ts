import { eq } from 'drizzle-orm';
import type { Db } from '../../server/db/client.ts';
import { classrooms, communities, schools, teachers } from '../../server/db/schema/index.ts';

/** Ids of the Haiyan demo county by name, for scheduling tests. */
export async function demoDirectory(db: Db) {
  const [cs, ss, ts, rs] = await Promise.all([
    db.select().from(communities),
    db.select().from(schools),
    db.select({ id: teachers.id, name: teachers.name, schoolId: teachers.schoolId }).from(teachers),
    db.select({ id: classrooms.id, name: classrooms.name, schoolId: classrooms.schoolId, schoolName: schools.name }).from(classrooms).innerJoin(schools, eq(schools.id, classrooms.schoolId)),
  ]);
  const must = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw new Error(`demo data has no ${what}`);
    return x;
  };
  return {
    community: (name: string) => must(cs.find((c) => c.name.includes(name)), `community ${name}`).id,
    school: (name: string) => must(ss.find((s) => s.name === name), `school ${name}`).id,
    teacher: (name: string) => must(ts.find((t) => t.name === name), `teacher ${name}`).id,
    classroom: (schoolName: string, name: string) => must(rs.find((r) => r.schoolName === schoolName && r.name === name), `classroom ${schoolName}/${name}`).id,
  };
}

export type DemoDirectory = Awaited<ReturnType<typeof demoDirectory>>;

/** A lesson of the 实验小学 community: 王丽华 teaches from the recording studio to 澉浦小学 三年级(1)班. */
export function lessonDraft(dir: DemoDirectory, startsAt: string, endsAt: string, extra: Record<string, unknown> = {}) {
  return {
    communityId: dir.community('实验小学教育共同体'),
    kind: 'sync_lesson' as const,
    title: '分数的初步认识',
    topic: '三年级数学',
    subjectCode: 'math',
    mode: 'interactive' as const,
    startsAt,
    endsAt,
    hostTeacherId: dir.teacher('王丽华'),
    hostClassroomId: dir.classroom('海盐县实验小学', '同步课堂录播教室'),
    memberClassroomIds: [dir.classroom('海盐县澉浦小学', '三年级(1)班')],
    ...extra,
  };
}

/**
 * The schedule tests plan December 2026 – July 2027 as seen from this instant (SCHEDULE_NOW):
 * S-SCHEDULE-PAST refuses lessons in the past, and the calendar's edges they test (New Year,
 * the winter break) do not move with the day the suite runs.
 */
export const PLANNING_NOW = '2026-11-20T08:00:00+08:00';
