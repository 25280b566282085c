import { isVisible } from './access.ts';
import type { LiveRoom } from './LiveRoom.ts';

/**
 * What the lists of lessons live now show of a lesson's room (`/api/live/now`, the patrol list):
 * who is in it — patrols never counted — and whether it is being recorded. On several nodes the
 * host's room says it for the whole cluster (server/cluster N-LIVE-LIST), its edges' participants
 * included (N-EDGE-ROSTER).
 */
export interface RoomSummary {
  readonly peers: number;
  readonly teachers: number;
  readonly classrooms: number;
  readonly recording: boolean;
}

export function summaryOf(room: LiveRoom): RoomSummary {
  const present = [...room.participants.values()].filter(isVisible);
  return {
    peers: present.length,
    teachers: present.filter((p) => p.role === 'host' || p.role === 'teacher').length,
    classrooms: present.filter((p) => p.role === 'classroom').length,
    recording: !!room.recording,
  };
}

/** A room summary as another node sent it (N-LIVE-LIST), or null when it is not one. */
export function parseSummary(raw: string | null | undefined): RoomSummary | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<RoomSummary>;
    const count = (n: unknown) => (typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0);
    return { peers: count(v.peers), teachers: count(v.teachers), classrooms: count(v.classrooms), recording: v.recording === true };
  } catch {
    return null;
  }
}
