import type { types } from 'mediasoup-client';
import { FIRST_FRAME_MAX_MS } from '../../../shared/signaling/live.ts';

/**
 * How often the receive side's statistics are read until the first video frame is decoded:
 * often during the first seconds (the figure's resolution), then less (a host waiting for
 * its first classroom, a terminal with its pictures paused).
 */
const FIRST_FRAME_POLL_MS = 50;
const FIRST_FRAME_SLOW_POLL_MS = 250;
const FIRST_FRAME_FAST_FOR_MS = 15_000;

/** Whether any remote video on this receive transport has decoded a frame (inbound-rtp framesDecoded > 0). */
async function anyVideoDecoded(recv: types.Transport | null): Promise<boolean> {
  if (!recv || recv.closed) return false;
  const report = await recv.getStats().catch(() => null);
  let decoded = false;
  report?.forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video' && (s.framesDecoded ?? 0) > 0) decoded = true;
  });
  return decoded;
}

/**
 * Join-to-first-frame: from `from` (a performance.now() time: the join click, or the
 * navigation that opened the live page) to the first decoded frame of the first remote
 * video, found by polling the receive transport's statistics. Calls `found` once with
 * the milliseconds, or never (stopped, or nothing decoded within FIRST_FRAME_MAX_MS).
 * Returns the stop function.
 */
export function watchFirstFrame(from: number, recv: () => types.Transport | null, found: (ms: number) => void): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const poll = async () => {
    if (stopped) return;
    if (await anyVideoDecoded(recv())) {
      const ms = performance.now() - from;
      if (!stopped && ms > 0 && ms < FIRST_FRAME_MAX_MS) found(ms);
      stopped = true;
      return;
    }
    if (stopped || performance.now() - from >= FIRST_FRAME_MAX_MS) return;
    timer = setTimeout(() => void poll(), performance.now() - from < FIRST_FRAME_FAST_FOR_MS ? FIRST_FRAME_POLL_MS : FIRST_FRAME_SLOW_POLL_MS);
  };
  void poll();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
