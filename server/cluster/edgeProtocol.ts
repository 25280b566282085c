import type { PipeEndpoint, PipedProducer } from '../../media/index.ts';
import type { LiveRole } from '../../shared/schemas/live.ts';
import type { NotificationOf } from '../../shared/signaling/protocol.ts';
import type { Actor } from '../accounts/actor.ts';
import type { EndCause } from '../live/service.ts';
import type { LiveRoom, MirrorAction, MirrorState, Participant } from '../live/LiveRoom.ts';
import type { SocketAt } from './MirrorSocket.ts';

/**
 * The messages between a lesson's host node and an edge node carrying some of its
 * receivers (N-EDGE, N-EDGE-PIPE, N-EDGE-CLOSE), over the nodes' relay channels
 * (SignalingRelay.callEdge): each is answered, in the order sent.
 */

/** A participant of the host's room whose producers an edge room receives: who it is, not its sign-in. */
export interface MirrorPeer {
  readonly peerId: string;
  readonly role: LiveRole;
  readonly actor: Pick<Actor, 'accountId' | 'username' | 'displayName' | 'role' | 'locale' | 'audit' | 'teacherId' | 'classroomId' | 'schoolId' | 'communityIds'>;
}

/** Edge → host. */
export type EdgeToHost =
  /** The edge opened the lesson's room and a pipe end at `endpoint`: connect to it, send every producer. */
  | { readonly type: 'open'; readonly sessionId: string; readonly endpoint: PipeEndpoint }
  /** A participant on the edge (a coordinator's patrol) ends the lesson, or the edge's clock does: the host judges it. */
  | { readonly type: 'end'; readonly sessionId: string; readonly cause: EndCause; readonly byAccountId: string | null }
  /** One of the edge room's participants joined or changed: the host lists it (N-EDGE-ROSTER). */
  | { readonly type: 'peer'; readonly sessionId: string; readonly peer: MirrorPeer; readonly state: MirrorState; readonly at: SocketAt | null }
  /** A class tool's request of one of the edge room's participants: the host's room runs it (N-EDGE-TOOLS) and answers. */
  | { readonly type: 'tool'; readonly sessionId: string; readonly peerId: string; readonly name: string; readonly raw: unknown }
  /** One of the edge room's participants left it. */
  | { readonly type: 'peerLeft'; readonly sessionId: string; readonly peerId: string }
  /** The edge closed its room by itself (its pipe broke, it drains): the host closes the link, and its participants leave the host's list. */
  | { readonly type: 'closed'; readonly sessionId: string };

/** The host's answer to `open`. */
export type Opened = { readonly endpoint: PipeEndpoint; readonly producers: readonly PipedFrom[] } | { readonly refused: string };

/** A producer with the participant it belongs to. */
export interface PipedFrom {
  readonly producer: PipedProducer;
  readonly peer: MirrorPeer;
}

/** Host → edge. */
export type HostToEdge =
  | ({ readonly type: 'producer'; readonly sessionId: string } & PipedFrom)
  | { readonly type: 'paused'; readonly sessionId: string; readonly producerId: string; readonly paused: boolean }
  | { readonly type: 'producerClosed'; readonly sessionId: string; readonly producerId: string }
  /** The teacher lowers an edge participant's hand, mutes it or switches its mode: the edge does it (N-EDGE-HAND). */
  | { readonly type: 'act'; readonly sessionId: string; readonly peerId: string; readonly action: MirrorAction }
  /** The lesson ends at `at`: close the edge's evidence there and write it before answering (the host judges after). */
  | { readonly type: 'ending'; readonly sessionId: string; readonly at: string }
  /** The host's room closed: with the verdict (ended), or without (moved, lost): the edge's receivers join again. */
  | { readonly type: 'close'; readonly sessionId: string; readonly ended: NotificationOf<'sessionEnded'> | null };

export type EdgeMessage = EdgeToHost | HostToEdge;

export const isEdgeMessage = (m: unknown): m is EdgeMessage => typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string' && typeof (m as { sessionId?: unknown }).sessionId === 'string';

/** What an edge learns of a host participant. */
export function mirrorOf(p: Participant): MirrorPeer {
  const { accountId, username, displayName, role, locale, audit, teacherId, classroomId, schoolId, communityIds } = p.actor;
  return { peerId: p.peerId, role: p.role, actor: { accountId, username, displayName, role, locale, audit, teacherId, classroomId, schoolId, communityIds } };
}

/** What an edge room reports of a participant of its own (N-EDGE-ROSTER). */
export function mirrorStateOf(room: LiveRoom, p: Participant): MirrorState {
  return { handRaised: p.handRaised, online: p.socket !== null, audioCourseware: p.audioCourseware, mutedByHost: room.mutedAccounts.has(p.actor.accountId) };
}

/** How long a host–edge message may take before the other node counts as gone. */
export const EDGE_TIMEOUT_MS = 9_000;
