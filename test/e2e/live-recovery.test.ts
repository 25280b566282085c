/**
 * Weak links and failures in real Chromium: a classroom whose media path is
 * cut (its transports closed at the server, as a dead UDP path looks to the
 * browser), a classroom whose browser goes offline for a while, and a media
 * worker killed with SIGKILL. Each time the page recovers by itself and what
 * was on comes back: camera, microphone, and the classroom on stage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { launchChromium } from '../support/chromium.ts';
import { createLiveSession, liveService, tempDataDir } from '../support/live.ts';
import { framesGrow, liveState, openLivePage, peerIdOf, type LivePage } from '../support/liveBrowser.ts';
import { sleep, waitFor } from '../support/waitFor.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let platform: TestPlatform;
const data = tempDataDir();
let pool: WorkerPool;
let browser: Browser;
let sessionId: string;
let teacher: LivePage;
let ganpu: LivePage;
let liuli: LivePage;

const local = (p: LivePage) => p.page.evaluate(() => ({ ...window.tongbuLive!.view.local, camera: !!window.tongbuLive!.view.local.camera, stage: window.tongbuLive!.view.stagePeerId, recoveries: window.tongbuLive!.view.recoveries }));

/** Everything that was on is on again: the classroom's camera and microphone at the teacher, the stage at the other classroom. */
async function everythingBack(what: string, recoveriesBefore?: number) {
  if (recoveriesBefore !== undefined) {
    await waitFor(`${what}: 澉浦 to recover`, async () => (await local(ganpu)).recoveries.length, (n) => n > recoveriesBefore, 40_000);
  }
  await waitFor(`${what}: 澉浦 live again`, () => liveState(ganpu), (s) => s === 'live', 40_000);
  const ganpuPeer = await peerIdOf(ganpu);
  const l = await local(ganpu);
  expect(l.camera && l.microphone).toBe(true);
  await framesGrow(ganpu, 'camera', await peerIdOf(teacher), 20, 30_000);
  await framesGrow(teacher, 'camera', ganpuPeer, 20, 30_000);
  await waitFor(`${what}: 澉浦 still on stage`, () => liuli.page.evaluate(() => window.tongbuLive!.view.stagePeerId), (id) => id === ganpuPeer, 20_000);
  await framesGrow(liuli, 'camera', ganpuPeer, 20, 30_000);
  return l;
}

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1 });
  platform = await startTestPlatform({ media: pool, env: { LIVE_SWEEP_SECONDS: '0', ...data.env } });
  browser = await launchChromium();
  sessionId = await createLiveSession(platform, { startsInMs: 2_000, durationMs: 10 * 60_000 });

  teacher = await openLivePage(browser, platform, 'teacher.wang', `/live/${sessionId}`);
  await teacher.page.getByTestId('live-golive').click();
  await teacher.page.getByTestId('live-console').waitFor();
  [ganpu, liuli] = await Promise.all([
    openLivePage(browser, platform, 'class.ganpu', `/live/${sessionId}`),
    openLivePage(browser, platform, 'class.liuli', `/live/${sessionId}`),
  ]);
  await ganpu.page.getByTestId('live-terminal').waitFor();
  await liuli.page.getByTestId('live-terminal').waitFor();
  const ganpuPeer = await peerIdOf(ganpu);
  await waitFor('澉浦 tile on the console', () => teacher.page.locator(`[data-peer-id="${ganpuPeer}"] [data-testid="live-stage-btn"]`).count(), (n) => n === 1);
  await teacher.page.locator(`[data-peer-id="${ganpuPeer}"] [data-testid="live-stage-btn"]`).click();
  await everythingBack('start');
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  data.cleanup();
  pool?.close();
});

describe('recovery', () => {
  it('the media path of a classroom is cut: ICE restart, then a rejoin; camera, microphone and stage come back', async () => {
    const room = liveService(platform).rooms.get(sessionId)!;
    const peerId = (await peerIdOf(ganpu))!;
    const participant = room.participants.get(peerId)!;
    const before = (await local(ganpu)).recoveries.length;
    const cutAt = Date.now();
    for (const transportId of participant.transports.keys()) room.mediaPeer(participant).closeTransport(transportId);
    await waitFor('澉浦 to notice', () => liveState(ganpu), (s) => s === 'reconnecting', 30_000);
    const l = await everythingBack('after the cut', before);
    const last = l.recoveries.at(-1)!;
    console.log(`cut media path: recovered by ${last.action} (${last.cause}) in ${last.ms} ms; frames again ${Math.round((Date.now() - cutAt) / 100) / 10} s after the cut`);
    expect(['rejoin', 'restartIce']).toContain(last.action);
  });

  it('the classroom loses its network for 6 s (signaling drops, no new connection gets through): it comes back by itself', async () => {
    const before = (await local(ganpu)).recoveries.length;
    // Chromium's offline emulation refuses new connections but leaves open WebSockets and
    // WebRTC alone; a real outage also drops the signaling socket, so the page's socket is cut too.
    await ganpu.context.setOffline(true);
    await ganpu.page.evaluate(() => window.tongbuLive!.signaling.socket.io.engine.close());
    await waitFor('澉浦 to notice', () => liveState(ganpu), (s) => s === 'reconnecting', 10_000);
    await sleep(6000); // the outage lasts six seconds
    // Still down: every reconnection attempt during the outage failed.
    expect(await ganpu.page.evaluate(() => window.tongbuLive!.signaling.connected)).toBe(false);
    expect(await liveState(ganpu)).toBe('reconnecting');
    await ganpu.context.setOffline(false);
    const l = await everythingBack('after the outage', before);
    const last = l.recoveries.at(-1)!;
    console.log(`network down 6 s: recovered by ${last.action} (${last.cause}) in ${last.ms} ms`);
    expect(last.cause).toBe('signaling-lost');
  });

  it('the media worker is killed (SIGKILL): the room is rebuilt and frames flow again', async () => {
    const before = (await local(ganpu)).recoveries.length;
    const dead = pool.workers[0]!;
    const died = new Promise<void>((resolve) => pool.once('workerdied', () => resolve()));
    const killedAt = Date.now();
    process.kill(dead.pid, 'SIGKILL');
    await died;
    expect(pool.workers[0]!.pid).not.toBe(dead.pid);
    const l = await everythingBack('after the worker died', before);
    const last = l.recoveries.at(-1)!;
    console.log(`worker SIGKILL: ${last.action} (${last.cause}) in ${last.ms} ms; every page decoding again ${Math.round((Date.now() - killedAt) / 100) / 10} s after the kill`);
    expect(last.cause).toBe('media-rebuilt');
    // The teacher's camera and microphone came back too.
    const t = await local(teacher);
    expect(t.camera && t.microphone).toBe(true);
  });
});
