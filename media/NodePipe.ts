import type { types } from 'mediasoup';
import { creatingTransport, InvalidMediaArgumentError, ProducerNotFoundError, RoomClosedError } from './errors.ts';
import type { PeerHost, ProducerEntry, RoomRouter, TransportEntry } from './internal.ts';
import { updateConsumerEntry, wrapMediasoupErrors } from './Peer.ts';
import { TypedEmitter } from './TypedEmitter.ts';
import { MEDIA_SOURCES, SOURCE_KIND, type MediaSource, type ProducerInfo } from './types.ts';

/** Where one end of a pipe receives RTP (the node's media address and a port of its range). */
export interface PipeEndpoint {
  readonly ip: string;
  readonly port: number;
}

/** A producer as it crosses a pipe: the sending end's pipe consumer, made a producer with the same id at the receiving end. */
export interface PipedProducer {
  readonly id: string;
  readonly peerId: string;
  readonly source: MediaSource;
  readonly kind: types.MediaKind;
  readonly rtpParameters: types.RtpParameters;
  readonly paused: boolean;
}

export interface NodePipeEvents extends Record<string, unknown[]> {
  /** The pipe closed (close(), or its room or router went away): every producer received through it is closed. */
  closed: [at: Date];
}

/**
 * One end of a PipeTransport between the same lesson's rooms on two nodes (mediasoup's
 * pipeToRouter across machines). The sending end (the host node) has a pipe consumer
 * per producer it sends; the receiving end (an edge node) has a producer of the same id,
 * listed by its room like any other, so its peers consume it with the same key-frame
 * requests (through the pipe's RTCP, limited by keyFrameRequestDelay at both ends) and
 * the same simulcast layer selection as within a node. RTX is on: the link between
 * nodes may lose packets. Closing the pipe closes what it received.
 */
export class NodePipe extends TypedEmitter<NodePipeEvents> {
  readonly #host: PeerHost;
  readonly #transport: types.PipeTransport;
  /** The transport as the room's producer entries refer to it. */
  readonly #entry: TransportEntry;
  readonly #sent = new Map<string, types.Consumer>();
  readonly #received = new Map<string, ProducerEntry>();
  #closed = false;

  private constructor(host: PeerHost, home: RoomRouter, transport: types.PipeTransport) {
    super();
    this.#host = host;
    this.#transport = transport;
    this.#entry = { peerId: '', transport, direction: 'send', home, reserve: 0, connected: false, producers: new Set(), consumers: new Set() };
    transport.observer.once('close', () => this.#onClose());
  }

  /** @internal use room.openPipe() */
  static async open(host: PeerHost): Promise<NodePipe> {
    await host.ready();
    const home = host.mainRouter();
    const transport = await creatingTransport(() => home.router.createPipeTransport({ listenInfo: host.pool.listenInfo('udp'), enableRtx: true, appData: { pipe: true } }));
    return new NodePipe(host, home, transport);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Where the other end sends to: the node's announced media address (else its listen address). */
  get local(): PipeEndpoint {
    return { ip: this.#transport.tuple.localAddress, port: this.#transport.tuple.localPort };
  }

  /** Ids of the producers received through this pipe. */
  get received(): string[] {
    return [...this.#received.keys()];
  }

  /** Ids of the producers sent through this pipe. */
  get sent(): string[] {
    return [...this.#sent.keys()];
  }

  async connect(remote: PipeEndpoint): Promise<void> {
    this.#assertOpen();
    if (!remote || typeof remote.ip !== 'string' || !Number.isInteger(remote.port) || remote.port < 1 || remote.port > 65535) {
      throw new InvalidMediaArgumentError('a pipe connects to { ip, port } with a valid port');
    }
    await wrapMediasoupErrors(() => this.#transport.connect({ ip: remote.ip, port: remote.port }));
    this.#entry.connected = true;
  }

  // ── the sending end ─────────────────────────────────────────────────────

  /** Sends a producer of this room through the pipe; what the other end passes to receive(). */
  async send(producerId: string): Promise<PipedProducer> {
    this.#assertOpen();
    const pe = this.#host.findProducer(producerId);
    if (!pe) throw new ProducerNotFoundError(producerId);
    let consumer = this.#sent.get(producerId);
    if (!consumer) {
      consumer = await this.#transport.consume({ producerId, appData: { pipe: true } });
      const c = consumer;
      this.#sent.set(producerId, c);
      c.observer.once('close', () => {
        if (this.#sent.get(producerId) === c) this.#sent.delete(producerId);
      });
    }
    return { id: producerId, peerId: pe.peerId, source: pe.source, kind: consumer.kind, rtpParameters: consumer.rtpParameters, paused: consumer.producerPaused };
  }

  /** Stops sending a producer (the other end is told to drop() it). */
  stopSending(producerId: string): void {
    this.#sent.get(producerId)?.close();
  }

  // ── the receiving end ───────────────────────────────────────────────────

  /** A producer of the other node becomes a producer of this room (`newproducer`); its consumers here are fed through the pipe. */
  async receive(piped: PipedProducer): Promise<ProducerInfo> {
    this.#assertOpen();
    if (!piped || typeof piped.id !== 'string' || !MEDIA_SOURCES.includes(piped.source) || SOURCE_KIND[piped.source] !== piped.kind) {
      throw new InvalidMediaArgumentError('a piped producer needs an id and a source matching its kind');
    }
    const known = this.#received.get(piped.id);
    if (known) return info(known);
    const producer = await wrapMediasoupErrors(() =>
      this.#transport.produce({
        id: piped.id,
        kind: piped.kind,
        rtpParameters: piped.rtpParameters,
        paused: piped.paused,
        ...(piped.kind === 'video' ? { keyFrameRequestDelay: this.#host.settings.keyFrameRequestDelayMs } : {}),
        appData: { peerId: piped.peerId, source: piped.source, pipe: true },
      }),
    );
    if (this.#closed) {
      producer.close();
      throw new RoomClosedError(this.#host.roomId);
    }
    const pe: ProducerEntry = { peerId: piped.peerId, source: piped.source, producer, transport: this.#entry, live: !producer.paused, consumers: new Set() };
    this.#received.set(producer.id, pe);
    this.#entry.producers.add(pe);
    const changed = (event: 'producerpaused' | 'producerresumed') => {
      this.#update(pe);
      this.#host.emit(event, pe.peerId, pe.source, producer.id, new Date());
    };
    producer.observer.on('pause', () => changed('producerpaused'));
    producer.observer.on('resume', () => changed('producerresumed'));
    producer.observer.once('close', () => {
      this.#update(pe);
      this.#received.delete(producer.id);
      this.#entry.producers.delete(pe);
      this.#host.producerRemoved(pe);
      this.#host.emit('producerclosed', pe.peerId, pe.source, producer.id, new Date());
    });
    this.#host.producerAdded(pe);
    const result = info(pe);
    this.#host.emit('newproducer', result, new Date());
    return result;
  }

  /** The producer paused or resumed on the node it comes from. */
  async setPaused(producerId: string, paused: boolean): Promise<void> {
    const pe = this.#received.get(producerId);
    if (!pe) throw new ProducerNotFoundError(producerId);
    if (paused) await pe.producer.pause();
    else await pe.producer.resume();
  }

  /** The producer closed on the node it comes from. */
  drop(producerId: string): void {
    this.#received.get(producerId)?.producer.close();
  }

  /** Closes the pipe and every producer it received (`producerclosed` for each), then `closed`. */
  close(): void {
    this.#transport.close();
  }

  /** Publishing of a received producer: not paused, not closed (it is published on the other node; no publishing events here). */
  #update(pe: ProducerEntry): void {
    const live = !pe.producer.closed && !pe.producer.paused && !this.#transport.closed;
    if (live === pe.live) return;
    pe.live = live;
    const at = new Date();
    for (const ce of [...pe.consumers]) updateConsumerEntry(ce, this.#host, at);
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#entry.connected = false;
    this.emit('closed', new Date());
    this.removeAllListeners();
  }

  #assertOpen(): void {
    if (this.#closed) throw new RoomClosedError(this.#host.roomId);
  }
}

function info(pe: ProducerEntry): ProducerInfo {
  return { id: pe.producer.id, peerId: pe.peerId, source: pe.source, kind: pe.producer.kind, type: pe.producer.type, paused: pe.producer.paused };
}
