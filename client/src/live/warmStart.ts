import { SignalingError } from '../../../shared/signaling/protocol.ts';
import { rememberedPreJoin } from './prejoinChoice.ts';
import { pushToTalkPreferred } from './pushToTalk.ts';
import { useLive } from './store.ts';

/**
 * LIVE-WARM-START: the entry (main.tsx) calls this on a live page's address before the app
 * shell has loaded, so the join — socket, join with its transports, consumers, ICE — runs
 * while React, the dictionaries and the pages are still arriving; the live page finds the
 * client in the store and shows it. Nothing here waits for the session check:
 * - a teacher who passed the pre-join check of this session in this tab (a reload in the
 *   lesson) joins again with what it chose then;
 * - anyone else joins as the page's own (`auto`) join: a classroom terminal with its camera and
 *   microphone (off in push-to-talk), a patrol with nothing; the server sends a teacher to the
 *   pre-join check (`prejoin`) and never takes a session live for such a join;
 * - nobody signed in (the handshake is refused): the client is dropped and the shell goes on
 *   as on any page (sign-in, then the live page joins as it always did).
 * Join-to-first-frame counts from the navigation (0).
 */
export function warmStart(sessionId: string): void {
  const remembered = rememberedPreJoin(sessionId);
  const wanted = remembered ?? { camera: true, microphone: !pushToTalkPreferred() };
  const live = useLive.getState();
  void live.start(sessionId, wanted, 0, { auto: !remembered }).catch((err: unknown) => {
    if (err instanceof SignalingError && err.code === 'unauthenticated' && useLive.getState().client?.sessionId === sessionId) void useLive.getState().leave();
  });
}
