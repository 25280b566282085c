import { useCallback, useState } from 'react';
import type { PlanItem } from '../../../shared/schemas/planner.ts';
import { api, call } from '../app/api.ts';
import { useServerT } from '../i18n/index.ts';
import { zonedIso } from '../schedule/grid.ts';

/**
 * The live clash check of a moved proposal item: a lesson or research session is checked
 * as a draft by the scheduling service (the same check as the session form), so a move onto
 * a booked teacher or classroom, or a holiday, shows at once — the database still judges on
 * accepting. Other kinds are checked on accepting only.
 */
export function useItemCheck(communityId: string): { problems: Record<string, string>; check(item: PlanItem): void } {
  const tServer = useServerT();
  const [problems, setProblems] = useState<Record<string, string>>({});
  const check = useCallback(
    (i: PlanItem) => {
      if ((i.kind !== 'sync_lesson' && i.kind !== 'online_research') || !i.startTime || !i.endTime || !i.teacherId) return;
      const body = {
        communityId,
        kind: i.kind,
        title: i.title,
        subjectCode: i.subjectCode,
        mode: i.mode,
        startsAt: zonedIso(i.date, i.startTime),
        endsAt: zonedIso(i.date, i.endTime),
        hostTeacherId: i.teacherId,
        hostClassroomId: i.hostClassroomId,
        memberClassroomIds: i.memberClassroomIds,
        invitedTeacherIds: i.invitedTeacherIds,
      };
      void call(api.checkSession, { body: body as never }).then((res) => {
        const problem = res.ok
          ? [...res.data.conflicts.map((c) => c.description), ...res.data.calendarIssues.map((c) => c.description)].map((d) => tServer(d)).join('；')
          : tServer(res.error.message);
        setProblems((p) => {
          const next = { ...p };
          if (problem) next[i.key] = problem;
          else delete next[i.key];
          return next;
        });
      });
    },
    [communityId, tServer],
  );
  return { problems, check };
}
