import type { PatrolItem } from '../../shared/schemas/live.ts';
import type { Actor } from '../accounts/actor.ts';
import { isVisible } from './access.ts';
import { sessionView } from './directory.ts';
import type { LiveService } from './service.ts';

/**
 * Patrols 巡课 (issue #6): every session live now in the actor's scope (a
 * coordinator's communities, an auditor's county), with who is in its room on
 * this server. Entering is joining the session: liveRoleOf makes the actor an
 * invisible `observer` (access.ts), which leaves no evidence (LiveRoom.ts).
 */
export async function patrolList(service: LiveService, actor: Actor): Promise<PatrolItem[]> {
  const live = await service.directory.liveForPatrol(actor);
  const items: PatrolItem[] = [];
  for (const { id, communityName } of live) {
    const session = await service.directory.get(id);
    if (!session) continue;
    const room = service.rooms.get(id);
    const present = room ? [...room.participants.values()].filter(isVisible) : [];
    items.push({
      session: sessionView(session),
      communityName,
      hostTeacherName: session.hostTeacher?.name ?? null,
      plannedClassrooms: session.memberClassrooms.length + (session.hostClassroom ? 1 : 0),
      present: {
        teachers: present.filter((p) => p.role === 'host' || p.role === 'teacher').length,
        classrooms: present.filter((p) => p.role === 'classroom').length,
      },
      recording: !!room?.recording,
    });
  }
  return items;
}
