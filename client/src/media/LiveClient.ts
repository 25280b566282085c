import type { MediaSource } from '../../../shared/schemas/live.ts';
import { SignalingError, type ResponseOf } from '../../../shared/signaling/protocol.ts';
import { AudioCoursewareMode } from './AudioCoursewareMode.ts';
import { Bandwidth } from './Bandwidth.ts';
import { watchFirstFrame } from './firstFrame.ts';
import { LiveContext } from './LiveContext.ts';
import { initialView, type LiveClientOptions, type LiveView } from './LiveView.ts';
import { Publishing } from './Publishing.ts';
import { refusedRejoin } from './policy.ts';
import { initialLowBandwidth, type BandwidthChoice } from './quality.ts';
import { Receiving } from './Receiving.ts';
import { Recovery } from './Recovery.ts';
import { RoomState } from './RoomState.ts';
import { SignalingClient } from './signaling.ts';
import { Transports } from './Transports.ts';

export type { LiveClientOptions, LiveState, LiveView, RemoteMedia } from './LiveView.ts';

/** A session ends in one of these; `left` (this participant only) leaves its status alone. */
const ENDED_STATUSES = ['delivered', 'missed', 'cancelled'] as const;

/**
 * One participant's live session, the front of its parts: Transports (the
 * Device and the two transports), Receiving (consumers, remote tracks),
 * Publishing (devices, producers, simulcast), Bandwidth (stats, quality,
 * low-bandwidth mode), RoomState (peers, stage, hands, recording),
 * AudioCoursewareMode (a classroom's 仅声音和课件 on a weak link) and Recovery
 * (the policy of policy.ts after a network loss or a media worker's death).
 * UI code reads `view` (an immutable snapshot, replaced on every change) and
 * calls the action methods.
 */
export class LiveClient {
  readonly sessionId: string;
  readonly signaling: SignalingClient;
  readonly #ctx: LiveContext;
  readonly #transports: Transports;
  readonly #receiving: Receiving;
  readonly #publishing: Publishing;
  readonly #bandwidth: Bandwidth;
  readonly #room: RoomState;
  readonly #audioCourseware: AudioCoursewareMode;
  #stopFirstFrameWatch: (() => void) | null = null;
  #firstFrameMs: number | null = null;

  constructor(options: LiveClientOptions) {
    this.sessionId = options.sessionId;
    this.signaling = options.signaling ?? new SignalingClient();
    const lowBandwidth = initialLowBandwidth(options.bandwidth ?? (options.thumbnail ? 'low' : 'auto'));
    const ctx = (this.#ctx = new LiveContext(options, this.signaling, initialView(lowBandwidth)));
    const transports = (this.#transports = new Transports(ctx));
    const mode = () => this.#bandwidth.mode;
    const receiving = (this.#receiving = new Receiving(ctx, transports, mode));
    const publishing = (this.#publishing = new Publishing(ctx, transports, mode));
    this.#bandwidth = new Bandwidth(ctx, { transports, receiving, publishing }, lowBandwidth);
    this.#room = new RoomState(ctx);
    this.#audioCourseware = new AudioCoursewareMode(ctx, receiving);
    new Recovery(ctx, transports, {
      rejoin: () => this.#establish(true),
      rebuild: async () => {
        this.#teardownMedia(false);
        await this.#establish(true);
      },
      // LIVE-REJOIN-ENDED: a session over while this page was away ends with its verdict, as `sessionEnded` ends it.
      giveUp: (ended, reason) => this.#shutdown(ended ?? { status: 'ended', reason }),
    });
    const s = this.signaling;
    ctx.hold(
      s.on('mediaRebuilt', () => ctx.emit('lost', 'media-rebuilt')),
      s.on('sessionEnded', ({ status, reason, failed }) => this.#shutdown({ status, reason, failed })),
      s.onStatus((up) => {
        if (ctx.closed || ctx.view.state === 'idle' || ctx.view.state === 'joining') return;
        if (!up) ctx.emit('lost', 'signaling-lost');
        else ctx.emit('wake');
      }),
    );
  }

  // ---- what the UI reads -------------------------------------------------------

  get view(): LiveView {
    return this.#ctx.view;
  }

  subscribe(listener: () => void): () => void {
    return this.#ctx.on('change', () => listener());
  }

  /** Decoded-frame counts per remote video (tests and the diagnostics panel). */
  async inboundVideo(): Promise<{ peerId: string; source: MediaSource; framesDecoded: number; frameWidth: number; frameHeight: number }[]> {
    await this.#bandwidth.sample();
    return this.#receiving.inboundVideo(this.#bandwidth.decoded);
  }

  /** Transport states (tests, diagnostics). */
  transportStates(): { send: string | null; recv: string | null } {
    return this.#transports.states();
  }

  /** The local ICE candidate type (host, srflx, relay) each transport's selected pair uses. */
  candidateTypes(): Promise<{ send: string | null; recv: string | null }> {
    return this.#transports.candidateTypes();
  }

  /** The microphone's capture settings (echo cancellation, noise suppression, gain control) as the browser applied them. */
  microphoneSettings(): MediaTrackSettings | null {
    return this.#publishing.microphoneSettings();
  }

  // ---- lifecycle -----------------------------------------------------------------

  /** performance.now() when start() was called (join-to-first-frame measurements). */
  startedAt: number | null = null;

  /** Join-to-first-frame of this join in milliseconds (null until a remote video decoded a frame). */
  get firstFrameMs(): number | null {
    return this.#firstFrameMs;
  }

  async start(): Promise<void> {
    if (this.#ctx.view.state !== 'idle') return;
    this.startedAt = performance.now();
    performance.mark('live:start');
    this.#ctx.set({ state: 'joining', error: null });
    // Reported once per join over the live socket, for the server's join-to-first-frame histogram.
    this.#stopFirstFrameWatch = watchFirstFrame(this.#ctx.options.joinStartedAt ?? this.startedAt, () => this.#transports.recv, (ms) => {
      this.#firstFrameMs = ms;
      performance.mark('live:first-frame');
      // Only a metric: a refused or lost report (a rejoin past the account's limit, a dropped socket) changes nothing here.
      this.signaling.request('reportFirstFrame', { ms }).catch(() => undefined);
    });
    try {
      await this.signaling.whenAdmitted();
      performance.mark('live:admitted');
      await this.#ctx.exclusive(() => this.#establish(false));
      this.#ctx.set({ state: 'live' });
      this.#bandwidth.startSampling();
    } catch (err) {
      this.#stopFirstFrameWatch?.();
      // LIVE-REJOIN-ENDED: a page opened (or opened again) on a lesson that is over shows how it ended, not an error.
      const refused = err instanceof SignalingError && err.request === 'join' ? refusedRejoin(err.code, err.params) : null;
      if (refused?.kind === 'ended') return this.#shutdown(refused.ended);
      this.#fail(err);
      throw err;
    }
  }

  /** Leaves the room (the server closes this participant's intervals) and releases devices. */
  async leave(): Promise<void> {
    if (this.#ctx.closed) return;
    try {
      if (this.signaling.connected && this.#ctx.peer) await this.signaling.request('leave', {}, 3000);
    } catch {
      /* leaving anyway */
    }
    this.#shutdown({ status: 'left', reason: null });
  }

  async endSession(): Promise<ResponseOf<'endSession'>> {
    const verdict = await this.signaling.request('endSession', {}, 30_000);
    this.#shutdown({ status: verdict.status, reason: verdict.reason, failed: verdict.failed });
    return verdict;
  }

  #shutdown(ended: LiveView['ended']): void {
    const ctx = this.#ctx;
    if (ctx.closed) return;
    ctx.closed = true;
    this.#bandwidth.stopSampling();
    this.#stopFirstFrameWatch?.();
    this.#teardownMedia(true);
    ctx.release();
    ctx.emit('wake');
    this.signaling.close();
    // The session's own status follows its verdict (the page stops saying "live").
    const verdict = ENDED_STATUSES.find((x) => x === ended?.status) ?? null;
    const session = ctx.view.session && verdict ? { ...ctx.view.session, status: verdict } : ctx.view.session;
    ctx.set({ state: 'ended', ended, session, remote: [], local: { ...ctx.view.local, camera: null, screen: null, microphone: false } });
  }

  #fail(err: unknown): void {
    const e = err instanceof SignalingError ? { code: err.code, message: err.message } : { code: 'internal', message: err instanceof Error ? err.message : String(err) };
    this.#ctx.set({ state: this.#ctx.view.state === 'joining' ? 'error' : this.#ctx.view.state, error: e });
  }

  // ---- joining and (re)establishing media ---------------------------------------------

  async #establish(resume: boolean): Promise<void> {
    const ctx = this.#ctx;
    const resuming = resume && ctx.peer;
    const res = await this.signaling.request('join', {
      sessionId: this.sessionId,
      auto: !!ctx.options.auto,
      // A fresh join opens both transports with it (the server leaves out what this participant may not have).
      ...(resuming ? { resume: { peerId: resuming.peerId, token: resuming.resumeToken } } : { transports: ['recv', 'send'] }),
    });
    performance.mark('live:joined');
    ctx.peer = { peerId: res.peerId, resumeToken: res.resumeToken };
    this.#room.apply(res);
    await this.#transports.load(res);

    let keep = res.resumed && this.#transports.heldBy(new Set(res.held.transportIds));
    if (keep) {
      try {
        await this.#transports.restartUnsettled();
      } catch {
        keep = false;
      }
    }
    if (keep) await this.#publishing.keepHeld(res.held.producers);
    else {
      this.#teardownMedia(false);
      await this.#transports.open('recv', res.transports.recv);
    }
    await this.#bandwidth.tellServer();
    await this.#audioCourseware.tellServer();
    // Receiving first (a classroom must see and hear the lesson as soon as possible); the send side meanwhile.
    const sending = !this.#transports.send && res.permissions.publish.length ? this.#transports.open('send', res.transports.send).then(() => undefined) : Promise.resolve();
    await Promise.all([this.#receiving.consumeAll(), sending]);
    await this.#publishing.publishWanted();
    await this.#room.restore();
  }

  /** Closes local media objects; `stopTracks` also releases camera, microphone and screen. */
  #teardownMedia(stopTracks: boolean): void {
    this.#publishing.closeAll();
    this.#receiving.closeAll();
    this.#transports.close();
    if (stopTracks) this.#publishing.stopTracks();
    this.#receiving.refresh();
  }

  // ---- actions --------------------------------------------------------------------------

  setCamera(on: boolean): Promise<void> {
    return this.#publishing.setCamera(on);
  }

  setMicrophone(on: boolean): Promise<void> {
    return this.#publishing.setMicrophone(on);
  }

  setScreen(on: boolean): Promise<void> {
    return this.#publishing.setScreen(on);
  }

  setBandwidth(choice: BandwidthChoice): Promise<void> {
    return this.#bandwidth.choose(choice);
  }

  /** A classroom: enter or leave the audio-and-courseware mode (仅声音和课件); accepting the offer enters it. */
  setAudioCourseware(active: boolean): Promise<void> {
    return this.#audioCourseware.choose(active);
  }

  /** A classroom: not now (the offer comes back after another run of weak samples). */
  declineAudioCourseware(): void {
    this.#audioCourseware.decline();
  }

  /** Host: switch a classroom into or out of the audio-and-courseware mode. */
  setClassroomAudioCourseware(peerId: string, enabled: boolean): Promise<ResponseOf<'setAudioCourseware'>> {
    return this.signaling.request('setAudioCourseware', { peerId, enabled });
  }

  raiseHand(raised: boolean): Promise<void> {
    return this.#room.raiseHand(raised);
  }

  setStage(peerId: string | null): Promise<void> {
    return this.#room.setStage(peerId);
  }

  muteClassroom(peerId: string, muted: boolean): Promise<ResponseOf<'muteClassroom'>> {
    return this.#room.muteClassroom(peerId, muted);
  }

  lowerHand(peerId: string): Promise<ResponseOf<'lowerHand'>> {
    return this.#room.lowerHand(peerId);
  }

  startRecording(): Promise<void> {
    return this.#room.startRecording();
  }

  stopRecording(): Promise<void> {
    return this.#room.stopRecording();
  }
}
