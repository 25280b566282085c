import type { Server } from 'socket.io';

/** The room every socket of one sign-in session joins (named by the session's key, never its token). */
export const sessionRoom = (sessionKey: string) => `session:${sessionKey}`;

/**
 * Closes the sockets of sessions that ended (S-SESSION-END): sign-out, an account disabled or
 * its password set by someone. The REST side is built before Socket.IO, so the server is attached
 * once it exists; through the Redis adapter the disconnect reaches sockets on every node.
 */
export class SessionSockets {
  private io: Server | null = null;

  attach(io: Server): void {
    this.io = io;
  }

  end(sessionKeys: readonly string[]): void {
    if (!this.io || sessionKeys.length === 0) return;
    this.io.in(sessionKeys.map(sessionRoom)).disconnectSockets(true);
  }
}
