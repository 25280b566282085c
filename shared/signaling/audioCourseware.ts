import { z } from 'zod';

/**
 * The audio-and-courseware mode (仅声音和课件) of a classroom on a weak link: its video is
 * held at the server (no video RTP is sent to it), the sound and the courseware's page
 * images and strokes keep coming. Rules CW-AUDIO-ONLY* in server/courseware/README.md.
 * Spread into the signaling table (live.ts); the mode shows in LivePeer.audioCourseware.
 */
export const audioCoursewareRequests = {
  /**
   * A classroom switches itself (no peerId); the host switches a classroom (its peerId).
   * Answers the classroom's mode as it is now.
   */
  setAudioCourseware: {
    request: z.object({ enabled: z.boolean(), peerId: z.string().min(1).max(64).optional() }),
    response: z.object({ peerId: z.string(), enabled: z.boolean() }),
  },
} as const;
