/**
 * Ending a session from a client that shuts itself down on `sessionEnded` (as the browser's
 * LiveClient does): the server tells the room before it acknowledges the request, so the
 * signaling client must keep its socket until the verdict arrives instead of reporting
 * "no answer".
 */
import { describe, expect, it } from 'vitest';
import { createLiveSession, nextNotification } from '../support/live.ts';
import { liveMediaWorld } from '../support/liveMediaWorld.ts';

const world = liveMediaWorld();

describe('closing the signaling client', () => {
  it('the host who closes its client on sessionEnded still gets the endSession verdict', async () => {
    const sessionId = await createLiveSession(world.platform, { kind: 'online_research' });
    const host = await world.open('teacher.wang');
    await host.signaling.request('join', { sessionId });
    const told = nextNotification(host.signaling, 'sessionEnded');
    host.signaling.on('sessionEnded', () => host.signaling.close());
    const verdict = await host.signaling.request('endSession', {}, 20_000);
    expect(verdict.status).toBe('missed');
    expect(await told).toEqual(verdict);
    // …and the socket closes once that answer is in.
    await expect.poll(() => host.signaling.socket.connected, { timeout: 10_000 }).toBe(false);
  });

  it('a request made after close is refused at once', async () => {
    const s = await world.open('teacher.li');
    s.signaling.close();
    await expect(s.signaling.request('leave', {})).rejects.toMatchObject({ code: 'internal', message: 'leave: not connected' });
  });
});
