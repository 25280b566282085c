import type { Socket } from 'socket.io';
import type { NodePipe } from '../../media/index.ts';
import type { NotificationOf } from '../../shared/signaling/protocol.ts';
import { LiveError } from '../live/errors.ts';
import type { LiveRoom, MirrorAction, Participant, RosterWatcher } from '../live/LiveRoom.ts';
import type { LiveService } from '../live/service.ts';
import type { Logger } from '../log.ts';
import { EDGE_TIMEOUT_MS, mirrorOf, mirrorStateOf, type EdgeToHost, type HostToEdge, type Opened, type PipedFrom } from './edgeProtocol.ts';
import type { SocketAt } from './MirrorSocket.ts';
import { RemoteSocket } from './RemoteSocket.ts';
import type { SignalingRelay } from './SignalingRelay.ts';

/** A lesson's room on this node while another node hosts it: it only receives, through `pipe`. */
interface EdgeRoom {
  readonly sessionId: string;
  /** The node hosting the lesson. */
  readonly host: string;
  readonly room: LiveRoom;
  readonly pipe: NodePipe;
  /** Reports its participants to the host (N-EDGE-ROSTER). */
  readonly watcher: RosterWatcher;
  /** What it tells the host goes one message after the other: a hand never overtakes the join it belongs to. */
  reports: Promise<unknown>;
}

/**
 * N-EDGE: the rooms this node keeps for lessons other nodes host, for receivers the
 * host had no room for. Each is an ordinary LiveRoom (its participants join, consume
 * and leave evidence as on the host: N-EDGE-EVIDENCE) whose media room receives the
 * host's producers through a NodePipe (N-EDGE-PIPE); the host's publishers are in it
 * as mirrors. It closes when the host says so, or when the host is gone (N-EDGE-CLOSE,
 * N-EDGE-FAILOVER).
 */
export class EdgeRooms {
  readonly #service: LiveService;
  readonly #relay: SignalingRelay;
  readonly #log: Logger;
  /** A participant's socket whose room closed under it: told to join again. */
  readonly #rejoin: (socket: Socket) => void;
  readonly #rooms = new Map<string, EdgeRoom>();
  readonly #opening = new Map<string, Promise<EdgeRoom>>();

  constructor(options: { service: LiveService; relay: SignalingRelay; log: Logger; rejoin: (socket: Socket) => void }) {
    this.#service = options.service;
    this.#relay = options.relay;
    this.#log = options.log;
    this.#rejoin = options.rejoin;
  }

  has(sessionId: string): boolean {
    return this.#rooms.has(sessionId) || this.#opening.has(sessionId);
  }

  /** The lessons this node is an edge of (reported on its heartbeat: N-NODE-LOAD). */
  get sessions(): string[] {
    return [...new Set([...this.#rooms.keys(), ...this.#opening.keys()])];
  }

  hostOf(sessionId: string): string | undefined {
    return this.#rooms.get(sessionId)?.host;
  }

  /** The lesson's edge room here, opened (and its pipe connected to `host`) on first use. */
  async ensure(sessionId: string, host: string): Promise<LiveRoom> {
    const open = this.#rooms.get(sessionId);
    if (open && open.host === host && !open.pipe.closed && !open.room.closed) return open.room;
    if (open) {
      await this.close(sessionId, null);
      // The host hears the old room closed before the new one opens (N-EDGE-ROSTER): its `closed` never closes the new link.
      await open.reports;
    }
    let opening = this.#opening.get(sessionId);
    if (!opening) {
      opening = this.#open(sessionId, host).finally(() => this.#opening.delete(sessionId));
      this.#opening.set(sessionId, opening);
    }
    return (await opening).room;
  }

  async #open(sessionId: string, host: string): Promise<EdgeRoom> {
    const session = await this.#service.directory.get(sessionId);
    if (!session || session.status !== 'live') throw new LiveError('not_live', 'The session is not live');
    // This node has a room of its own for the lesson (it hosted it a moment ago): not an edge of it.
    if (this.#service.rooms.has(sessionId)) throw new LiveError('media_unavailable', 'The servers disagree where this lesson is; try again in a moment');
    const room = await this.#service.openRoom(session);
    let pipe: NodePipe | null = null;
    try {
      pipe = await room.media.openPipe();
      const answer = (await this.#relay.callEdge(host, { type: 'open', sessionId, endpoint: pipe.local }, EDGE_TIMEOUT_MS)) as Opened | { error: { message: string } };
      if ('error' in answer) throw new LiveError('media_unavailable', answer.error.message);
      if ('refused' in answer) throw new LiveError('media_unavailable', answer.refused);
      await pipe.connect(answer.endpoint);
      // N-EDGE-ROSTER: the host lists this room's own participants (not the host's mirrored here).
      const watcher: RosterWatcher = (p, left) => {
        if (p.mirror) return;
        this.#report(edge, left ? { type: 'peerLeft', sessionId, peerId: p.peerId } : { type: 'peer', sessionId, peer: mirrorOf(p), state: mirrorStateOf(room, p), at: this.#socketAt(p) });
      };
      const edge: EdgeRoom = { sessionId, host, room, pipe, watcher, reports: Promise.resolve() };
      room.watchers.add(watcher);
      this.#rooms.set(sessionId, edge);
      pipe.once('closed', () => void this.close(sessionId, null));
      for (const piped of answer.producers) await this.#receive(edge, piped);
      this.#log.info({ sessionId, host }, 'cluster: edge room opened');
      return edge;
    } catch (err) {
      this.#rooms.delete(sessionId);
      pipe?.close();
      if (this.#service.rooms.get(sessionId) === room) this.#service.rooms.delete(sessionId);
      await room.close(null);
      throw err;
    }
  }

  /** Where a participant's real socket is: here, or on the node that relays it here (N-EDGE-TOOLS). */
  #socketAt(p: Participant): SocketAt | null {
    if (!p.socket) return null;
    if (p.socket instanceof RemoteSocket) return { node: p.socket.nodeId, id: p.socket.id };
    return { node: this.#relay.nodeId, id: p.socket.id };
  }

  /** The node hosting the lesson of `room`, if `room` is one of this node's edge rooms. */
  hostOfRoom(room: LiveRoom): string | undefined {
    const edge = this.#rooms.get(room.sessionId);
    return edge?.room === room ? edge.host : undefined;
  }

  /** Resolves once the host heard every report on `room`'s participants sent so far (a join before its first class tool request). */
  async reported(room: LiveRoom): Promise<void> {
    const edge = this.#rooms.get(room.sessionId);
    if (edge?.room === room) await edge.reports;
  }

  #report(edge: EdgeRoom, message: EdgeToHost): void {
    edge.reports = edge.reports
      .then(() => this.#relay.callEdge(edge.host, message, EDGE_TIMEOUT_MS))
      // The host gone or busy: its list is rebuilt when the receivers join again.
      .catch((err: unknown) => this.#log.debug({ err, sessionId: edge.sessionId, host: edge.host }, 'cluster: telling the host of an edge participant failed'));
  }

  /** N-EDGE-HAND: what the host's teacher does to one of this room's participants, done here (its evidence is written here). */
  async #act(edge: EdgeRoom, peerId: string, action: MirrorAction): Promise<object> {
    if ('removed' in action) {
      // N-EDGE-ONE-DEVICE: the same account joined elsewhere in the lesson (a patrol too, though nobody sees it).
      const p = edge.room.participants.get(peerId);
      if (p && !p.mirror) {
        edge.room.notify(p, 'removed', { reason: action.removed });
        edge.room.remove(p.peerId);
      }
      return {};
    }
    const p: Participant | undefined = edge.room.visibleParticipant(peerId);
    if (!p || p.mirror) return { error: { code: 'not_found', message: 'That participant is not in the room' } };
    if ('hand' in action) edge.room.setHand(p, false);
    else if ('muted' in action) await edge.room.setMuted(p, action.muted);
    else if (p.role === 'classroom') await edge.room.setAudioCourseware(p, action.audioCourseware);
    else return { error: { code: 'validation', message: 'Only a classroom follows the lesson by sound and courseware' } };
    return {};
  }

  async #receive(edge: EdgeRoom, { producer, peer }: PipedFrom): Promise<void> {
    edge.room.mirror(peer);
    await edge.pipe.receive(producer);
    this.#publishing(edge, peer.peerId);
  }

  /** A mirror shows what its host node publishes; one that publishes nothing any more leaves. */
  #publishing(edge: EdgeRoom, peerId: string): void {
    const p = edge.room.participants.get(peerId);
    if (!p?.mirror) return;
    const theirs = edge.room.media.closed ? [] : edge.room.media.listProducers().filter((x) => x.peerId === peerId);
    if (theirs.length === 0) edge.room.remove(peerId);
    else edge.room.setPublishing(p, theirs.filter((x) => !x.paused).map((x) => x.source));
  }

  /** A message of the host node (`from`); one about a room this node no longer has for that host is stale and ignored. */
  async handle(from: string, m: HostToEdge): Promise<object> {
    const edge = this.#rooms.get(m.sessionId);
    if (!edge || edge.host !== from) return {};
    const peerOf = (producerId: string) => edge.room.media.listProducers().find((x) => x.id === producerId)?.peerId;
    switch (m.type) {
      case 'producer':
        await this.#receive(edge, m);
        break;
      case 'paused': {
        const peerId = peerOf(m.producerId);
        await edge.pipe.setPaused(m.producerId, m.paused).catch(() => undefined);
        if (peerId) this.#publishing(edge, peerId);
        break;
      }
      case 'producerClosed': {
        const peerId = peerOf(m.producerId);
        edge.pipe.drop(m.producerId);
        if (peerId) this.#publishing(edge, peerId);
        break;
      }
      case 'ending': {
        // N-EDGE-CLOSE: the host judges once this node's evidence of the lesson is written.
        edge.room.ending = true;
        edge.room.settleActivity();
        this.#service.evidence.closeWhere((e) => e.sessionId === m.sessionId, new Date(m.at), 'session_ended');
        await this.#service.evidence.flush();
        break;
      }
      case 'close':
        await this.close(m.sessionId, m.ended, false);
        break;
      case 'act':
        try {
          return await this.#act(edge, m.peerId, m.action);
        } catch (err) {
          if (err instanceof LiveError) return { error: { code: err.code, message: err.message } };
          throw err;
        }
    }
    return {};
  }

  /**
   * Closes an edge room: with the verdict (the host ended the lesson: its participants
   * are told so), or without (the host moved or lost it, the pipe broke, this node
   * drains): its participants' intervals end `media_rebuilt` and they join again.
   * `tellHost`: the host did not ask for it and may still list the room's participants (N-EDGE-ROSTER).
   */
  async close(sessionId: string, ended: NotificationOf<'sessionEnded'> | null, tellHost = true): Promise<void> {
    const edge = this.#rooms.get(sessionId);
    if (!edge) return;
    this.#rooms.delete(sessionId);
    edge.room.watchers.delete(edge.watcher);
    if (tellHost && !ended) this.#report(edge, { type: 'closed', sessionId });
    if (this.#service.rooms.get(sessionId) === edge.room) this.#service.rooms.delete(sessionId);
    const sockets = [...edge.room.participants.values()].flatMap((p) => (p.socket ? [p.socket] : []));
    if (!ended) this.#service.evidence.closeWhere((e) => e.sessionId === sessionId, new Date(), 'media_rebuilt');
    await edge.room.close(ended);
    edge.pipe.close();
    this.#log.info({ sessionId, host: edge.host, ended: !!ended }, 'cluster: edge room closed');
    if (!ended) for (const s of sockets) this.#rejoin(s);
  }

  /** N-EDGE-FAILOVER: edge rooms of a host that is gone close; their receivers join again and are placed anew. */
  async keepHosts(alive: ReadonlySet<string>): Promise<void> {
    for (const edge of [...this.#rooms.values()]) if (!alive.has(edge.host)) await this.close(edge.sessionId, null, false);
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.#opening.values()]);
    for (const id of [...this.#rooms.keys()]) await this.close(id, null);
  }
}
