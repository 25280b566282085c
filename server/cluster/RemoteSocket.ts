import type { Socket } from 'socket.io';
import { notificationEvent } from '../../shared/signaling/protocol.ts';
import type { SignalingRelay } from './SignalingRelay.ts';

/**
 * A participant's socket connected to another node, as the hosting node's LiveRoom
 * sees it: the room only emits notifications to its participants' sockets and tells
 * them apart by identity, so this stands in for the socket and sends what is emitted
 * to the node that holds the real one (N-RELAY).
 */
export class RemoteSocket {
  constructor(
    readonly id: string,
    /** The node holding the real socket. */
    readonly nodeId: string,
    readonly relay: SignalingRelay,
  ) {}

  emit(event: string, data: unknown): boolean {
    this.relay.emit(this.nodeId, this.id, event, data);
    return true;
  }

  /** What LiveService and LiveRoom take (they use `emit` and identity only). */
  get socket(): Socket {
    return this as unknown as Socket;
  }
}

/** The notification that makes a client build its media again from a fresh join (client/src/media/policy.ts). */
export const MOVED_NOTIFICATION = notificationEvent('mediaRebuilt');
