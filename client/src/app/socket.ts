import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { pageEvents, type PageEventName, type PageEventOf } from '../../../shared/signaling/page.ts';
import { describeIssues } from '../../../shared/signaling/protocol.ts';

/** Keep trying for as long as the page is open: a classroom terminal is unattended. */
export const SOCKET_OPTIONS: Partial<ManagerOptions & SocketOptions> = {
  path: '/socket.io',
  transports: ['websocket'],
  withCredentials: true,
  reconnection: true,
  reconnectionAttempts: Infinity,
  reconnectionDelay: 300,
  reconnectionDelayMax: 5000,
  randomizationFactor: 0.3,
};

let socket: Socket | null = null;

/**
 * The page's one Socket.IO connection: live signaling (media/signaling.ts), quota
 * progress and reminders all travel over it, in the server's default namespace.
 * Made on first use. Socket.IO retries a lost network by itself; a connection that
 * is down for good — the server ended the sign-in session (S-SESSION-END) or refused
 * the handshake — connects again on the next use, so signing in again brings it back.
 */
export function appSocket(): Socket {
  socket ??= io('/', SOCKET_OPTIONS);
  if (!socket.active) socket.connect();
  return socket;
}

/**
 * A connection of its own, for a second live session on the same page (a patrol
 * thumbnail): the server binds one live participant to each connection.
 */
export function ownSocket(): Socket {
  return io('/', { ...SOCKET_OPTIONS, forceNew: true });
}

/** Listens to one page event (shared/signaling/page.ts), validated; the answer stops listening. */
export function onPageEvent<N extends PageEventName>(name: N, listener: (data: PageEventOf<N>) => void): () => void {
  const s = appSocket();
  const event: string = name;
  const handler = (raw: unknown) => {
    const parsed = pageEvents[name].safeParse(raw);
    if (parsed.success) listener(parsed.data as PageEventOf<N>);
    else console.warn(`socket: malformed ${name}: ${describeIssues(parsed.error)}`);
  };
  s.on(event, handler);
  return () => void s.off(event, handler);
}

/** Follows the connection's state (now, then on every change); the answer stops following. */
export function onConnection(listener: (connected: boolean) => void): () => void {
  const s = appSocket();
  const up = () => listener(true);
  const down = () => listener(false);
  s.on('connect', up);
  s.on('disconnect', down);
  listener(s.connected);
  return () => {
    s.off('connect', up);
    s.off('disconnect', down);
  };
}
