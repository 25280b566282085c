import type { Role } from '../../shared/schemas/accounts.ts';
import type { LivePermissions, LiveRole, MediaSource } from '../../shared/schemas/live.ts';
import type { Actor } from '../accounts/actor.ts';
import { auditsCounty } from '../accounts/auditRegion.ts';
import type { LiveSessionInfo } from './directory.ts';

/**
 * Who may join a live session, what they may send and what they receive —
 * pure functions of the session and the actor, so the rules read in one place.
 *
 * Decisions (the issue leaves them open):
 * - teachers of the session (host, invited) and its classrooms' terminal accounts join;
 *   coordinators of the session's community and auditors of its county join as
 *   `observer`s — patrols 巡课 (issue #6): they receive everything, publish nothing, are
 *   invisible to the other participants and leave no evidence (LiveRoom.ts). Coordinators
 *   may end a session somebody forgot to end; auditors (read-only everywhere) may not.
 *   Admins do not join.
 * - lessons: only the host (teaching) teacher publishes camera and screen (and
 *   microphone). A classroom publishes its camera and microphone in `interactive`
 *   and in `dedicated` mode (the remote teacher must see and hear the class); in
 *   `master` mode classrooms only receive. Invited teachers of a lesson receive only.
 * - research: every teacher of the session (host and invited) publishes camera,
 *   microphone and screen; classrooms, if any are listed, receive only.
 * - receiving in lessons: the host, invited teachers and observers receive every
 *   classroom; a classroom receives the teachers and the peer on stage only.
 *   In research everyone receives everyone.
 */

/** Patrols 巡课 (role observer) are invisible: no peer list, no notification, no evidence mentions them. */
export const isVisible = (p: { readonly role: LiveRole }): boolean => p.role !== 'observer';

const ALL_SOURCES: readonly MediaSource[] = ['camera', 'microphone', 'screen', 'screen-audio'];
const CLASSROOM_SOURCES: readonly MediaSource[] = ['camera', 'microphone'];

export function liveRoleOf(session: LiveSessionInfo, actor: Actor): LiveRole | null {
  switch (actor.role) {
    case 'teacher':
      if (actor.teacherId && session.hostTeacher?.id === actor.teacherId) return 'host';
      if (actor.teacherId && session.invitedTeachers.some((t) => t.id === actor.teacherId)) return 'teacher';
      return null;
    case 'classroom':
      if (!actor.classroomId) return null;
      return session.hostClassroom?.id === actor.classroomId || session.memberClassrooms.some((c) => c.id === actor.classroomId) ? 'classroom' : null;
    case 'coordinator':
      return actor.communityIds.includes(session.communityId) ? 'observer' : null;
    case 'auditor':
      return auditsCounty(actor, session.countyId) ? 'observer' : null;
    default:
      return null;
  }
}

/** `accountRole`: the account's platform role (an auditor's patrol may not end the session). */
export function permissionsFor(session: Pick<LiveSessionInfo, 'kind' | 'mode'>, role: LiveRole, accountRole?: Role): LivePermissions {
  let publish: readonly MediaSource[] = [];
  if (session.kind === 'online_research') {
    if (role === 'host' || role === 'teacher') publish = ALL_SOURCES;
  } else if (role === 'host') {
    publish = ALL_SOURCES;
  } else if (role === 'classroom' && session.mode !== 'master') {
    publish = CLASSROOM_SOURCES;
  }
  return { role, publish: [...publish], moderate: role === 'host', endSession: role === 'host' || (role === 'observer' && accountRole !== 'auditor') };
}

/** Why a role may not publish a source, in words for the error reply; null if it may. */
export function refusePublish(session: Pick<LiveSessionInfo, 'kind' | 'mode'>, role: LiveRole, source: MediaSource): string | null {
  if (permissionsFor(session, role).publish.includes(source)) return null;
  if (role === 'observer') return 'Observers (patrols: coordinators and auditors) receive only and may not publish';
  if (session.kind === 'sync_lesson') {
    if (role === 'classroom' && session.mode === 'master') return 'In a master-teacher lesson (名师课堂) classrooms only receive';
    if (role === 'classroom') return `A classroom publishes only its camera and microphone, not ${source}`;
    return `In a lesson only the teaching teacher publishes ${source}`;
  }
  return `In a research session only its teachers publish`;
}

export interface PeerRef {
  readonly peerId: string;
  readonly role: LiveRole;
}

/** Whether `receiver` gets `producer`'s media, given who is on stage. */
export function mayReceive(session: Pick<LiveSessionInfo, 'kind'>, receiver: PeerRef, producer: PeerRef, stagePeerId: string | null): boolean {
  if (receiver.peerId === producer.peerId) return false;
  if (session.kind === 'online_research') return true;
  if (receiver.role !== 'classroom') return true;
  if (producer.role === 'host' || producer.role === 'teacher') return true;
  return producer.peerId === stagePeerId;
}

/** Who can be put on stage: a participant who may publish (not an observer). */
export const mayBeOnStage = (session: Pick<LiveSessionInfo, 'kind' | 'mode'>, role: LiveRole) =>
  role !== 'observer' && permissionsFor(session, role).publish.length > 0;
