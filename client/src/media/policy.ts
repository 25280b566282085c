import type { SignalingErrorParams } from '../../../shared/signaling/protocol.ts';

/**
 * How a live client recovers from a network loss (LiveKit-style named
 * constants, so a change of behaviour is a change of numbers here):
 *
 * 1. A transport goes `disconnected`: wait TRANSPORT_GRACE_MS (short blips heal
 *    by themselves), then restart ICE on it — up to ICE_RESTART_ATTEMPTS times,
 *    paced by RECONNECT_BACKOFF_MS.
 * 2. Still not connected FULL_REJOIN_AFTER_MS after the loss (or the transport
 *    `failed`, or the ICE restarts are used up): a full rejoin — join again
 *    (resuming the server's peer if it is still held), new transports, and every
 *    source that was on published again; stage and hand restored.
 * 3. The signaling socket is down: nothing can be asked of the server; wait for
 *    Socket.IO to reconnect (it retries by itself), then rejoin with resume.
 * 4. `mediaRebuilt` (the media worker died): new transports at once, re-publish.
 * 5. A join again refused because the session is over, not ours or gone stops the
 *    recovery (refusedRejoin): an ended session ends the page with its verdict.
 * Attempts after the last backoff step keep the last delay: a classroom keeps
 * trying for as long as the page is open.
 */
export const RECONNECT_BACKOFF_MS: readonly number[] = [0, 300, 1200, 2700, 4800, 7000];
export const ICE_RESTART_ATTEMPTS = 2;
export const FULL_REJOIN_AFTER_MS = 8000;
export const TRANSPORT_GRACE_MS = 1500;
/** How long a step's transports get to reach `connected` before the policy is asked again. */
export const SETTLE_AFTER_ICE_RESTART_MS = 3000;
export const SETTLE_AFTER_REJOIN_MS = 6000;
/** How long one `wait` step waits for the socket to come back before the policy is asked again. */
export const SOCKET_WAIT_MS = 5000;
/** The server keeps a peer whose socket dropped this long (server/live PEER_RESUME_GRACE_MS must be ≥). */
export const RESUME_WINDOW_MS = 30_000;

export type LossCause = 'transport-disconnected' | 'transport-failed' | 'signaling-lost' | 'media-rebuilt' | 'removed';

export interface RecoveryState {
  readonly cause: LossCause;
  /** When the loss was first seen (ms). */
  readonly lostAt: number;
  /** Recovery actions already tried for this loss. */
  readonly attempt: number;
  readonly iceRestarts: number;
  readonly signalingUp: boolean;
}

export type RecoveryAction =
  /** Nothing to do yet (socket down): try again when something changes or after delayMs. */
  | { readonly kind: 'wait'; readonly delayMs: number }
  | { readonly kind: 'restartIce'; readonly delayMs: number }
  /** join again with the resume token; transports are rebuilt if the server did not hold them. */
  | { readonly kind: 'rejoin'; readonly delayMs: number }
  /** same peer, new transports (the room's media was rebuilt). */
  | { readonly kind: 'rebuildTransports'; readonly delayMs: number };

export const backoffDelay = (attempt: number): number => RECONNECT_BACKOFF_MS[Math.min(attempt, RECONNECT_BACKOFF_MS.length - 1)]!;

export function nextRecoveryAction(s: RecoveryState, now: number): RecoveryAction {
  const delayMs = backoffDelay(s.attempt);
  if (!s.signalingUp) return { kind: 'wait', delayMs: Math.max(delayMs, RECONNECT_BACKOFF_MS[1] ?? 300) };
  switch (s.cause) {
    case 'media-rebuilt':
      return s.attempt === 0 ? { kind: 'rebuildTransports', delayMs } : { kind: 'rejoin', delayMs };
    case 'signaling-lost':
    case 'removed':
    case 'transport-failed':
      return { kind: 'rejoin', delayMs };
    case 'transport-disconnected': {
      const elapsed = now - s.lostAt;
      if (s.iceRestarts < ICE_RESTART_ATTEMPTS && elapsed < FULL_REJOIN_AFTER_MS) {
        return { kind: 'restartIce', delayMs: s.attempt === 0 ? Math.max(delayMs, TRANSPORT_GRACE_MS) : delayMs };
      }
      return { kind: 'rejoin', delayMs };
    }
  }
}

/** The state after trying `action`. */
export function afterAttempt(s: RecoveryState, action: RecoveryAction): RecoveryState {
  return { ...s, attempt: s.attempt + 1, iceRestarts: s.iceRestarts + (action.kind === 'restartIce' ? 1 : 0) };
}

/**
 * Losses the server or the socket report anew, not the transports' fallout of an earlier one: after
 * a step of the recovery succeeded (the join was answered) such a loss is a new one — the lesson
 * moved again, the node the socket reached died too — and its backoff starts from the first step.
 */
export const FRESH_LOSSES: readonly LossCause[] = ['media-rebuilt', 'signaling-lost'];

/**
 * A worse loss seen during recovery takes over (a failed transport skips the ICE restarts);
 * `stepSucceeded`: the last step of this recovery was carried out (see FRESH_LOSSES).
 */
export function escalate(s: RecoveryState | null, cause: LossCause, now: number, signalingUp: boolean, stepSucceeded = false): RecoveryState {
  if (!s || (stepSucceeded && FRESH_LOSSES.includes(cause))) return { cause, lostAt: now, attempt: 0, iceRestarts: 0, signalingUp };
  const rank: Record<LossCause, number> = { 'transport-disconnected': 0, 'transport-failed': 1, 'signaling-lost': 2, removed: 3, 'media-rebuilt': 4 };
  return { ...s, cause: rank[cause] > rank[s.cause] ? cause : s.cause, signalingUp };
}

/** How a session ended, as `sessionEnded` tells it. */
export type SessionEnded = NonNullable<SignalingErrorParams['ended']>;

export type RefusedRejoin =
  /** The session is over: the page ends as if told `sessionEnded`, with this verdict. */
  | { readonly kind: 'ended'; readonly ended: SessionEnded }
  /** Closed to this participant (not live, no verdict to show; not its session; gone): stop trying. */
  | { readonly kind: 'stop' }
  /** Not about the session (a server busy or moving the lesson): the next step tries again. */
  | { readonly kind: 'retry' };

/**
 * LIVE-REJOIN-ENDED: what a refused join again means for the recovery. A session that
 * ended while this participant was away (its room closed under it just as the lesson
 * ended) is answered `not_live` with its verdict: the recovery ends there, never retries.
 */
export function refusedRejoin(code: string, params: SignalingErrorParams = {}): RefusedRejoin {
  if (code === 'not_live') return params.ended ? { kind: 'ended', ended: params.ended } : { kind: 'stop' };
  if (code === 'forbidden' || code === 'not_found') return { kind: 'stop' };
  return { kind: 'retry' };
}
