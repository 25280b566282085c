import { SignalingError } from '../../../shared/signaling/protocol.ts';
import type { LiveContext } from './LiveContext.ts';
import {
  afterAttempt,
  escalate,
  FRESH_LOSSES,
  ICE_RESTART_ATTEMPTS,
  nextRecoveryAction,
  refusedRejoin,
  SETTLE_AFTER_ICE_RESTART_MS,
  SETTLE_AFTER_REJOIN_MS,
  SOCKET_WAIT_MS,
  type LossCause,
  type RecoveryState,
  type SessionEnded,
} from './policy.ts';
import type { Transports } from './Transports.ts';

/** How often settling looks at the transports' states (it also wakes on every state change). */
const SETTLE_POLL_MS = 250;

/** The steps the recovery policy can take, carried out by the client's front. */
export interface RecoverySteps {
  /** join again with the resume token (transports rebuilt if the server did not hold them). */
  rejoin(): Promise<void>;
  /** same peer, new transports (the room's media was rebuilt). */
  rebuild(): Promise<void>;
  /** The session is over (`ended`: its verdict, as `sessionEnded` tells it), gone or closed to us: stop trying. */
  giveUp(ended: SessionEnded | null, reason: string): void;
}

/**
 * Brings a live client back after a loss (`lost` on the context): asks the
 * policy (policy.ts) what to do next, does it, and repeats until the
 * signaling socket and both transports are healthy again.
 */
export class Recovery {
  readonly #ctx: LiveContext;
  readonly #transports: Transports;
  readonly #steps: RecoverySteps;
  #state: RecoveryState | null = null;
  // Read by `??=` below (one recovery at a time), which the lint rule does not count as a read.
  // eslint-disable-next-line no-unused-private-class-members
  #running: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  /** The last step of the running recovery was carried out (its requests answered), healthy or not yet. */
  #stepSucceeded = false;
  /** Counts fresh losses (FRESH_LOSSES after a step succeeded): each restarts the backoff. */
  #fresh = 0;

  constructor(ctx: LiveContext, transports: Transports, steps: RecoverySteps) {
    this.#ctx = ctx;
    this.#transports = transports;
    this.#steps = steps;
    ctx.on('lost', (cause) => this.#lost(cause));
    ctx.on('wake', () => this.#wake?.());
  }

  #lost(cause: LossCause): void {
    const ctx = this.#ctx;
    // While joining, a failure surfaces as start()'s error instead.
    if (ctx.closed || ctx.view.state === 'idle' || ctx.view.state === 'joining') return;
    if (this.#state && this.#stepSucceeded && FRESH_LOSSES.includes(cause)) this.#fresh++;
    this.#state = escalate(this.#state, cause, Date.now(), ctx.signaling.connected, this.#stepSucceeded);
    this.#stepSucceeded = false;
    if (ctx.view.state === 'live') ctx.set({ state: 'reconnecting' });
    this.#wake?.();
    this.#running ??= this.#recover().finally(() => (this.#running = null));
  }

  /** Waits `ms`, or less if something happens (socket back, transport connected, worse loss). */
  #nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  #healthy(): boolean {
    return this.#ctx.signaling.connected && this.#transports.healthy();
  }

  async #recover(): Promise<void> {
    const ctx = this.#ctx;
    const signaling = ctx.signaling;
    while (this.#state && !ctx.closed) {
      const state: RecoveryState = { ...this.#state, signalingUp: signaling.connected };
      const action = nextRecoveryAction(state, Date.now());
      if (action.delayMs > 0) await this.#nap(action.delayMs);
      if (ctx.closed || !this.#state) return;
      // A worse loss may have come in while waiting.
      const current: RecoveryState = { ...this.#state, signalingUp: signaling.connected };
      const now = nextRecoveryAction(current, Date.now());
      if (now.kind !== action.kind) continue;
      if (action.kind === 'wait') {
        if (!signaling.connected) await Promise.race([signaling.whenConnected(), this.#nap(SOCKET_WAIT_MS)]);
        this.#state = { ...current, signalingUp: signaling.connected };
        continue;
      }
      const fresh = this.#fresh;
      try {
        await ctx.exclusive(async () => {
          if (action.kind === 'restartIce') await this.#transports.restartUnsettled();
          else if (action.kind === 'rebuildTransports') await this.#steps.rebuild();
          else await this.#steps.rejoin();
        });
        this.#stepSucceeded = true;
        await this.#settle(action.kind === 'restartIce' ? SETTLE_AFTER_ICE_RESTART_MS : SETTLE_AFTER_REJOIN_MS, fresh);
      } catch (err) {
        this.#stepSucceeded = false;
        // The session itself is over, gone or closed to us (a refused join): stop trying (LIVE-REJOIN-ENDED). A stale transport id is just a failed step.
        if (err instanceof SignalingError && err.request === 'join') {
          const refused = refusedRejoin(err.code, err.params);
          if (refused.kind !== 'retry') {
            this.#steps.giveUp(refused.kind === 'ended' ? refused.ended : null, err.message);
            return;
          }
        }
        // The server no longer knows this participant (its lesson moved to another node under it): ICE cannot
        // help, and this is no failed attempt of the rejoin that comes next — at once.
        if (action.kind === 'restartIce' && err instanceof SignalingError && err.code === 'not_joined' && this.#state) {
          // The next step is a rejoin (no ICE restart left), so this cannot loop.
          this.#state = { ...this.#state, attempt: 0, iceRestarts: ICE_RESTART_ATTEMPTS };
          continue;
        }
        console.warn(`live: recovery step ${action.kind} failed`, err);
        // The server no longer has the transport: restarting its ICE cannot help, rejoin next.
        if (action.kind === 'restartIce' && err instanceof SignalingError && err.code === 'not_found' && this.#state) {
          this.#state = { ...this.#state, iceRestarts: ICE_RESTART_ATTEMPTS };
        }
      }
      // A fresh loss came in after the step (FRESH_LOSSES): it starts from the first step, not after this one —
      // and a media rebuild the server asked for after the step is carried out even if the transports still look fine.
      if (this.#fresh !== fresh) continue;
      if (this.#healthy()) {
        const done = this.#state;
        this.#state = null;
        this.#stepSucceeded = false;
        ctx.set({ state: 'live', recoveries: [...ctx.view.recoveries, { action: action.kind, cause: done.cause, ms: Date.now() - done.lostAt }] });
        return;
      }
      this.#state = afterAttempt(this.#state, action);
    }
  }

  /** Gives connecting transports up to `ms` to reach connected (a fresh loss ends the wait). */
  async #settle(ms: number, fresh: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline && !this.#ctx.closed && this.#fresh === fresh) {
      const states = this.#transports.openStates();
      if (states.every((s) => s === 'connected' || s === 'new')) return;
      if (states.some((s) => s === 'failed')) return;
      await this.#nap(Math.min(SETTLE_POLL_MS, deadline - Date.now()));
    }
  }
}
