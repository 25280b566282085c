import { Device, type types } from 'mediasoup-client';
import type { MediaSource } from '../../../shared/schemas/live.ts';
import type { Direction, TransportOptions } from '../../../shared/signaling/live.ts';
import type { ResponseOf } from '../../../shared/signaling/protocol.ts';
import type { LiveContext } from './LiveContext.ts';
import { keepNegotiatedHeaderExtensions } from './publish.ts';

const settled = (t: types.Transport): boolean => t.connectionState === 'connected' || t.connectionState === 'new';

/**
 * mediasoup-client's Device and this participant's two transports (one per
 * direction): created through signaling, their ICE restarted, their state
 * changes reported to the recovery policy (`lost`, `wake` on the context).
 */
export class Transports {
  readonly #ctx: LiveContext;
  readonly #device = new Device();
  send: types.Transport | null = null;
  recv: types.Transport | null = null;
  #iceServers: RTCIceServer[] = [];
  #iceTransportPolicy: 'all' | 'relay' = 'all';
  /** The RTCRtpSender of the producer being created (its negotiated header extensions go to the server). */
  pendingSender: RTCRtpSender | undefined;

  constructor(ctx: LiveContext) {
    this.#ctx = ctx;
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.#device.rtpCapabilities;
  }

  /** Takes the join answer's ICE servers and policy, and loads the Device with the router's capabilities once. */
  async load(res: ResponseOf<'join'>): Promise<void> {
    this.#iceServers = res.iceServers as RTCIceServer[];
    this.#iceTransportPolicy = this.#ctx.options.iceTransportPolicy ?? res.iceTransportPolicy;
    if (!this.#device.loaded) await this.#device.load({ routerRtpCapabilities: res.routerRtpCapabilities as types.RtpCapabilities });
  }

  /** Whether the server still holds both transports (a resumed join) and there is a receive side to keep. */
  heldBy(transportIds: ReadonlySet<string>): boolean {
    return (!this.send || transportIds.has(this.send.id)) && (!this.recv || transportIds.has(this.recv.id)) && !!this.recv;
  }

  /**
   * Creates the transport of `direction` (replacing the old one at the server), or takes the
   * one the join already opened (`opened`).
   */
  async open(direction: Direction, opened?: TransportOptions): Promise<types.Transport> {
    const opts = opened ?? (await this.#ctx.signaling.request('createTransport', { direction }));
    const options: types.TransportOptions = {
      id: opts.id,
      iceParameters: opts.iceParameters as types.IceParameters,
      iceCandidates: opts.iceCandidates as types.IceCandidate[],
      dtlsParameters: opts.dtlsParameters as types.DtlsParameters,
      iceServers: this.#iceServers,
      iceTransportPolicy: this.#iceTransportPolicy,
    };
    const transport = direction === 'send' ? this.#device.createSendTransport(options) : this.#device.createRecvTransport(options);
    const signaling = this.#ctx.signaling;
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      signaling.request('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      keepNegotiatedHeaderExtensions(rtpParameters, this.pendingSender);
      const source = (appData as { source: MediaSource }).source;
      signaling.request('produce', { transportId: transport.id, kind, source, rtpParameters }).then(({ producerId }) => callback({ id: producerId }), errback);
    });
    transport.on('connectionstatechange', (state) => {
      if (transport.closed || this.#ctx.closed || (transport !== this.send && transport !== this.recv)) return;
      if (state === 'disconnected') this.#ctx.emit('lost', 'transport-disconnected');
      else if (state === 'failed') this.#ctx.emit('lost', 'transport-failed');
      else if (state === 'connected') this.#ctx.emit('wake');
    });
    if (direction === 'send') this.send = transport;
    else this.recv = transport;
    return transport;
  }

  /** Restarts ICE on every transport that is neither connected nor new. */
  async restartUnsettled(): Promise<void> {
    for (const t of [this.send, this.recv]) if (t && !t.closed && !settled(t)) await this.#restartIce(t);
  }

  async #restartIce(transport: types.Transport): Promise<void> {
    const { iceParameters } = await this.#ctx.signaling.request('restartIce', { transportId: transport.id });
    await transport.restartIce({ iceParameters: iceParameters as types.IceParameters });
  }

  /** Both transports (those that exist) are connected or still new. */
  healthy(): boolean {
    return [this.send, this.recv].every((t) => !t || (!t.closed && settled(t)));
  }

  /** The connection states of the open transports. */
  openStates(): types.ConnectionState[] {
    return [this.send, this.recv].filter((t): t is types.Transport => !!t && !t.closed).map((t) => t.connectionState);
  }

  close(): void {
    this.send?.close();
    this.recv?.close();
    this.send = null;
    this.recv = null;
  }

  /** Transport states (tests, diagnostics). */
  states(): { send: string | null; recv: string | null } {
    return { send: this.send?.connectionState ?? null, recv: this.recv?.connectionState ?? null };
  }

  /** The local ICE candidate type (host, srflx, relay) each transport's selected pair uses. */
  async candidateTypes(): Promise<{ send: string | null; recv: string | null }> {
    const typeOf = async (t: types.Transport | null): Promise<string | null> => {
      if (!t || t.closed) return null;
      const report = await t.getStats().catch(() => null);
      if (!report) return null;
      let localId: string | undefined;
      report.forEach((s: RTCIceCandidatePairStats) => {
        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') localId = s.localCandidateId;
      });
      let type: string | null = null;
      report.forEach((s: { type: string; id: string; candidateType?: string }) => {
        if (s.type === 'local-candidate' && s.id === localId) type = s.candidateType ?? null;
      });
      return type;
    };
    return { send: await typeOf(this.send), recv: await typeOf(this.recv) };
  }
}
