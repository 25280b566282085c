import type { LiveClientOptions, LiveView } from './LiveView.ts';
import { Emitter } from './Emitter.ts';
import type { LossCause } from './policy.ts';
import type { LinkSample, Quality } from './quality.ts';
import type { SignalingClient } from './signaling.ts';

export type LiveContextEvents = {
  /** The view was replaced (the UI re-renders from it). */
  change: [view: LiveView];
  /** Media or signaling broke: the recovery policy takes it from here. */
  lost: [cause: LossCause];
  /** Something a waiting recovery step may be waiting for happened (socket back, a transport connected, the end). */
  wake: [];
  /** A quality sample of the link was taken (every QUALITY_SAMPLE_MS while live). */
  sample: [sample: LinkSample, quality: Quality];
};

/** What this participant wants on, whatever happens to the media underneath (restored after every rejoin). */
export interface Wanted {
  camera: boolean;
  microphone: boolean;
  screen: boolean;
  hand: boolean;
  /** A classroom: the audio-and-courseware mode (restored on the server's new peer after a rejoin). */
  audioCourseware: boolean;
  /** Host: the account on stage (survives the staged classroom's rejoin under a new peer id). */
  stageAccountId: string | null;
}

/**
 * What the parts of one live client share: the signaling connection, the view,
 * the wishes, the server's peer of this join, and the queue that keeps media
 * changes (publish, rebuild) from interleaving.
 */
export class LiveContext extends Emitter<LiveContextEvents> {
  readonly sessionId: string;
  readonly signaling: SignalingClient;
  readonly options: LiveClientOptions;
  readonly wanted: Wanted = { camera: false, microphone: false, screen: false, hand: false, audioCourseware: false, stageAccountId: null };
  /** The server-side peer of this join and the token that resumes it. */
  peer: { peerId: string; resumeToken: string } | null = null;
  closed = false;
  #view: LiveView;
  readonly #unsubscribe: (() => void)[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: LiveClientOptions, signaling: SignalingClient, view: LiveView) {
    super();
    this.options = options;
    this.sessionId = options.sessionId;
    this.signaling = signaling;
    this.#view = view;
  }

  get view(): LiveView {
    return this.#view;
  }

  set(patch: Partial<LiveView>): void {
    this.#view = { ...this.#view, ...patch };
    this.emit('change', this.#view);
  }

  setLocal(patch: Partial<LiveView['local']>): void {
    this.set({ local: { ...this.#view.local, ...patch } });
  }

  /** Keeps a signaling subscription until the client closes. */
  hold(...unsubscribe: (() => void)[]): void {
    this.#unsubscribe.push(...unsubscribe);
  }

  /** Drops every signaling subscription (the client closed). */
  release(): void {
    for (const u of this.#unsubscribe.splice(0)) u();
  }

  /** Runs media changes one at a time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
