import { useEffect, useState } from 'react';
import type { SignalingClient } from '../../media/signaling.ts';

/**
 * Server time as this page sees it (T-TIMER-SERVER-TIME): the countdown's and the quiz's
 * instants are the server's, so the page corrects its own clock by the offset of the
 * latest `serverNow` it heard.
 */
const offsets = new WeakMap<SignalingClient, number>();

export function noteServerNow(signaling: SignalingClient, serverNow: string): void {
  offsets.set(signaling, Date.parse(serverNow) - Date.now());
}

export const serverNow = (signaling: SignalingClient): number => Date.now() + (offsets.get(signaling) ?? 0);

/** Re-renders every `ms` while `active` (a ticking countdown). */
export function useTick(active: boolean, ms = 250): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => setTick((n) => n + 1), ms);
    return () => clearInterval(id);
  }, [active, ms]);
}
