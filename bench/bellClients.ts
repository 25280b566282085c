/**
 * The morning bell's participants, as Node clients: each connects a Socket.IO socket, joins,
 * creates and connects its transports (fake DTLS: the worker never sees a packet), produces its
 * camera and microphone with browser-like RTP parameters and consumes — the requests a browser's
 * LiveClient makes, in its order. `ours` speaks the shared signaling table to the platform with a
 * signed-in account's cookie; `bare` speaks the same requests to the bare script (bellBare.ts).
 */
import { io, type Socket } from 'socket.io-client';
import { SignalingClient } from '../client/src/media/signaling.ts';
import { fakeDtls, fakeRtpParameters } from '../test/support/live.ts';
import type { SignedInClient } from '../test/support/platform.ts';

/** A client gives up on a request after this, as the browser's LiveClient does (a failed join). */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface Participant {
  /** Connects, joins and sets its media up; resolves with the milliseconds it took, and those of the join request alone. */
  enter(): Promise<{ totalMs: number; joinMs: number }>;
  /** The host ends the lesson (ours: the verdict is judged and written). */
  end(): Promise<void>;
  close(): void;
}

export type Role = 'teacher' | 'classroom';

let ssrc = 10_000;

function connect(url: string, cookie?: string): Promise<Socket> {
  const socket = io(url, { path: '/socket.io', transports: ['websocket'], ...(cookie ? { extraHeaders: { cookie } } : {}), reconnection: false, forceNew: true, timeout: REQUEST_TIMEOUT_MS });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** A participant of the platform: a signed-in account on one node's address. */
export function ourParticipant(url: string, user: SignedInClient, sessionId: string): Participant {
  let signaling: SignalingClient | null = null;
  return {
    async enter() {
      const started = performance.now();
      const s = (signaling = new SignalingClient({ socket: await connect(url, user.cookie) }));
      const t = REQUEST_TIMEOUT_MS;
      const asked = performance.now();
      const joined = await s.request('join', { sessionId }, t);
      const joinMs = performance.now() - asked;
      const recv = await s.request('createTransport', { direction: 'recv' }, t);
      await s.request('connectTransport', { transportId: recv.id, dtlsParameters: fakeDtls }, t);
      if (joined.permissions.publish.length > 0) {
        const send = await s.request('createTransport', { direction: 'send' }, t);
        await s.request('connectTransport', { transportId: send.id, dtlsParameters: fakeDtls }, t);
        for (const source of ['camera', 'microphone'] as const) {
          if (!joined.permissions.publish.includes(source)) continue;
          const kind = source === 'microphone' ? 'audio' : 'video';
          await s.request('produce', { transportId: send.id, kind, source, rtpParameters: fakeRtpParameters(kind, ssrc++) }, t);
        }
      }
      await s.request('consume', { rtpCapabilities: joined.routerRtpCapabilities }, t);
      return { totalMs: performance.now() - started, joinMs };
    },
    async end() {
      await signaling?.request('endSession', {}, 60_000);
    },
    close() {
      signaling?.close();
    },
  };
}

type Ack = { error?: { message: string } } & Record<string, unknown>;

/** A participant of the bare script: no account, the lesson named in the join. */
export function bareParticipant(url: string, sessionId: string, role: Role): Participant {
  let socket: Socket | null = null;
  const ask = async (event: string, data: unknown): Promise<Ack> => {
    const answer = (await socket!.timeout(REQUEST_TIMEOUT_MS).emitWithAck(event, data)) as Ack;
    if (answer.error) throw new Error(`${event}: ${answer.error.message}`);
    return answer;
  };
  return {
    async enter() {
      const started = performance.now();
      socket = await connect(url);
      const asked = performance.now();
      const joined = await ask('join', { sessionId, role });
      const joinMs = performance.now() - asked;
      const recv = await ask('createTransport', { direction: 'recv' });
      await ask('connectTransport', { transportId: recv['id'], dtlsParameters: fakeDtls });
      const send = await ask('createTransport', { direction: 'send' });
      await ask('connectTransport', { transportId: send['id'], dtlsParameters: fakeDtls });
      for (const kind of ['video', 'audio'] as const) await ask('produce', { transportId: send['id'], kind, rtpParameters: fakeRtpParameters(kind, ssrc++) });
      await ask('consume', { rtpCapabilities: joined['routerRtpCapabilities'] });
      return { totalMs: performance.now() - started, joinMs };
    },
    async end() {
      await ask('leave', {});
    },
    close() {
      socket?.close();
    },
  };
}
