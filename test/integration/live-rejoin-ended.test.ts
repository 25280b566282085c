/**
 * LIVE-REJOIN-ENDED (server/live/README.md): a participant whose room closed under it just
 * as the lesson ended joins again (client/src/media/policy.ts); that join is refused
 * `not_live` with the verdict, as `sessionEnded` tells it, so the page ends with the
 * verdict instead of recovering — after the end, and while the lesson is being judged.
 */
import { describe, expect, it } from 'vitest';
import { failuresOf } from '../../server/evidence/verdict.ts';
import { createLiveSession, liveService, nextNotification, signalingRefusal } from '../support/live.ts';
import { liveMediaWorld } from '../support/liveMediaWorld.ts';

const world = liveMediaWorld();

/** A lesson taken live by its teacher, with 澉浦 in it. */
async function lessonWithClassroom() {
  const sessionId = await createLiveSession(world.platform);
  const teacher = await world.open('teacher.wang');
  const ganpu = await world.open('class.ganpu');
  await teacher.signaling.request('join', { sessionId });
  const joined = await ganpu.signaling.request('join', { sessionId });
  const again = () => ganpu.signaling.request('join', { sessionId, resume: { peerId: joined.peerId, token: joined.resumeToken } });
  return { sessionId, teacher, ganpu, again };
}

describe('joining again a lesson that ended', () => {
  it('LIVE-REJOIN-ENDED: a classroom joining again after the lesson ended is refused not_live with the verdict its room told it', async () => {
    const { sessionId, teacher, ganpu, again } = await lessonWithClassroom();
    const told = nextNotification(ganpu.signaling, 'sessionEnded');
    const verdict = await teacher.signaling.request('endSession', {}, 30_000);
    expect(await told).toEqual(verdict);

    const refusal = await signalingRefusal(again());
    expect(refusal.code).toBe('not_live');
    expect(refusal.params.ended).toEqual(verdict);
    // A fresh join (the page loaded again) is told the same.
    const fresh = await signalingRefusal(ganpu.signaling.request('join', { sessionId }));
    expect(fresh.code).toBe('not_live');
    expect(fresh.params.ended).toEqual(verdict);
  });

  it('LIVE-REJOIN-ENDED: a join again that comes while the lesson is being judged is answered with the verdict once it is known', async () => {
    const { sessionId, again } = await lessonWithClassroom();
    // Ending starts on the server before the join arrives; its answer waits for the judgment.
    const ending = liveService(world.platform).endSession(sessionId, 'host', null);
    const refusal = await signalingRefusal(again());
    const verdict = await ending;
    expect(refusal.code).toBe('not_live');
    expect(refusal.params.ended).toEqual({ status: verdict.status, reason: verdict.reason, failed: failuresOf(verdict.outcomes) });
  });
});
