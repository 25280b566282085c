/**
 * A recording's playback page in real Chromium through the built client and the real
 * mediasoup worker and ffmpeg: the teacher shows a PDF and writes on page 1, starts recording
 * mid-lesson, turns to page 2, writes, turns to page 3 and stops; the playback page (reached
 * from the participation report) opens on page 1 with its stroke, shows page 3 at page 3's
 * moment, and after seeking back the earlier pages with their strokes; played, the board
 * follows the video. Rules CW-REPLAY-* in server/courseware/README.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { api } from '../../shared/api/index.ts';
import type { RecordingTimeline } from '../../shared/schemas/courseware.ts';
import { launchChromium } from '../support/chromium.ts';
import { slidesPdf } from '../support/courseware.ts';
import { createLiveSession, tempDataDir } from '../support/live.ts';
import { framesGrow, openLivePage, peerIdOf, type LivePage } from '../support/liveBrowser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { waitFor } from '../support/waitFor.ts';

let platform: TestPlatform;
const data = tempDataDir();
let pool: WorkerPool;
let browser: Browser;
let sessionId: string;
let teacher: LivePage;
let ganpu: LivePage;
let viewer: LivePage;
let recordingId: string;
let timeline: RecordingTimeline;

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1 });
  platform = await startTestPlatform({ media: pool, env: { LIVE_SWEEP_SECONDS: '0', ...data.env } });
  browser = await launchChromium();
  sessionId = await createLiveSession(platform, { startsInMs: 5_000, durationMs: 20 * 60_000, members: ['ganpu'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  data.cleanup();
  pool?.close();
});

const classroomSurface = () => ganpu.page.getByTestId('cw-classroom-surface');
const replaySurface = () => viewer.page.getByTestId('replay-surface');
/** The page and stroke count the playback page shows, once the page's image is on screen. */
const shown = async () => {
  const s = replaySurface();
  return `${(await s.getAttribute('data-shown-page')) ?? '-'}:${await s.getAttribute('data-strokes')}`;
};

/** The teacher's camera plays on for `frames` more frames (about a second at 15): the recording gets that much later. */
const lessonGoesOn = async (frames = 15) => framesGrow(ganpu, 'camera', await peerIdOf(teacher), frames);

async function turnTo(page: number) {
  await teacher.page.getByTestId('cw-next').click();
  await waitFor(`the classroom on page ${page}`, () => classroomSurface().getAttribute('data-shown-page'), (p) => p === String(page));
}

async function drawOnTeacherBoard(strokesAfter: number) {
  const surface = teacher.page.getByTestId('cw-teacher-surface');
  // The mouse works in the viewport: the board must be on screen.
  await surface.scrollIntoViewIfNeeded();
  const box = (await surface.boundingBox())!;
  const m = teacher.page.mouse;
  await m.move(box.x + box.width * 0.2, box.y + box.height * 0.6);
  await m.down();
  for (let i = 1; i <= 8; i++) await m.move(box.x + box.width * (0.2 + i * 0.05), box.y + box.height * (0.6 - i * 0.03));
  await m.up();
  // The server applied it: the classroom has it.
  await waitFor(`the stroke on the classroom`, () => classroomSurface().getAttribute('data-strokes'), (n) => n === String(strokesAfter));
}

/** Sets the video's time and waits for the seek to finish. */
async function seek(ms: number) {
  await viewer.page.getByTestId('replay-video').evaluate(
    (v: HTMLVideoElement, s) =>
      new Promise<void>((resolve) => {
        v.addEventListener('seeked', () => resolve(), { once: true });
        v.currentTime = s;
      }),
    ms / 1000,
  );
}

describe('a recording played back with its courseware', () => {
  it('the teacher goes live with a classroom, shows a PDF and writes on page 1', async () => {
    teacher = await openLivePage(browser, platform, 'teacher.wang', `/live/${sessionId}`);
    await teacher.page.getByTestId('live-golive').click();
    await teacher.page.getByTestId('live-console').waitFor();
    await waitFor('camera and microphone on', () => teacher.page.evaluate(() => window.tongbuLive!.view.local), (l) => !!l.camera && l.microphone);
    ganpu = await openLivePage(browser, platform, 'class.ganpu', `/live/${sessionId}`);
    await ganpu.page.getByTestId('live-terminal').waitFor();

    await teacher.page.getByTestId('cw-upload').setInputFiles({ name: '分数的认识.pdf', mimeType: 'application/pdf', buffer: slidesPdf(['Page 1', 'Page 2', 'Page 3', 'Page 4']) });
    const item = teacher.page.getByTestId('cw-item').filter({ hasText: '分数的认识.pdf' });
    await item.and(teacher.page.locator('[data-status="ready"]')).waitFor({ timeout: 120_000 });
    await item.getByTestId('cw-show').click();
    await waitFor('the classroom on page 1', () => classroomSurface().getAttribute('data-shown-page'), (p) => p === '1');
    await drawOnTeacherBoard(1);
  });

  it('the lesson is recorded from mid-lesson, on page 1, through two page turns and a stroke', async () => {
    await teacher.page.getByTestId('live-record').click();
    await ganpu.page.getByTestId('live-recording').waitFor();
    await lessonGoesOn();
    await turnTo(2);
    await lessonGoesOn();
    await drawOnTeacherBoard(1);
    await lessonGoesOn();
    await turnTo(3);
    await lessonGoesOn(30);
    await teacher.page.getByTestId('live-record').click();

    const user = await platform.signIn('teacher.wang');
    const list = await waitFor('the recording to be ready', () => user.call(api.listRecordings, { params: { sessionId } }), (r) => r.ok && r.data[0]?.status === 'ready');
    recordingId = list.ok ? list.data[0]!.id : '';
    const res = await user.call(api.recordingTimeline, { params: { recordingId } });
    if (!res.ok) throw new Error(res.error.message);
    timeline = res.data;
    expect(timeline.start).toMatchObject({ active: true, page: 1 });
    expect(timeline.start.pages.map((p) => [p.page, p.strokes.length])).toEqual([[1, 1]]);
    expect(timeline.events.map((e) => `${e.kind}${e.kind === 'page' ? e.payload.page : ''}`)).toEqual(['page2', 'stroke', 'page3']);
    const [two, stroke, three] = timeline.events.map((e) => e.offsetMs) as [number, number, number];
    expect(two).toBeLessThan(stroke);
    expect(stroke).toBeLessThan(three);
    expect(three).toBeLessThan(timeline.durationMs);
    console.log(`replay: recording ${timeline.durationMs} ms; page 2 at ${two} ms, the stroke at ${stroke} ms, page 3 at ${three} ms`);
  });

  it('CW-REPLAY-SYNC: the playback page, opened from the participation report, starts on page 1 with the stroke made before the recording and shows page 3 at its moment', async () => {
    viewer = await openLivePage(browser, platform, 'coord.shiyan', `/live/report/${sessionId}`);
    await viewer.page.getByTestId('replay-link').click();
    await viewer.page.getByTestId('replay-board').waitFor();
    const duration = await waitFor('the video\'s length', () => viewer.page.getByTestId('replay-video').evaluate((v: HTMLVideoElement) => v.duration), (d) => Number.isFinite(d) && d > 0);
    const [, , three] = timeline.events.map((e) => e.offsetMs) as [number, number, number];
    // The video covers the last page turn (time 0 is the recording's start; ffmpeg's first frame follows within a key frame).
    expect(duration * 1000).toBeGreaterThan(three);
    await waitFor('page 1 with its stroke', shown, (s) => s === '1:1');
    await seek(three + 100);
    await waitFor('page 3, nothing written on it', shown, (s) => s === '3:0');
    expect(await viewer.page.getByTestId('replay-where').textContent()).toContain('第 3 / 4 页');
    await viewer.page.screenshot({ path: 'test-results/replay-page-3.png', fullPage: true });
  });

  it('CW-REPLAY-SYNC: seeking back shows the earlier pages as they were then; a page turn in the list jumps to it; played, the board follows the video', async () => {
    const [two, stroke] = timeline.events.map((e) => e.offsetMs) as [number, number, number];
    await seek(stroke + 100);
    await waitFor('page 2 with the stroke', shown, (s) => s === '2:1');
    await seek((two + stroke) / 2);
    await waitFor('page 2 before the stroke', shown, (s) => s === '2:0');
    await seek(0);
    await waitFor('page 1 again', shown, (s) => s === '1:1');
    await viewer.page.getByTestId('replay-turns').getByRole('button').last().click();
    await waitFor('page 3 from its page turn', shown, (s) => s === '3:0');

    await seek(Math.max(0, two - 300));
    await waitFor('page 1 just before the turn', shown, (s) => s === '1:1');
    await viewer.page.getByTestId('replay-video').evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await waitFor('page 2 as the video plays on', shown, (s) => s.startsWith('2:'));
  });
});
