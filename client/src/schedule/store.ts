import { create } from 'zustand';
import type { Classroom, Teacher } from '../../../shared/schemas/places.ts';
import { api, call } from '../app/api.ts';
import { todayIso } from '../app/format.ts';
import { registerReset } from '../app/storeReset.ts';
import type { ViewMode } from './grid.ts';

export interface DirectorySchool {
  id: string;
  name: string;
  role: 'core' | 'member';
}

/** The people and places of one community, for pickers and filters. */
export interface Directory {
  schools: DirectorySchool[];
  teachers: (Teacher & { schoolName: string; schoolRole: 'core' | 'member' })[];
  classrooms: (Classroom & { schoolName: string; schoolRole: 'core' | 'member' })[];
}

export type ViewBy = 'community' | 'teacher' | 'classroom';

interface ScheduleState {
  mode: ViewMode;
  anchor: string;
  communityId: string;
  viewBy: ViewBy;
  resourceId: string;
  directories: Record<string, Directory | undefined>;
  set(partial: Partial<Pick<ScheduleState, 'mode' | 'anchor' | 'communityId' | 'viewBy' | 'resourceId'>>): void;
  loadDirectory(communityId: string): Promise<Directory | undefined>;
}

const initial = () => ({ mode: 'week' as ViewMode, anchor: todayIso(), communityId: '', viewBy: 'community' as ViewBy, resourceId: '', directories: {} });

export const useSchedule = create<ScheduleState>()((set, get) => ({
  ...initial(),
  set: (partial) => set(partial),
  async loadDirectory(communityId) {
    const cached = get().directories[communityId];
    if (cached) return cached;
    const community = await call(api.getCommunity, { params: { communityId } });
    if (!community.ok) return undefined;
    const today = todayIso();
    const current = community.data.memberships.filter((m) => m.validFrom <= today && (m.validTo === null || m.validTo > today));
    const schools = current.map((m) => ({ id: m.schoolId, name: m.schoolName, role: m.role }));
    const per = await Promise.all(
      schools.map(async (s) => {
        const [ts, cs] = await Promise.all([call(api.listTeachers, { params: { schoolId: s.id } }), call(api.listClassrooms, { params: { schoolId: s.id } })]);
        return {
          teachers: ts.ok ? ts.data.map((t) => ({ ...t, schoolName: s.name, schoolRole: s.role })) : [],
          classrooms: cs.ok ? cs.data.map((c) => ({ ...c, schoolName: s.name, schoolRole: s.role })) : [],
        };
      }),
    );
    const directory: Directory = { schools, teachers: per.flatMap((p) => p.teachers), classrooms: per.flatMap((p) => p.classrooms) };
    set((s) => ({ directories: { ...s.directories, [communityId]: directory } }));
    return directory;
  },
}));

registerReset(() => useSchedule.setState(initial()));
