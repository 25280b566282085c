import type { Socket } from 'socket.io';
import type { NodePipe, PipeEndpoint, ProducerInfo, RoomEvents } from '../../media/index.ts';
import type { NotificationOf } from '../../shared/signaling/protocol.ts';
import { LiveError } from '../live/errors.ts';
import type { LiveRoom, MirrorAction, MirrorState } from '../live/LiveRoom.ts';
import type { Logger } from '../log.ts';
import { EDGE_TIMEOUT_MS, mirrorOf, type HostToEdge, type MirrorPeer, type Opened, type PipedFrom } from './edgeProtocol.ts';
import { MirrorSocket, type SocketAt } from './MirrorSocket.ts';
import { NodeLostError, type SignalingRelay } from './SignalingRelay.ts';

type Listener<K extends keyof RoomEvents> = (...args: RoomEvents[K]) => void;

/**
 * N-EDGE-PIPE, the host's side: one edge node's link to a lesson hosted here. Every
 * producer of the host's room goes through the pipe, and its changes (new, paused,
 * resumed, closed) follow as messages, in order; the room closing closes the link.
 * The edge room's own participants are listed in the host's room as mirrors while the
 * link lasts (N-EDGE-ROSTER), and the teacher's actions on them go to the edge (N-EDGE-HAND).
 */
export class PipeLink {
  readonly sessionId: string;
  readonly edgeNode: string;
  readonly #room: LiveRoom;
  readonly #pipe: NodePipe;
  readonly #relay: SignalingRelay;
  readonly #log: Logger;
  readonly #onClose: (link: PipeLink) => void;
  /** Binds an edge participant's stand-in socket to its mirror in the host's room (N-EDGE-TOOLS). */
  readonly #bind: (socket: Socket, room: LiveRoom, peerId: string) => void;
  /** The stand-in sockets of the edge room's participants, by peer id. */
  readonly #sockets = new Map<string, MirrorSocket>();
  /** Messages go one after the other: a pause never overtakes the producer it pauses. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #listeners: [keyof RoomEvents & string, (...args: never[]) => void][] = [];
  #closed = false;

  private constructor(
    room: LiveRoom,
    edgeNode: string,
    pipe: NodePipe,
    relay: SignalingRelay,
    log: Logger,
    onClose: (link: PipeLink) => void,
    bind: (socket: Socket, room: LiveRoom, peerId: string) => void,
  ) {
    this.sessionId = room.sessionId;
    this.edgeNode = edgeNode;
    this.#room = room;
    this.#pipe = pipe;
    this.#relay = relay;
    this.#log = log;
    this.#onClose = onClose;
    this.#bind = bind;
  }

  /** Connects a pipe of the host's room to the edge's end and sends every producer: the answer to the edge's `open`. */
  static async open(options: {
    room: LiveRoom;
    edgeNode: string;
    endpoint: PipeEndpoint;
    relay: SignalingRelay;
    log: Logger;
    onClose: (link: PipeLink) => void;
    bind: (socket: Socket, room: LiveRoom, peerId: string) => void;
  }): Promise<{ link: PipeLink; opened: Opened }> {
    const { room } = options;
    const pipe = await room.media.openPipe();
    const link = new PipeLink(room, options.edgeNode, pipe, options.relay, options.log, options.onClose, options.bind);
    try {
      await pipe.connect(options.endpoint);
      link.#wire();
      const producers: PipedFrom[] = [];
      for (const info of room.media.listProducers()) {
        const piped = await link.#piped(info);
        if (piped) producers.push(piped);
      }
      return { link, opened: { endpoint: pipe.local, producers } };
    } catch (err) {
      link.close(null, false);
      throw err;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Pipe consumers feeding the edge: each costs this node egress as a participant's consumer does (N-PLACEMENT-PIPES). */
  get sending(): number {
    return this.#closed ? 0 : this.#pipe.sent.length;
  }

  /** N-EDGE-ROSTER: a participant of the edge room joined or changed; the host's room lists it. */
  peer(peer: MirrorPeer, state: MirrorState, at: SocketAt | null): void {
    if (this.#closed || this.#room.closed || this.#room.replacedOnEdge.has(peer.peerId)) return;
    const known = this.#room.participants.get(peer.peerId);
    if (known && known.edge?.node !== this.edgeNode) return;
    if (known) {
      const socket = this.#sockets.get(peer.peerId);
      if (socket) socket.at = at;
      this.#room.updateMirror(known, state);
      return;
    }
    const socket = new MirrorSocket(`edge:${this.edgeNode}:${peer.peerId}`, this.#relay, at);
    this.#sockets.set(peer.peerId, socket);
    this.#room.mirror(peer, { node: this.edgeNode, state, socket: socket.socket });
    this.#bind(socket.socket, this.#room, peer.peerId);
  }

  /** A participant of the edge room left it. */
  peerLeft(peerId: string): void {
    this.#sockets.delete(peerId);
    if (this.#room.participants.get(peerId)?.edge?.node === this.edgeNode) this.#room.remove(peerId);
  }

  /** The stand-in socket of an edge participant listed here: its class tools' requests run as it (N-EDGE-TOOLS). */
  socketOf(peerId: string): Socket | null {
    return this.#closed ? null : (this.#sockets.get(peerId)?.socket ?? null);
  }

  /** N-EDGE-HAND: the teacher's action on an edge participant, done by the edge node (its state comes back as `peer`). */
  async act(peerId: string, action: MirrorAction): Promise<void> {
    if (this.#closed) throw new LiveError('not_found', 'That participant is not in the room');
    let answer: unknown;
    try {
      answer = await this.#relay.callEdge(this.edgeNode, { type: 'act', sessionId: this.sessionId, peerId, action } satisfies HostToEdge, EDGE_TIMEOUT_MS);
    } catch (err) {
      if (!(err instanceof NodeLostError)) throw err;
      this.close(null, false);
      throw new LiveError('media_unavailable', 'The server carrying this participant is gone; it joins again');
    }
    if (typeof answer === 'object' && answer !== null && 'error' in answer) {
      const { code, message } = (answer as { error: { code: string; message: string } }).error;
      throw new LiveError(code === 'not_found' || code === 'validation' || code === 'forbidden' ? code : 'media_unavailable', message);
    }
  }

  async #piped(info: ProducerInfo): Promise<PipedFrom | null> {
    const p = this.#room.participants.get(info.peerId);
    if (!p) return null;
    try {
      return { producer: await this.#pipe.send(info.id), peer: mirrorOf(p) };
    } catch (err) {
      // The producer closed meanwhile: nothing to send.
      this.#log.debug({ err, producerId: info.id }, 'cluster: producer not piped');
      return null;
    }
  }

  #on<K extends keyof RoomEvents & string>(event: K, listener: Listener<K>): void {
    this.#room.media.on(event, listener);
    this.#listeners.push([event, listener as (...args: never[]) => void]);
  }

  #wire(): void {
    this.#on('newproducer', (info) =>
      this.#send(async () => {
        const piped = await this.#piped(info);
        return piped ? { type: 'producer', sessionId: this.sessionId, ...piped } : null;
      }),
    );
    this.#on('producerpaused', (_peer, _source, producerId) => this.#send(async () => ({ type: 'paused', sessionId: this.sessionId, producerId, paused: true })));
    this.#on('producerresumed', (_peer, _source, producerId) => this.#send(async () => ({ type: 'paused', sessionId: this.sessionId, producerId, paused: false })));
    this.#on('producerclosed', (_peer, _source, producerId) => {
      this.#pipe.stopSending(producerId);
      this.#send(async () => ({ type: 'producerClosed', sessionId: this.sessionId, producerId }));
    });
    // The host's room closed without a verdict (moved, lost, shut down): the edge's receivers join again.
    this.#on('closed', () => this.close(null));
    this.#pipe.once('closed', () => this.close(null));
  }

  #send(message: () => Promise<HostToEdge | null>): void {
    if (this.#closed) return;
    this.#queue = this.#queue
      .then(async () => {
        const m = await message();
        if (m && !this.#closed) await this.#relay.callEdge(this.edgeNode, m, EDGE_TIMEOUT_MS);
      })
      .catch((err: unknown) => {
        if (err instanceof NodeLostError) this.close(null, false);
        else this.#log.warn({ err, sessionId: this.sessionId, edge: this.edgeNode }, 'cluster: telling an edge node failed');
      });
  }

  /** N-EDGE-CLOSE: the edge closes its evidence of the lesson at `at` and writes it; resolves when it did (or is gone). */
  async ending(at: Date): Promise<void> {
    if (this.#closed) return;
    await this.#queue;
    await this.#relay.callEdge(this.edgeNode, { type: 'ending', sessionId: this.sessionId, at: at.toISOString() } satisfies HostToEdge, EDGE_TIMEOUT_MS).catch((err: unknown) => {
      this.#log.warn({ err, sessionId: this.sessionId, edge: this.edgeNode }, 'cluster: an edge node did not close its evidence');
    });
  }

  /** Closes the link: the edge is told (with the verdict when the lesson ended) unless it is gone. */
  close(ended: NotificationOf<'sessionEnded'> | null, tell = true): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [event, listener] of this.#listeners) this.#room.media.off(event, listener as never);
    this.#listeners.length = 0;
    this.#pipe.close();
    // Its participants leave the host's list (they join again, or the lesson ended).
    if (!ended && !this.#room.closed) for (const p of [...this.#room.participants.values()]) if (p.edge?.node === this.edgeNode) this.#room.remove(p.peerId);
    this.#sockets.clear();
    if (tell) {
      const m: HostToEdge = { type: 'close', sessionId: this.sessionId, ended };
      void this.#queue.then(() => this.#relay.callEdge(this.edgeNode, m, EDGE_TIMEOUT_MS)).catch(() => undefined);
    }
    this.#onClose(this);
  }
}
