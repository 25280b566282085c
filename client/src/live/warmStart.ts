import { SignalingError } from '../../../shared/signaling/protocol.ts';
import { rememberedPreJoin } from './prejoinChoice.ts';
import { pushToTalkPreferred } from './pushToTalk.ts';
import { whenFirstPicture } from './firstPicture.ts';
import { FIRST_PICTURE_WAIT_MS, useLive } from './store.ts';


/**
 * LIVE-WARM-START: the entry (main.tsx) calls this on a live page's address before the app
 * shell has loaded, so the join — socket, join with its transports, consumers, ICE — runs
 * while nothing else competes for the page's one thread; the live page finds the client in the
 * store and shows it. Nothing here waits for the session check:
 * - a teacher who passed the pre-join check of this session in this tab (a reload in the
 *   lesson) joins again with what it chose then;
 * - anyone else joins as the page's own (`auto`) join: a classroom terminal with its camera and
 *   microphone (off in push-to-talk), a patrol with nothing; the server sends a teacher to the
 *   pre-join check (`prejoin`) and never takes a session live for such a join;
 * - nobody signed in (the handshake is refused): the client is dropped and the shell goes on
 *   as on any page (sign-in, then the live page joins as it always did).
 * Join-to-first-frame counts from the navigation (0).
 *
 * Resolves when the app shell may load (LIVE-SHELL-AFTER-FRAME): React, the dictionaries and
 * the pages are half a megabyte of script that, evaluated beside the join, delayed its every
 * step on a terminal's weak CPU. The shell loads once the first remote picture is decoded, or
 * the join ended without one to wait for (refused, ended, live with no remote video yet), or
 * after FIRST_PICTURE_WAIT_MS; until then the page shows live.html's own "entering" line.
 */
export function warmStart(sessionId: string): Promise<void> {
  const remembered = rememberedPreJoin(sessionId);
  const wanted = remembered ?? { camera: true, microphone: !pushToTalkPreferred() };
  const live = useLive.getState();
  void live.start(sessionId, wanted, 0, { auto: !remembered }).catch((err: unknown) => {
    if (err instanceof SignalingError && err.code === 'unauthenticated' && useLive.getState().client?.sessionId === sessionId) void useLive.getState().leave();
  });
  // start() made the client before its first wait.
  const client = useLive.getState().client;
  return client ? whenFirstPicture(client, FIRST_PICTURE_WAIT_MS) : Promise.resolve();
}
