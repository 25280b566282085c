import type { PatrolItem } from '../../shared/schemas/live.ts';
import type { Actor } from '../accounts/actor.ts';
import { sessionView } from './directory.ts';
import type { LiveService } from './service.ts';

/**
 * Patrols 巡课 (issue #6): every session live now in the actor's scope (a
 * coordinator's communities, an auditor's county), with who is in its room,
 * on whichever node hosts it (N-LIVE-LIST). Entering is joining the session: liveRoleOf makes the actor an
 * invisible `observer` (access.ts), which leaves no evidence (LiveRoom.ts).
 */
export async function patrolList(service: LiveService, actor: Actor): Promise<PatrolItem[]> {
  const live = await service.directory.liveForPatrol(actor);
  // N-LIVE-LIST: each room as its host node tells it, whichever node answers.
  const rooms = await service.roomSummaries(live.map((l) => l.id));
  const items: PatrolItem[] = [];
  for (const { id, communityName } of live) {
    const session = await service.directory.get(id);
    if (!session) continue;
    const room = rooms.get(id);
    items.push({
      session: sessionView(session),
      communityName,
      hostTeacherName: session.hostTeacher?.name ?? null,
      plannedClassrooms: session.memberClassrooms.length + (session.hostClassroom ? 1 : 0),
      present: { teachers: room?.teachers ?? 0, classrooms: room?.classrooms ?? 0 },
      recording: room?.recording ?? false,
    });
  }
  return items;
}
