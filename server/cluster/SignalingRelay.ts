import { randomUUID } from 'node:crypto';
import type { RedisClientType } from 'redis';
import type { NotificationOf } from '../../shared/signaling/protocol.ts';
import type { Actor } from '../accounts/actor.ts';
import { relayChannel } from './ClusterRegistry.ts';

/** A signaling request taken by one node for a lesson another node hosts. */
export interface RelayedRequest {
  readonly from: string;
  readonly socketId: string;
  readonly actor: Actor;
  readonly name: string;
  readonly raw: unknown;
  /** A join sent to an edge node (N-EDGE): the node hosting the lesson. */
  readonly edgeOf?: string;
}

type Envelope =
  | { kind: 'request'; id: string; from: string; socketId: string; actor: Omit<Actor, 'sessionExpiresAt'> & { sessionExpiresAt: string }; name: string; raw: unknown; edgeOf?: string }
  | { kind: 'reply'; id: string; answer: unknown }
  | { kind: 'emit'; socketId: string; event: string; data: unknown }
  | { kind: 'gone'; from: string; socketId: string }
  | { kind: 'edge'; id: string; from: string; message: unknown }
  | { kind: 'ended'; from: string; sessionId: string; ended: NotificationOf<'sessionEnded'> };

export interface RelayHandlers {
  /** Run a request for a socket of another node; the answer goes back to it. */
  request(req: RelayedRequest): Promise<unknown>;
  /** A notification for a socket connected here. */
  emit(socketId: string, event: string, data: unknown): void;
  /** A socket of another node (`from`) went away. */
  gone(from: string, socketId: string): void;
  /** A message between a lesson's host node and one of its edge nodes (edgeProtocol.ts); the answer goes back. */
  edge(from: string, message: unknown): Promise<unknown>;
  /** Node `from` ended a lesson with this verdict (LIVE-REJOIN-ENDED): a room of it here closes with it. */
  ended(from: string, sessionId: string, ended: NotificationOf<'sessionEnded'>): void;
}

/** The node a relayed request went to stopped answering (its registration lapsed). */
export class NodeLostError extends Error {
  constructor(readonly nodeId: string) {
    super(`cluster node ${nodeId} is gone`);
    this.name = 'NodeLostError';
  }
}

/**
 * N-RELAY: signaling between the node that holds a socket and the node that hosts its
 * lesson, over Redis pub/sub — one channel per node. Requests, their answers and the
 * notifications for a socket travel on the same channel in order, so a participant
 * hears the host's notifications in the order the host sent them.
 */
export class SignalingRelay {
  readonly #pub: RedisClientType;
  readonly #sub: RedisClientType;
  readonly #prefix: string;
  readonly nodeId: string;
  readonly #pending = new Map<string, { node: string; resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();

  constructor(pub: RedisClientType, sub: RedisClientType, options: { prefix: string; nodeId: string }) {
    this.#pub = pub;
    this.#sub = sub;
    this.#prefix = options.prefix;
    this.nodeId = options.nodeId;
  }

  #channel = (node: string) => relayChannel(this.#prefix, node);

  async start(handlers: RelayHandlers): Promise<void> {
    await this.#sub.subscribe(this.#channel(this.nodeId), (message) => {
      const m = JSON.parse(message) as Envelope;
      switch (m.kind) {
        case 'request': {
          const actor: Actor = { ...m.actor, sessionExpiresAt: new Date(m.actor.sessionExpiresAt) };
          void handlers
            .request({ from: m.from, socketId: m.socketId, actor, name: m.name, raw: m.raw, ...(m.edgeOf ? { edgeOf: m.edgeOf } : {}) })
            .catch(() => ({ error: { code: 'internal', message: 'Something went wrong on the server; try again' } }))
            .then((answer) => this.#send(m.from, { kind: 'reply', id: m.id, answer }));
          break;
        }
        case 'reply': {
          const p = this.#pending.get(m.id);
          if (!p) return;
          this.#pending.delete(m.id);
          clearTimeout(p.timer);
          p.resolve(m.answer);
          break;
        }
        case 'emit':
          handlers.emit(m.socketId, m.event, m.data);
          break;
        case 'gone':
          handlers.gone(m.from, m.socketId);
          break;
        case 'ended':
          handlers.ended(m.from, m.sessionId, m.ended);
          break;
        case 'edge':
          void handlers
            .edge(m.from, m.message)
            .catch((err: unknown) => ({ error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } }))
            .then((answer) => this.#send(m.from, { kind: 'reply', id: m.id, answer }));
          break;
      }
    });
  }

  /** Publishes to a node; resolves with how many listened (0: the node is gone, or Redis is unreachable). */
  #send(node: string, m: Envelope): Promise<number> {
    return this.#pub.publish(this.#channel(node), JSON.stringify(m)).then(
      (listeners) => listeners,
      () => 0,
    );
  }

  /**
   * Runs a request on `node`; rejects with NodeLostError if that node is declared gone first, or
   * at once when nobody listens on its channel (N-NODE-GONE: a killed node's subscription is gone).
   */
  call(node: string, req: Omit<RelayedRequest, 'from'>, timeoutMs: number): Promise<unknown> {
    const actor = { ...req.actor, sessionExpiresAt: req.actor.sessionExpiresAt.toISOString() };
    return this.#ask(node, timeoutMs, (id) => ({ kind: 'request', id, from: this.nodeId, socketId: req.socketId, actor, name: req.name, raw: req.raw, ...(req.edgeOf ? { edgeOf: req.edgeOf } : {}) }));
  }

  /** Sends a host–edge message to `node` and waits for its answer (rejects with NodeLostError as call() does). */
  callEdge(node: string, message: unknown, timeoutMs: number): Promise<unknown> {
    return this.#ask(node, timeoutMs, (id) => ({ kind: 'edge', id, from: this.nodeId, message }));
  }

  #ask(node: string, timeoutMs: number, envelope: (id: string) => Envelope): Promise<unknown> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new NodeLostError(node));
      }, timeoutMs);
      timer.unref();
      this.#pending.set(id, { node, resolve, reject, timer });
      void this.#send(node, envelope(id)).then((listeners) => {
        if (listeners > 0 || !this.#pending.delete(id)) return;
        clearTimeout(timer);
        reject(new NodeLostError(node));
      });
    });
  }

  emit(node: string, socketId: string, event: string, data: unknown): void {
    void this.#send(node, { kind: 'emit', socketId, event, data });
  }

  gone(node: string, socketId: string): void {
    void this.#send(node, { kind: 'gone', from: this.nodeId, socketId });
  }

  /** Tells `node` that this node ended a lesson, with its verdict (not waited for: a node that is gone has no room to close). */
  ended(node: string, sessionId: string, ended: NotificationOf<'sessionEnded'>): void {
    void this.#send(node, { kind: 'ended', from: this.nodeId, sessionId, ended });
  }

  /** Fails every request waiting on a node that is not among `alive` (its registration lapsed). */
  keepOnly(alive: ReadonlySet<string>): void {
    for (const [id, p] of this.#pending) {
      if (alive.has(p.node)) continue;
      this.#pending.delete(id);
      clearTimeout(p.timer);
      p.reject(new NodeLostError(p.node));
    }
  }

  close(): void {
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(new NodeLostError(this.nodeId));
    }
    this.#pending.clear();
  }
}
