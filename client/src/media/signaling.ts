import type { Socket } from 'socket.io-client';
import { liveNotifications, liveRequests } from '../../../shared/signaling/live.ts';
import {
  describeIssues,
  isSignalingError,
  notificationEvent,
  notificationNames,
  requestEvent,
  SignalingError,
  SignalingErrorBody,
  type NotificationName,
  type NotificationOf,
  type RequestName,
  type RequestOf,
  type ResponseOf,
} from '../../../shared/signaling/protocol.ts';
import { appSocket } from '../app/socket.ts';

/** How long a request may wait for its acknowledgement before it fails with `internal`/timeout. */
export const REQUEST_TIMEOUT_MS = 10_000;

type Listener<N extends NotificationName> = (data: NotificationOf<N>) => void;

export interface SignalingEvents {
  connected(): void;
  disconnected(reason: string): void;
}

/**
 * The client end of shared/signaling: typed requests with acknowledgements,
 * validated both ways (a malformed answer or notification is an error here,
 * never a half-understood message), and typed notification listeners.
 * By default it speaks over the page's one connection (app/socket.ts), which
 * closing it leaves open; a socket given to it is its own, closed with it.
 */
export class SignalingClient {
  readonly socket: Socket;
  readonly #listeners = new Map<NotificationName, Set<(data: never) => void>>();
  readonly #status = new Set<(up: boolean, reason: string) => void>();
  /** Requests still waiting for their acknowledgement: closing waits for them. */
  readonly #pending = new Set<Promise<unknown>>();
  #closing = false;
  /** The page's connection (left open on close) rather than one of its own. */
  readonly #shared: boolean;
  /** The handlers this client put on the socket (taken off a shared one on close). */
  readonly #handlers: [event: string, handler: (...args: unknown[]) => void][] = [];

  /** `shared`: the socket is not this client's to close (default: the page's connection is shared, a given socket is not). */
  constructor(options: { socket?: Socket; shared?: boolean } = {}) {
    this.#shared = options.shared ?? !options.socket;
    this.socket = options.socket ?? appSocket();
    const on = (event: string, handler: (...args: unknown[]) => void) => {
      this.socket.on(event, handler);
      this.#handlers.push([event, handler]);
    };
    for (const name of notificationNames) {
      on(notificationEvent(name), (raw: unknown) => {
        const parsed = liveNotifications[name].safeParse(raw);
        if (!parsed.success) {
          console.warn(`live: malformed ${name} notification: ${describeIssues(parsed.error)}`);
          return;
        }
        for (const l of this.#listeners.get(name) ?? []) {
          try {
            (l as Listener<typeof name>)(parsed.data as never);
          } catch (err) {
            console.error(`live: ${name} listener failed`, err);
          }
        }
      });
    }
    on('connect', () => this.#status.forEach((l) => l(true, 'connect')));
    on('disconnect', (reason) => this.#status.forEach((l) => l(false, String(reason))));
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Resolves once the socket is connected (now or after a reconnect). */
  whenConnected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }

  /**
   * Like whenConnected(), but fails with `unauthenticated` when the server refuses the handshake
   * for good (no sign-in session: Socket.IO then stops retrying), so a join started before the
   * page knew who is signed in (the warm start) does not wait forever.
   */
  whenAdmitted(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const connected = () => {
        this.socket.off('connect_error', refused);
        resolve();
      };
      const refused = (err: Error) => {
        if (this.socket.active) return; // a network error: Socket.IO tries again by itself
        this.socket.off('connect', connected);
        this.socket.off('connect_error', refused);
        reject(new SignalingError('unauthenticated', `connection refused: ${err.message}`));
      };
      this.socket.once('connect', connected);
      this.socket.on('connect_error', refused);
    });
  }

  onStatus(listener: (up: boolean, reason: string) => void): () => void {
    this.#status.add(listener);
    return () => this.#status.delete(listener);
  }

  on<N extends NotificationName>(name: N, listener: Listener<N>): () => void {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(listener as (data: never) => void);
    return () => set.delete(listener as (data: never) => void);
  }

  /** Sends a request; resolves with the validated response or rejects with a SignalingError. */
  async request<N extends RequestName>(name: N, data: RequestOf<N>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<ResponseOf<N>> {
    const entry = liveRequests[name];
    const checked = entry.request.safeParse(data);
    if (!checked.success) throw new SignalingError('validation', `${name}: ${describeIssues(checked.error)}`, name);
    if (this.#closing || !this.socket.connected) throw new SignalingError('internal', `${name}: not connected`, name);
    let answer: unknown;
    const waiting = this.socket.timeout(timeoutMs).emitWithAck(requestEvent(name), data);
    this.#pending.add(waiting);
    try {
      answer = await waiting;
    } catch {
      // Socket.IO gives the acknowledgement up at once when the connection drops (its node drained or
      // was killed): said as such, not as a request that had no answer in time.
      const why = this.socket.connected ? `no answer within ${timeoutMs} ms` : 'the connection dropped before the answer';
      throw new SignalingError('internal', `${name}: ${why}`, name);
    } finally {
      this.#pending.delete(waiting);
    }
    if (isSignalingError(answer)) {
      // Parsed again for its defaults (a verdict's `failed`).
      const { error } = SignalingErrorBody.parse(answer);
      throw new SignalingError(error.code, error.message, name, error.params);
    }
    const parsed = entry.response.safeParse(answer);
    if (!parsed.success) throw new SignalingError('internal', `${name}: malformed answer (${describeIssues(parsed.error)})`, name);
    return parsed.data as ResponseOf<N>;
  }

  /**
   * Stops listening at once; a socket of its own closes when the requests in flight have their
   * answers (a notification handled before an acknowledgement — `sessionEnded` before the
   * `endSession` verdict — must not cut off that acknowledgement). The page's connection stays.
   */
  close(): void {
    this.#closing = true;
    this.#listeners.clear();
    this.#status.clear();
    if (this.#shared) {
      for (const [event, handler] of this.#handlers.splice(0)) this.socket.off(event, handler);
      return;
    }
    if (this.#pending.size === 0) this.socket.close();
    else void Promise.allSettled([...this.#pending]).then(() => this.socket.close());
  }
}
