import type { Socket } from 'socket.io';
import { chatNotifications, chatRequests } from '../../shared/signaling/chat.ts';
import { coursewareNotifications, coursewareRequests } from '../../shared/signaling/courseware.ts';
import { quizNotifications, quizRequests } from '../../shared/signaling/quiz.ts';
import { timerNotifications, timerRequests } from '../../shared/signaling/timer.ts';
import { notificationEvent, type NotificationName } from '../../shared/signaling/protocol.ts';
import type { SignalingRelay } from './SignalingRelay.ts';

/** Where a participant's real socket is: the node holding it and its id there. */
export interface SocketAt {
  readonly node: string;
  readonly id: string;
}

/** The class tools' requests: an edge participant's are run by the host's room (N-EDGE-TOOLS). */
export const TOOL_REQUESTS: ReadonlySet<string> = new Set([...Object.keys(quizRequests), ...Object.keys(chatRequests), ...Object.keys(timerRequests), ...Object.keys(coursewareRequests)]);

/** The class tools' notifications, as events: the host's reach its edge participants (N-EDGE-TOOLS). */
const TOOL_EVENTS: ReadonlySet<string> = new Set(
  [...Object.keys(quizNotifications), ...Object.keys(chatNotifications), ...Object.keys(timerNotifications), ...Object.keys(coursewareNotifications)].map((n) => notificationEvent(n as NotificationName)),
);

/**
 * The socket of an edge participant's mirror in the host's room (N-EDGE-TOOLS): the class
 * tools live in the host's room, so their notifications to the mirror are sent straight to
 * the node holding the participant's real socket. Everything else the host's room tells it
 * (peers, stage, media) its edge room tells it already, and is dropped here.
 */
export class MirrorSocket {
  readonly id: string;
  readonly #relay: SignalingRelay;
  /** Where the real socket is now (it moves when the participant resumes on another socket); null while it is away. */
  at: SocketAt | null;

  constructor(id: string, relay: SignalingRelay, at: SocketAt | null) {
    this.id = id;
    this.#relay = relay;
    this.at = at;
  }

  emit(event: string, data: unknown): boolean {
    if (!this.at || !TOOL_EVENTS.has(event)) return false;
    this.#relay.emit(this.at.node, this.at.id, event, data);
    return true;
  }

  /** What LiveService and LiveRoom take (they use `emit` and identity only). */
  get socket(): Socket {
    return this as unknown as Socket;
  }
}
