/**
 * The audio-and-courseware mode (仅声音和课件) end to end in real Chromium through the built
 * client and the real mediasoup worker: a classroom switches into it, its teacher video
 * stops (while another classroom's keeps decoding), the terminal shows the courseware large
 * and the teacher as sound, the teacher's console shows the mode on the classroom's tile;
 * leaving brings the picture back; the teacher switches a classroom too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { launchChromium } from '../support/chromium.ts';
import { slidesPdf } from '../support/courseware.ts';
import { createLiveSession, liveService, tempDataDir } from '../support/live.ts';
import { framesGrow, framesOf, openLivePage, peerIdOf, type LivePage } from '../support/liveBrowser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { waitFor } from '../support/waitFor.ts';

let platform: TestPlatform;
const data = tempDataDir();
let pool: WorkerPool;
let browser: Browser;
let sessionId: string;
let teacher: LivePage;
let ganpu: LivePage;
let liuli: LivePage;

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1 });
  platform = await startTestPlatform({ media: pool, env: { LIVE_SWEEP_SECONDS: '0', ...data.env } });
  browser = await launchChromium();
  sessionId = await createLiveSession(platform, { startsInMs: 5_000, durationMs: 20 * 60_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  data.cleanup();
  pool?.close();
});

const tileOf = async (p: LivePage) => teacher.page.locator(`[data-testid="live-classroom-tile"][data-peer-id="${await peerIdOf(p)}"]`);
/** Whether the server holds every video of the classroom paused at the worker. */
const heldAtServer = async (p: LivePage) => {
  const room = liveService(platform).rooms.get(sessionId)!;
  return room.mediaPeer(room.participants.get((await peerIdOf(p))!)!).videoHeld;
};

describe('CW-AUDIO-ONLY: audio and courseware on a classroom terminal', () => {
  it('the teacher goes live and shows courseware; two classrooms decode the teacher\'s camera', async () => {
    teacher = await openLivePage(browser, platform, 'teacher.wang', `/live/${sessionId}`);
    await teacher.page.getByTestId('live-golive').click();
    await teacher.page.getByTestId('live-console').waitFor();
    await waitFor('camera and microphone on', () => teacher.page.evaluate(() => window.tongbuLive!.view.local), (l) => !!l.camera && l.microphone);
    ganpu = await openLivePage(browser, platform, 'class.ganpu', `/live/${sessionId}`);
    liuli = await openLivePage(browser, platform, 'class.liuli', `/live/${sessionId}`);
    // Any camera: classrooms receive only the teacher's here (nobody is on stage), whatever
    // peer id a recovery on this loaded machine gives the teacher.
    for (const c of [ganpu, liuli]) {
      await c.page.getByTestId('live-terminal').waitFor();
      await framesGrow(c, 'camera', null, 20);
    }

    await teacher.page.getByTestId('cw-upload').setInputFiles({ name: '分数.pdf', mimeType: 'application/pdf', buffer: slidesPdf(['Page 1', 'Page 2']) });
    const item = teacher.page.getByTestId('cw-item').filter({ hasText: '分数.pdf' });
    await item.and(teacher.page.locator('[data-status="ready"]')).waitFor({ timeout: 120_000 });
    await item.getByTestId('cw-show').click();
    await waitFor('the classroom shows page 1', () => ganpu.page.getByTestId('cw-classroom-surface').getAttribute('data-shown-page'), (p) => p === '1');
  });

  it('CW-AUDIO-ONLY, CW-AUDIO-ONLY-PRESENT: the classroom switches in: no teacher video decodes there any more, the courseware is large with the teacher as sound, and the teacher sees the mode on its tile', async () => {
    await ganpu.page.getByTestId('cw-audio-toggle').click();
    await ganpu.page.getByTestId('cw-audio-on').waitFor();
    expect(await ganpu.page.getByTestId('cw-classroom').getAttribute('data-layout')).toBe('courseware');
    await ganpu.page.getByTestId('cw-teacher-audio').waitFor();
    await (await tileOf(ganpu)).getByTestId('live-audio-courseware-badge').waitFor();
    await waitFor('the video held at the worker', () => heldAtServer(ganpu), (h) => h);

    // Frames already on their way may still decode; then none while the other classroom decodes 3 s more.
    await framesGrow(liuli, 'camera', null, 15);
    const frozen = await framesOf(ganpu, 'camera');
    await framesGrow(liuli, 'camera', null, 45);
    expect(await framesOf(ganpu, 'camera')).toBe(frozen);
    await ganpu.page.screenshot({ path: 'test-results/courseware-audio-only-classroom.png' });
  });

  it('CW-AUDIO-ONLY: leaving brings the teacher\'s picture back (a key frame is asked for) and the badge goes', async () => {
    await ganpu.page.getByTestId('cw-audio-leave').click();
    await framesGrow(ganpu, 'camera', null, 20);
    await ganpu.page.getByTestId('live-main-video').waitFor();
    await (await tileOf(ganpu)).getByTestId('live-audio-courseware-badge').waitFor({ state: 'detached' });
  });

  it('CW-AUDIO-ONLY: the teacher switches a classroom in; the terminal follows', async () => {
    await (await tileOf(liuli)).getByTestId('live-audio-courseware-btn').click();
    await liuli.page.getByTestId('cw-audio-on').waitFor();
    await liuli.page.getByTestId('cw-teacher-audio').waitFor();
    await waitFor('the video held at the worker', () => heldAtServer(liuli), (h) => h);
    await teacher.page.screenshot({ path: 'test-results/courseware-audio-only-teacher.png', fullPage: true });
  });
});
