import type { Server as IoServer, Socket } from 'socket.io';
import type { PipeEndpoint } from '../../media/index.ts';
import type { Verdict } from '../../shared/schemas/live.ts';
import { liveRequests } from '../../shared/signaling/live.ts';
import type { NotificationOf } from '../../shared/signaling/protocol.ts';
import type { Actor } from '../accounts/actor.ts';
import { permissionsFor } from '../live/access.ts';
import { LiveError, SessionOverError } from '../live/errors.ts';
import type { LiveRoom, MirrorAction, Participant } from '../live/LiveRoom.ts';
import { parseSummary, summaryOf, type RoomSummary } from '../live/roomSummary.ts';
import type { EndCause, LiveRouting, LiveService } from '../live/service.ts';
import { answerLiveRequest } from '../live/signaling.ts';
import type { Logger } from '../log.ts';
import type { ClusterRegistry } from './ClusterRegistry.ts';
import { EdgeRooms } from './EdgeRooms.ts';
import { EDGE_TIMEOUT_MS, isEdgeMessage, type EdgeToHost, type Opened } from './edgeProtocol.ts';
import { TOOL_REQUESTS } from './MirrorSocket.ts';
import { PipeLink } from './PipeLink.ts';
import { hostFull, localLoad, placeEdge, placeLesson, type NodeLoad } from './placement.ts';
import { MOVED_NOTIFICATION, RemoteSocket } from './RemoteSocket.ts';
import { NodeLostError, type RelayedRequest, type SignalingRelay } from './SignalingRelay.ts';
import { WorkerCpu } from './WorkerCpu.ts';

export interface LiveClusterOptions {
  readonly registry: ClusterRegistry;
  readonly relay: SignalingRelay;
  readonly service: LiveService;
  readonly io: IoServer;
  readonly log: Logger;
  readonly maxConsumers: number;
  readonly drainSeconds: number;
}

/** A relayed join the asked node will not host (someone else holds the lease, or it drains): place again. */
const MOVED = { relayMoved: true } as const;
const isMoved = (a: unknown): boolean => typeof a === 'object' && a !== null && 'relayMoved' in a;
const isError = (a: unknown): boolean => typeof a === 'object' && a !== null && 'error' in a;
/**
 * A join's refusal that may only mean the lesson ended meanwhile: the cluster's own (no node took it,
 * a node was lost, Redis away), or `not_live` without the verdict (an edge room refused to open).
 */
const mayBeOver = (a: unknown): boolean => {
  if (!isError(a)) return false;
  const { code, params } = (a as { error: { code: string; params?: { ended?: unknown } } }).error;
  return code === 'media_unavailable' || code === 'cluster_unavailable' || code === 'internal' || (code === 'not_live' && !params?.ended);
};
const unavailable = (message: string) => ({ error: { code: 'media_unavailable', message } });
/** N-REDIS-OUTAGE: the nodes cannot reach their shared state; what a node hosts goes on, nothing new is placed. */
const clusterUnavailable = () => ({ error: { code: 'cluster_unavailable', message: 'The servers cannot reach each other just now; lessons already running go on. Try again in a moment' } });

const remoteKey = (nodeId: string, socketId: string) => `${nodeId}/${socketId}`;

/** The verdict a `not_live` refusal carries (LIVE-REJOIN-ENDED), if it does. */
const endedIn = (a: unknown): NotificationOf<'sessionEnded'> | undefined =>
  isError(a) ? (a as { error: { params?: { ended?: NotificationOf<'sessionEnded'> } } }).error.params?.ended : undefined;

/** How long a relayed request may take before its node counts as gone: under the client's own request timeout (10 s). */
const RELAY_TIMEOUT_MS = 9_000;
/** How long Redis may take to answer where a lesson is before it counts as unreachable (a hung connection, not only a refused one). */
const REDIS_ANSWER_MS = 3_000;

/** Redis did not answer in time: the cluster cannot place a lesson now (N-REDIS-OUTAGE). */
export class ClusterUnreachableError extends Error {
  constructor() {
    super('Redis did not answer');
    this.name = 'ClusterUnreachableError';
  }
}

/** `promise`, or ClusterUnreachableError when it takes longer than REDIS_ANSWER_MS. */
function answeredInTime<T>(promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ClusterUnreachableError()), REDIS_ANSWER_MS);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * This node's part in a cluster of app nodes sharing PostgreSQL and Redis
 * (rules in server/cluster/SPEC.md). Each live lesson is hosted by one node, the
 * holder of its Redis lease; a socket connected anywhere has its signaling relayed
 * to that node, and its media goes straight to the host's announced address.
 */
export class LiveCluster implements LiveRouting {
  readonly nodeId: string;
  readonly #registry: ClusterRegistry;
  readonly #relay: SignalingRelay;
  readonly #service: LiveService;
  readonly #io: IoServer;
  readonly #log: Logger;
  readonly #options: LiveClusterOptions;
  /** Sockets connected here whose lesson another node hosts. */
  readonly #forwarded = new Map<string, { host: string; sessionId: string }>();
  /** Sockets whose join is under way: the watch tells them nothing about the host they are leaving (N-FAILOVER). */
  readonly #rejoining = new Set<string>();
  /**
   * Sockets connected to other nodes whose lesson this node hosts, by node and socket id (a
   * socket recovered by Socket.IO on another node keeps its id: it is another remote).
   */
  readonly #remotes = new Map<string, RemoteSocket>();
  /**
   * Leases taken for lessons whose room is not open yet: renewed while a join of the lesson runs
   * here (a go-live may outlast a lease on a slow machine), given up one lease after the last one
   * ended without a room (N-HOST-LEASE).
   */
  readonly #claims = new Map<string, { at: number; joins: number }>();
  readonly #cpu: WorkerCpu;
  /** Rooms of lessons other nodes host, for the receivers they had no room for (N-EDGE). */
  readonly #edges: EdgeRooms;
  /** Lessons hosted here → edge node → the pipe feeding it (N-EDGE-PIPE). */
  readonly #links = new Map<string, Map<string, PipeLink>>();
  readonly #startedAt = new Date().toISOString();
  #nodes: NodeLoad[] = [];
  #draining = false;
  #closed = false;
  #timer: ReturnType<typeof setInterval> | null = null;
  /** The heartbeat (registration and leases) and the watch over the other nodes run apart: a slow watch never delays a heartbeat. */
  #beating: Promise<void> | null = null;
  #watching: Promise<void> | null = null;
  /**
   * N-REDIS-RETURN: until then (one lease after Redis answered again) the registrations and leases
   * in Redis may still lack what the other nodes hold: no lesson without a holder is placed, and no
   * node missing from the list counts as gone.
   */
  #settlingUntil = 0;

  constructor(options: LiveClusterOptions) {
    this.#options = options;
    this.#registry = options.registry;
    this.#relay = options.relay;
    this.#service = options.service;
    this.#io = options.io;
    this.#log = options.log.child({ node: options.registry.nodeId });
    this.nodeId = options.registry.nodeId;
    this.#cpu = new WorkerCpu(options.service.pool);
    this.#edges = new EdgeRooms({ service: options.service, relay: options.relay, log: this.#log, rejoin: (s) => this.#rejoin(s) });
  }

  /** Joins the cluster: registers this node, listens for relayed signaling, renews leases every quarter lease. */
  async start(): Promise<void> {
    await this.#relay.start({
      request: (req) => this.#relayed(req),
      emit: (socketId, event, data) => this.#io.sockets.sockets.get(socketId)?.emit(event, data),
      gone: (from, socketId) => this.#remoteGone(remoteKey(from, socketId)),
      edge: (from, message) => this.#edgeMessage(from, message),
      ended: (from, sessionId, ended) => void this.#endedElsewhere(sessionId, ended).catch((err: unknown) => this.#log.warn({ err, sessionId, from }, 'cluster: closing a lesson ended elsewhere failed')),
    });
    await this.#registry.announce(this.load());
    this.#nodes = await this.#registry.nodes();
    this.#registry.onReachable(() => {
      this.#settlingUntil = Date.now() + this.#registry.leaseMs;
      this.#heartbeat();
    });
    this.#timer = setInterval(() => {
      if (this.#closed) return;
      void this.#cpu.sample();
      this.#heartbeat();
    }, Math.max(50, Math.floor(this.#registry.leaseMs / 4)));
    this.#timer.unref();
    this.#service.cluster = this;
  }

  /**
   * One heartbeat and one watch at a time. Not while Redis is unreachable (N-REDIS-OUTAGE):
   * nothing is queued to be sent stale later; the first beat after Redis is back renews
   * (or takes again) the leases of the lessons this node kept hosting.
   */
  #heartbeat(): void {
    if (this.#closed || !this.#registry.reachable) return;
    this.#beating ??= this.#beat()
      .catch((err: unknown) => this.#log.warn({ err }, 'cluster: heartbeat failed'))
      .finally(() => (this.#beating = null));
    this.#watching ??= this.#watch()
      .catch((err: unknown) => this.#log.warn({ err }, 'cluster: watching the other nodes failed'))
      .finally(() => (this.#watching = null));
  }

  get #settling(): boolean {
    return Date.now() < this.#settlingUntil;
  }

  /** Whether this node reaches Redis now (N-REDIS-OUTAGE). */
  get reachable(): boolean {
    return this.#registry.reachable;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** The nodes alive at the last heartbeat (health, metrics, the admin's page). */
  get nodes(): readonly NodeLoad[] {
    return this.#nodes;
  }

  /** N-NODE-LOAD: what this node reports on every heartbeat. */
  load(): NodeLoad {
    return localLoad(this.#service, {
      nodeId: this.nodeId,
      maxConsumers: this.#options.maxConsumers,
      workerCpu: this.#cpu.share,
      draining: this.#draining,
      startedAt: this.#startedAt,
      edges: this.#edges.sessions,
      pipeConsumers: this.#pipeConsumers(),
    });
  }

  /** N-PLACEMENT-PIPES: one consumer per producer sent to each edge node. */
  #pipeConsumers(): number {
    let n = 0;
    for (const links of this.#links.values()) for (const l of links.values()) n += l.sending;
    return n;
  }

  /** The lessons this node hosts (its edge rooms are not its own). */
  #hosted(): string[] {
    return [...this.#service.rooms.keys()].filter((id) => !this.#edges.has(id));
  }

  // ---- the node that holds the socket ----------------------------------------------------

  async request(socket: Socket, actor: Actor, name: string, raw: unknown, here: () => Promise<unknown>): Promise<unknown> {
    // Leaving the cluster (Redis closing): what is left is answered here.
    if (this.#closed) return here();
    if (!this.#registry.reachable) return this.#whileUnreachable(socket, actor, name, raw, here);
    try {
      return await this.#route(socket, actor, name, raw, here);
    } catch (err) {
      if (err instanceof ClusterUnreachableError) return clusterUnavailable();
      this.#log.warn({ err, request: name }, 'cluster: routing a request failed');
      return unavailable('The servers could not agree where this lesson is; try again in a moment');
    }
  }

  /**
   * N-REDIS-OUTAGE: a lesson this node hosts goes on (its participants' requests, their
   * joins again); a socket whose lesson another node hosts cannot be relayed, and no
   * lesson is placed, until Redis answers again.
   */
  async #whileUnreachable(socket: Socket, actor: Actor, name: string, raw: unknown, here: () => Promise<unknown>): Promise<unknown> {
    if (name === 'join') {
      const parsed = liveRequests.join.request.safeParse(raw ?? {});
      if (!parsed.success) return here();
      if (!this.#service.rooms.has(parsed.data.sessionId)) return (await this.#overAnswer(parsed.data.sessionId, actor)) ?? clusterUnavailable();
      this.#forwarded.delete(socket.id);
      return here();
    }
    const forwarded = this.#forwarded.get(socket.id);
    // N-EDGE-TOOLS: the class tools are the host's; an edge room's own would answer with what they were when it opened.
    if (!forwarded) return this.#edgeToolRequest(socket, name) ? clusterUnavailable() : here();
    if (name === 'leave') {
      this.#forwarded.delete(socket.id);
      return here();
    }
    return clusterUnavailable();
  }

  async #route(socket: Socket, actor: Actor, name: string, raw: unknown, here: () => Promise<unknown>): Promise<unknown> {
    if (name === 'join') return this.#join(socket, actor, raw, here);
    const f = this.#forwarded.get(socket.id);
    if (!f) return this.#toolOnHost(socket, name, raw) ?? here();
    if (name === 'leave') this.#forwarded.delete(socket.id);
    try {
      return await this.#relay.call(f.host, { socketId: socket.id, actor, name, raw }, RELAY_TIMEOUT_MS);
    } catch (err) {
      if (!(err instanceof NodeLostError)) throw err;
      return unavailable('The server hosting this lesson is gone; the lesson moves to another one');
    }
  }

  async #join(socket: Socket, actor: Actor, raw: unknown, here: () => Promise<unknown>): Promise<unknown> {
    const parsed = liveRequests.join.request.safeParse(raw ?? {});
    if (!parsed.success || this.#closed) return here();
    const { sessionId } = parsed.data;
    this.#rejoining.add(socket.id);
    let answer: unknown;
    try {
      answer = await this.#place(socket, actor, raw, sessionId, here);
    } catch (err) {
      // LIVE-REJOIN-ENDED: a lesson that ended meanwhile is refused as ended, not as the cluster's trouble.
      const over = await this.#overAnswer(sessionId, actor);
      if (over) return over;
      throw err;
    } finally {
      this.#rejoining.delete(socket.id);
    }
    const refused = (mayBeOver(answer) && (await this.#overAnswer(sessionId, actor))) || answer;
    // An edge room here of a lesson that is over (opened by a join that read it live a moment before) closes with the verdict.
    const ended = endedIn(refused);
    if (ended && this.#edges.has(sessionId)) await this.#edges.close(sessionId, ended);
    return refused;
  }

  /** LIVE-REJOIN-ENDED: `not_live` with the verdict if the lesson is over (the database says so) and the actor may see it, else null. */
  async #overAnswer(sessionId: string, actor: Actor): Promise<unknown> {
    const ended = await this.#service.endedFor(sessionId, actor).catch(() => null);
    return ended ? new SessionOverError(ended).body : null;
  }

  async #place(socket: Socket, actor: Actor, raw: unknown, sessionId: string, here: () => Promise<unknown>): Promise<unknown> {
    // A few rounds: a placed node may be taken by a race, or die under the join (N-FAILOVER).
    for (let round = 0; round < 4; round++) {
      let host: string;
      try {
        host = await this.#hostFor(sessionId);
      } catch (err) {
        if (err instanceof LiveError) return err.body;
        throw err;
      }
      // N-EDGE: a receiver the full host has no room for goes to an edge node.
      const target = (await this.#edgeFor(sessionId, host, actor)) ?? host;
      const edgeOf = target === host ? undefined : host;
      const previous = this.#forwarded.get(socket.id);
      if (target === this.nodeId) {
        if (previous) this.#leaveRemote(socket, actor);
        try {
          await this.#prepare(sessionId, edgeOf);
        } catch (err) {
          if (err instanceof LiveError) return err.body;
          throw err;
        }
        return this.#joining(sessionId, here);
      }
      let answer: unknown;
      try {
        answer = await this.#relay.call(target, { socketId: socket.id, actor, name: 'join', raw, ...(edgeOf ? { edgeOf } : {}) }, RELAY_TIMEOUT_MS);
      } catch (err) {
        if (!(err instanceof NodeLostError)) throw err;
        this.#nodes = this.#nodes.filter((n) => n.nodeId !== target);
        continue;
      }
      if (isMoved(answer)) continue;
      if (!isError(answer)) {
        // A socket is in one lesson at a time.
        if (previous && previous.host !== target) this.#leaveRemote(socket, actor);
        this.#service.leave(socket);
        this.#forwarded.set(socket.id, { host: target, sessionId });
      }
      return answer;
    }
    return unavailable('No server could take this lesson; try again in a moment');
  }

  #leaveRemote(socket: Socket, actor: Actor): void {
    const f = this.#forwarded.get(socket.id);
    if (!f) return;
    this.#forwarded.delete(socket.id);
    void this.#relay.call(f.host, { socketId: socket.id, actor, name: 'leave', raw: {} }, RELAY_TIMEOUT_MS).catch(() => undefined);
  }

  /**
   * The node hosting a lesson: the lease holder if it is alive, else the placement's choice (N-PLACEMENT).
   * This node counts with its load of now: its registration may have lapsed on a stalled machine
   * (it is renewed at the next heartbeat), which must not make it refuse the join it answers.
   */
  async #hostFor(sessionId: string): Promise<string> {
    const [holder, registered] = await answeredInTime(Promise.all([this.#registry.holder(sessionId), this.#registry.nodes()]));
    const nodes = (this.#nodes = this.#withSelf(registered));
    if (holder && nodes.some((n) => n.nodeId === holder)) return holder;
    // N-REDIS-RETURN: a lesson whose room is here takes its lease again here, not a second room elsewhere;
    // one hosted elsewhere may not have its lease taken again yet, and the client tries again in a moment.
    if (this.#hosted().includes(sessionId)) return this.#claim(sessionId);
    if (this.#settling) throw new ClusterUnreachableError();
    const target = placeLesson(nodes, this.nodeId);
    if (!target) throw new LiveError('media_unavailable', 'Every media server is full or draining; try again in a moment');
    if (target.nodeId !== this.nodeId) return target.nodeId;
    return this.#claim(sessionId);
  }

  /**
   * N-EDGE: where a join goes when the lesson's host has no room left: a receiver (it
   * publishes nothing: a classroom of a master-teacher lesson, a patrol, an invited
   * teacher) to an edge node with room; null: to the host (also when no edge has room).
   */
  async #edgeFor(sessionId: string, host: string, actor: Actor): Promise<string | null> {
    const nodes = this.#withSelf(this.#nodes);
    const hostLoad = nodes.find((n) => n.nodeId === host);
    if (!hostLoad || !hostFull(hostLoad)) return null;
    try {
      const { session, role } = await this.#service.sessionFor(sessionId, actor);
      if (role === 'host' || permissionsFor(session, role, actor.role).publish.length > 0) return null;
    } catch {
      // Not a participant: the host answers why.
      return null;
    }
    return placeEdge(nodes, host, sessionId, this.nodeId)?.nodeId ?? null;
  }

  /** Before a join runs here: as an edge of `edgeOf`'s lesson, or as its host (an edge room left from a host now gone is closed first). */
  async #prepare(sessionId: string, edgeOf: string | undefined): Promise<void> {
    if (edgeOf) await this.#edges.ensure(sessionId, edgeOf);
    else if (this.#edges.has(sessionId)) await this.#edges.close(sessionId, null);
  }


  /** The registered nodes with this one as it is now (N-PLACEMENT counts the answering node's fresh load). */
  #withSelf(registered: readonly NodeLoad[]): NodeLoad[] {
    return [...registered.filter((n) => n.nodeId !== this.nodeId), this.load()];
  }

  async #claim(sessionId: string): Promise<string> {
    const holder = await answeredInTime(this.#registry.claim(sessionId));
    if (holder === this.nodeId && !this.#service.rooms.has(sessionId) && !this.#claims.has(sessionId)) this.#claims.set(sessionId, { at: Date.now(), joins: 0 });
    return holder;
  }

  /** Runs a join of a lesson this node holds the lease of; the lease is renewed while it runs (N-HOST-LEASE). */
  async #joining<T>(sessionId: string, join: () => Promise<T>): Promise<T> {
    const claim = this.#claims.get(sessionId);
    if (claim) claim.joins++;
    try {
      return await join();
    } finally {
      if (claim) {
        claim.joins--;
        claim.at = Date.now();
      }
    }
  }

  socketGone(socket: Socket): void {
    const f = this.#forwarded.get(socket.id);
    if (!f) return;
    this.#forwarded.delete(socket.id);
    this.#relay.gone(f.host, socket.id);
  }

  // ---- the hosting node ---------------------------------------------------------------------

  async #relayed(req: RelayedRequest): Promise<unknown> {
    if (req.name === 'join') {
      const parsed = liveRequests.join.request.safeParse(req.raw ?? {});
      if (parsed.success) {
        const id = parsed.data.sessionId;
        if (req.edgeOf && (this.#draining || this.#closed)) return MOVED;
        if (!req.edgeOf) {
          // A draining node keeps what it hosts until it is moved, and takes nothing new (N-DRAIN).
          const holder = this.#draining || this.#closed ? await this.#registry.holder(id) : await this.#claim(id);
          if (holder !== this.nodeId) return MOVED;
        }
        try {
          await this.#prepare(id, req.edgeOf);
        } catch (err) {
          if (err instanceof LiveError) return err.body;
          throw err;
        }
      }
    }
    const key = remoteKey(req.from, req.socketId);
    const remote = this.#remotes.get(key) ?? new RemoteSocket(req.socketId, req.from, this.#relay);
    this.#remotes.set(key, remote);
    const answering = () => (req.name === 'join' ? null : this.#toolOnHost(remote.socket, req.name, req.raw)) ?? answerLiveRequest(remote.socket, req.actor, this.#service, req.name, req.raw);
    const sessionId = req.name === 'join' ? liveRequests.join.request.safeParse(req.raw ?? {}).data?.sessionId : undefined;
    const answer = await (sessionId ? this.#joining(sessionId, answering) : answering());
    if (!this.#service.bindingOf(remote.socket)) this.#remotes.delete(key);
    return answer;
  }

  /** A class tool's request of a participant of one of this node's edge rooms: its binding and the lesson's host; null: not such a request. */
  #edgeToolRequest(socket: Socket, name: string): { b: { room: LiveRoom; peer: Participant }; host: string } | null {
    if (!TOOL_REQUESTS.has(name)) return null;
    const b = this.#service.bindingOf(socket);
    const host = b && this.#edges.hostOfRoom(b.room);
    return b && host ? { b, host } : null;
  }

  /**
   * N-EDGE-TOOLS: a class tool's request of a participant of an edge room here is run by the
   * lesson's host (after the host heard of the participant); null: not such a request.
   */
  #toolOnHost(socket: Socket, name: string, raw: unknown): Promise<unknown> | null {
    const request = this.#edgeToolRequest(socket, name);
    if (!request) return null;
    const { b, host } = request;
    const message: EdgeToHost = { type: 'tool', sessionId: b.room.sessionId, peerId: b.peer.peerId, name, raw };
    return this.#edges
      .reported(b.room)
      .then(() => this.#relay.callEdge(host, message, RELAY_TIMEOUT_MS))
      .catch((err: unknown) => {
        if (err instanceof NodeLostError) return unavailable('The server hosting this lesson is gone; the lesson moves to another one');
        throw err;
      });
  }

  /** A participant's room closed under it without a verdict: it joins again (client/src/media/policy.ts). */
  #rejoin(socket: Socket): void {
    socket.emit(MOVED_NOTIFICATION, { at: new Date().toISOString() });
    if (socket instanceof RemoteSocket) this.#remotes.delete(remoteKey(socket.nodeId, socket.id));
  }

  // ---- edges (N-EDGE) ------------------------------------------------------------------------

  async #edgeMessage(from: string, m: unknown): Promise<unknown> {
    if (!isEdgeMessage(m)) return { error: { code: 'validation', message: 'not a host–edge message' } };
    switch (m.type) {
      case 'open':
        return this.#openLink(from, m.sessionId, m.endpoint);
      case 'peer':
        this.#links.get(m.sessionId)?.get(from)?.peer(m.peer, m.state, m.at);
        return {};
      case 'tool': {
        // N-EDGE-TOOLS: run as the edge participant's mirror in this room, by the same signaling table.
        const socket = TOOL_REQUESTS.has(m.name) ? this.#links.get(m.sessionId)?.get(from)?.socketOf(m.peerId) : null;
        const b = socket && this.#service.bindingOf(socket);
        if (!socket || !b) return { error: { code: 'not_joined', message: 'Join the session first' } };
        return answerLiveRequest(socket, b.peer.actor, this.#service, m.name, m.raw);
      }
      case 'peerLeft':
        this.#links.get(m.sessionId)?.get(from)?.peerLeft(m.peerId);
        return {};
      case 'closed':
        this.#links.get(m.sessionId)?.get(from)?.close(null, false);
        return {};
      case 'end':
        try {
          return await this.#service.endSession(m.sessionId, m.cause, m.byAccountId ? { accountId: m.byAccountId } : null);
        } catch (err) {
          if (err instanceof LiveError) return err.body;
          throw err;
        }
      default:
        return this.#edges.handle(from, m);
    }
  }

  /** N-EDGE-PIPE: an edge node opened a room for a lesson hosted here; its pipe gets every producer. */
  async #openLink(edgeNode: string, sessionId: string, endpoint: PipeEndpoint): Promise<Opened> {
    const room = this.#service.rooms.get(sessionId);
    if (!room || room.closed || this.#edges.has(sessionId) || this.#draining || this.#closed) return { refused: 'This node does not host the lesson' };
    this.#links.get(sessionId)?.get(edgeNode)?.close(null, false);
    const { link, opened } = await PipeLink.open({
      room,
      edgeNode,
      endpoint,
      relay: this.#relay,
      log: this.#log,
      bind: (socket, r, peerId) => this.#service.bindMirror(socket, r, peerId),
      onClose: (l) => {
        const links = this.#links.get(l.sessionId);
        if (links?.get(l.edgeNode) === l) links.delete(l.edgeNode);
        if (links?.size === 0) this.#links.delete(l.sessionId);
      },
    });
    if (!this.#links.has(sessionId)) this.#links.set(sessionId, new Map());
    this.#links.get(sessionId)!.set(edgeNode, link);
    this.#log.info({ sessionId, edge: edgeNode }, 'cluster: lesson piped to an edge node');
    return opened;
  }

  endOnHost(sessionId: string, cause: EndCause, by: Pick<Actor, 'accountId'> | null): Promise<Verdict> | null {
    const host = this.#edges.hostOf(sessionId);
    if (!host) return null;
    return this.#relay.callEdge(host, { type: 'end', sessionId, cause, byAccountId: by?.accountId ?? null }, EDGE_TIMEOUT_MS).then((answer) => {
      if (isError(answer)) {
        const { code, message } = (answer as { error: { code: string; message: string } }).error;
        throw new LiveError(code === 'not_live' || code === 'forbidden' ? code : 'media_unavailable', message);
      }
      return answer as Verdict;
    });
  }

  /** N-EDGE-HAND: the teacher's action on a participant of an edge room goes to that edge. */
  actOnEdge(sessionId: string, p: Participant, action: MirrorAction): Promise<void> {
    const link = p.edge && this.#links.get(sessionId)?.get(p.edge.node);
    if (!link) return Promise.reject(new LiveError('not_found', 'That participant is not in the room'));
    return link.act(p.peerId, action);
  }

  /**
   * N-LIVE-LIST: the lessons hosted here as their rooms are now, the others as their hosts last wrote
   * them with their leases (an edge room here is not the lesson's: its host's summary is). Redis not
   * answering: only what this node hosts.
   */
  async roomSummaries(sessionIds: readonly string[]): Promise<Map<string, RoomSummary>> {
    const out = new Map<string, RoomSummary>();
    const elsewhere: string[] = [];
    for (const id of sessionIds) {
      const room = this.#edges.has(id) ? undefined : this.#service.rooms.get(id);
      if (room && !room.closed) out.set(id, summaryOf(room));
      else elsewhere.push(id);
    }
    if (elsewhere.length === 0 || !this.#registry.reachable) return out;
    try {
      for (const [id, raw] of await answeredInTime(this.#registry.rooms(elsewhere))) {
        const summary = parseSummary(raw);
        if (summary) out.set(id, summary);
      }
    } catch (err) {
      this.#log.warn({ err }, 'cluster: reading the rooms of other nodes failed');
    }
    return out;
  }

  async ending(sessionId: string, at: Date): Promise<void> {
    await Promise.all([...(this.#links.get(sessionId)?.values() ?? [])].map((l) => l.ending(at)));
  }

  ended(sessionId: string, ended: NotificationOf<'sessionEnded'>): void {
    for (const l of [...(this.#links.get(sessionId)?.values() ?? [])]) l.close(ended);
    // LIVE-REJOIN-ENDED: any other node with a room of the lesson (one a participant's join again opened there while this
    // node was ending it, an edge room still opening when its host said `close`) closes it with the verdict.
    for (const n of this.#nodes) if (n.nodeId !== this.nodeId) this.#relay.ended(n.nodeId, sessionId, ended);
  }

  /**
   * Another node ended a lesson (LIVE-REJOIN-ENDED): a room of it here, an edge room or one
   * hosted (its lease taken while the host stalled), closes with the verdict — its participants
   * are told `sessionEnded`, their intervals end with the lesson — and a join of it here is refused.
   */
  async #endedElsewhere(sessionId: string, ended: NotificationOf<'sessionEnded'>): Promise<void> {
    if (this.#service.rooms.has(sessionId)) this.#service.evidence.closeWhere((e) => e.sessionId === sessionId, new Date(), 'session_ended');
    if (this.#edges.has(sessionId)) await this.#edges.close(sessionId, ended);
    await this.#service.endedElsewhere(sessionId, ended);
    // Its lease, if this node holds it, is given up (release() leaves another node's alone).
    this.#claims.delete(sessionId);
    await this.#registry.release(sessionId);
  }

  #remoteGone(key: string): void {
    const remote = this.#remotes.get(key);
    if (!remote) return;
    this.#remotes.delete(key);
    this.#service.socketGone(remote.socket);
  }

  // ---- heartbeat, failover, draining ------------------------------------------------------------

  /** N-NODE-LEASE, N-HOST-LEASE: this node's registration and its lessons' leases (hosted, or being opened), renewed. */
  async #beat(): Promise<void> {
    await this.#registry.announce(this.load());
    const hosted = this.#hosted();
    for (const id of hosted) this.#claims.delete(id);
    const opening = [...this.#claims.keys()];
    for (const id of await this.#registry.renew(opening)) {
      // Taken by another node while this one stalled: the join under way here ends in a room the next beat moves.
      if ((await this.#registry.claim(id)) !== this.nodeId) this.#claims.delete(id);
    }
    const rooms = new Map<string, string>();
    for (const id of hosted) {
      const room = this.#service.rooms.get(id);
      if (room && !room.closed) rooms.set(id, JSON.stringify(summaryOf(room)));
    }
    for (const id of await this.#registry.renew(hosted, rooms)) {
      // The lease lapsed (this node stalled) or another node took the lesson over: keep it only if it is free again.
      if ((await this.#registry.claim(id)) !== this.nodeId) void this.#move(id, 'lease lost').catch((err: unknown) => this.#log.warn({ err, sessionId: id }, 'cluster: moving a lesson failed'));
    }
  }

  /** Leases taken for nothing are given up; sockets relayed to a node that is gone, and remotes of one, are let go. */
  async #watch(): Promise<void> {
    for (const [id, claim] of this.#claims) {
      if (this.#service.rooms.has(id) || claim.joins > 0 || Date.now() - claim.at < this.#registry.leaseMs) continue;
      this.#claims.delete(id);
      await this.#registry.release(id);
    }
    this.#nodes = this.#withSelf(await this.#registry.nodes());
    // N-REDIS-RETURN: a node missing from the list may not have registered again yet.
    if (this.#settling) return;
    // N-NODE-GONE: a node whose relay channel lost its listener is dropped here, not one lease later.
    const alive = new Set(this.#nodes.map((n) => n.nodeId));
    // A join or request waiting on a node that is gone fails now (a join is placed again), not at its timeout.
    this.#relay.keepOnly(alive);
    const at = new Date().toISOString();
    for (const [socketId, f] of this.#forwarded) {
      if (alive.has(f.host) || this.#rejoining.has(socketId)) continue;
      // N-FAILOVER: the host is gone; the client joins again and is placed on a node alive.
      this.#forwarded.delete(socketId);
      this.#log.warn({ sessionId: f.sessionId, host: f.host }, 'cluster: the node hosting a lesson is gone');
      this.#io.sockets.sockets.get(socketId)?.emit(MOVED_NOTIFICATION, { at });
    }
    for (const [key, remote] of this.#remotes) {
      if (alive.has(remote.nodeId)) continue;
      this.#remotes.delete(key);
      this.#service.socketGone(remote.socket);
    }
    // N-EDGE-FAILOVER: pipes to edge nodes that are gone close; edge rooms of hosts that are gone close.
    for (const links of [...this.#links.values()]) for (const l of [...links.values()]) if (!alive.has(l.edgeNode)) l.close(null, false);
    await this.#edges.keepHosts(alive);
  }

  /**
   * Gives a hosted lesson up: its room closes here (its evidence intervals end: the gap is
   * a gap), the lease is released, and every participant is told to build its media
   * again — its next join places the lesson on another node.
   */
  async #move(sessionId: string, why: string): Promise<void> {
    const room = this.#service.rooms.get(sessionId);
    this.#claims.delete(sessionId);
    if (!room) return this.#registry.release(sessionId);
    this.#log.info({ sessionId, why }, 'cluster: moving a lesson off this node');
    const sockets = [...room.participants.values()].flatMap((p) => (p.socket ? [p.socket] : []));
    this.#service.rooms.delete(sessionId);
    // Redis unreachable: the lease lapses by itself; the room closes and its participants move all the same.
    if (this.#registry.reachable) await answeredInTime(this.#registry.release(sessionId)).catch(() => undefined);
    this.#service.evidence.closeWhere((e) => e.sessionId === sessionId, new Date(), 'media_rebuilt');
    await room.close(null);
    const at = new Date().toISOString();
    for (const s of sockets) {
      s.emit(MOVED_NOTIFICATION, { at });
      if (s instanceof RemoteSocket) this.#remotes.delete(remoteKey(s.nodeId, s.id));
    }
  }

  /**
   * N-DRAIN (SIGTERM): no new lesson comes here; each hosted lesson moves to another node
   * and this waits, at most CLUSTER_DRAIN_SECONDS, until they are hosted there.
   */
  async drain(): Promise<void> {
    if (this.#draining || this.#closed) return;
    this.#draining = true;
    // During a Redis outage (N-STOP-OUTAGE) nothing here asks Redis, or waits longer than REDIS_ANSWER_MS for it.
    if (this.#registry.reachable) await answeredInTime(this.#registry.announce(this.load())).catch(() => undefined);
    // Receivers of lessons hosted elsewhere join again and are placed on another node.
    await this.#edges.closeAll();
    const moved: string[] = [];
    for (const [id, room] of [...this.#service.rooms].filter(([id]) => !this.#edges.has(id))) {
      if ([...room.participants.values()].some((p) => p.socket && !p.mirror)) moved.push(id);
      await this.#move(id, 'draining');
    }
    const deadline = Date.now() + this.#options.drainSeconds * 1000;
    while (moved.length && Date.now() < deadline && this.#registry.reachable) {
      // Redis gone meanwhile (an outage, or this process closing): nothing more to wait for.
      const holders = await answeredInTime(Promise.all(moved.map((id) => this.#registry.holder(id)))).catch(() => null);
      if (!holders || holders.every((h) => h && h !== this.nodeId)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    this.#log.info({ lessons: moved.length }, 'cluster: drained');
  }

  /** Leaves the cluster: sockets relayed elsewhere are let go (their hosts keep them for the resume grace). */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.drain();
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await answeredInTime(Promise.all([this.#beating, this.#watching])).catch(() => undefined);
    for (const [socketId, f] of this.#forwarded) this.#relay.gone(f.host, socketId);
    this.#forwarded.clear();
    if (this.#registry.reachable) await answeredInTime(this.#registry.withdraw()).catch(() => undefined);
    this.#service.cluster = null;
    this.#relay.close();
  }
}
