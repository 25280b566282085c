import type { Classroom, School, Teacher } from '../../../shared/schemas/places.ts';
import { api, call } from '../app/api.ts';
import { byName } from '../app/format.ts';
import { useAsync } from '../app/useQuery.ts';

export interface Directory {
  schools: School[];
  teachers: Map<string, Teacher & { schoolName: string }>;
  classrooms: Map<string, Classroom & { schoolName: string }>;
  teachersOf(schoolId: string): Teacher[];
  classroomsOf(schoolId: string): Classroom[];
}

/**
 * The schools the caller sees with their teachers and classrooms, to name the
 * teacher and classroom an account is for (an Account carries only the ids).
 */
export async function loadDirectory(): Promise<Directory> {
  const res = await call(api.listSchools, {});
  const schools = res.ok ? [...res.data].sort(byName) : [];
  const per = await Promise.all(
    schools.map(async (s) => {
      const [t, c] = await Promise.all([call(api.listTeachers, { params: { schoolId: s.id } }), call(api.listClassrooms, { params: { schoolId: s.id } })]);
      return { school: s, teachers: t.ok ? t.data : [], classrooms: c.ok ? c.data : [] };
    }),
  );
  const teachers = new Map(per.flatMap((p) => p.teachers.map((x) => [x.id, { ...x, schoolName: p.school.name }] as const)));
  const classrooms = new Map(per.flatMap((p) => p.classrooms.map((x) => [x.id, { ...x, schoolName: p.school.name }] as const)));
  return {
    schools,
    teachers,
    classrooms,
    teachersOf: (id) => per.find((p) => p.school.id === id)?.teachers ?? [],
    classroomsOf: (id) => per.find((p) => p.school.id === id)?.classrooms ?? [],
  };
}

export const useDirectory = () => useAsync(loadDirectory, []);
