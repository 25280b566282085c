import { randomBytes } from 'node:crypto';
import type { Server as IoServer } from 'socket.io';
import type { Socket } from 'socket.io-client';
import { nextEvent } from './waitFor.ts';

/**
 * Resolves once each socket has been sent everything its server node (`io`) handed it
 * before the call: a marker emitted to it now arrives after those events (one ordered
 * connection). What a socket has not heard by then, it was not sent — an absence a test
 * can assert without sleeping.
 */
export async function drained(io: IoServer, ...sockets: Socket[]): Promise<void> {
  await Promise.all(
    sockets.map((socket) => {
      const mark = `test:mark:${randomBytes(4).toString('hex')}`;
      const heard = nextEvent(`${mark} on socket ${socket.id}`, (on: (value: undefined) => void) => {
        socket.on(mark, on);
        return () => void socket.off(mark, on);
      });
      io.to(socket.id!).emit(mark);
      return heard;
    }),
  );
}
