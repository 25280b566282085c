/**
 * Courseware in a live lesson, end to end in real Chromium through the built client and
 * the real mediasoup worker: the teacher uploads a PDF in the console and shows it, turns
 * pages and every classroom shows the same page (the page-turn latency is measured and
 * printed: from the teacher's click to the page's image on the classroom's screen), a
 * stroke drawn by the teacher appears on the classroom, a late classroom lands on the
 * current page with its strokes, and the teacher's layout reaches the classroom.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { launchChromium } from '../support/chromium.ts';
import { slidesPdf } from '../support/courseware.ts';
import { createLiveSession, tempDataDir } from '../support/live.ts';
import { openLivePage, type LivePage } from '../support/liveBrowser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { waitFor } from '../support/waitFor.ts';

let platform: TestPlatform;
const data = tempDataDir();
let pool: WorkerPool;
let browser: Browser;
let sessionId: string;
let teacher: LivePage;
let ganpu: LivePage;
const PAGES = 12;

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

const surface = (p: LivePage) => p.page.getByTestId('cw-classroom-surface');
const shownPage = (p: LivePage) => surface(p).getAttribute('data-shown-page');

describe('courseware in a live lesson', () => {
  it('the teacher goes live, a classroom joins; the teacher uploads a PDF and shows it, and the classroom shows its first page', async () => {
    teacher = await openLivePage(browser, platform, 'teacher.wang', `/live/${sessionId}`);
    await teacher.page.getByTestId('live-golive').click();
    await teacher.page.getByTestId('live-console').waitFor();
    ganpu = await openLivePage(browser, platform, 'class.ganpu', `/live/${sessionId}`);
    await ganpu.page.getByTestId('live-terminal').waitFor();

    const pdf = slidesPdf(Array.from({ length: PAGES }, (_, i) => `Page ${i + 1}`));
    await teacher.page.getByTestId('cw-upload').setInputFiles({ name: '分数的认识.pdf', mimeType: 'application/pdf', buffer: pdf });
    const item = teacher.page.getByTestId('cw-item').filter({ hasText: '分数的认识.pdf' });
    await item.and(teacher.page.locator('[data-status="ready"]')).waitFor({ timeout: 120_000 });
    await item.getByTestId('cw-show').click();
    await waitFor('the classroom shows page 1', () => shownPage(ganpu), (p) => p === '1');
    expect(await ganpu.page.getByTestId('cw-classroom').getAttribute('data-layout')).toBe('courseware');
  });

  it('page turns: the classroom shows each page the teacher turns to (latency printed)', async () => {
    const latencies: number[] = [];
    for (let page = 2; page <= PAGES; page++) {
      // The teacher's console is on the page before (its own board notification came back).
      await waitFor(`the teacher on page ${page - 1}`, () => teacher.page.getByTestId('cw-page').textContent(), (t) => t === `第 ${page - 1} / ${PAGES} 页`, undefined, 5);
      await teacher.page.getByTestId('cw-next').click();
      await waitFor(`the classroom shows page ${page}`, () => shownPage(ganpu), (p) => p === String(page), undefined, 5);
      const clickedAt = await teacher.page.evaluate(() => (window as { __cwTurnAt?: number }).__cwTurnAt ?? NaN);
      const shownAt = Number(await surface(ganpu).getAttribute('data-shown-at'));
      latencies.push(shownAt - clickedAt);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    console.log(`courseware page turn, teacher click → image on the classroom's screen, ${sorted.length} turns: p50 ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`);
    expect(latencies.every((ms) => Number.isFinite(ms))).toBe(true);
  });

  it('a stroke the teacher draws appears on the classroom', async () => {
    const box = (await teacher.page.getByTestId('cw-teacher-surface').boundingBox())!;
    const m = teacher.page.mouse;
    await m.move(box.x + box.width * 0.2, box.y + box.height * 0.3);
    await m.down();
    for (let i = 1; i <= 10; i++) await m.move(box.x + box.width * (0.2 + i * 0.04), box.y + box.height * (0.3 + i * 0.02));
    await m.up();
    await waitFor('the stroke on the classroom', () => surface(ganpu).getAttribute('data-strokes'), (n) => n === '1');
    expect(await surface(ganpu).locator('path[data-stroke-id]').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+L/);
  });

  it('a classroom that joins late lands on the current page with its strokes; the teacher\'s layout reaches it', async () => {
    const liuli = await openLivePage(browser, platform, 'class.liuli', `/live/${sessionId}`);
    await liuli.page.getByTestId('live-terminal').waitFor();
    await waitFor('the late classroom on the current page', () => shownPage(liuli), (p) => p === String(PAGES));
    expect(await surface(liuli).getAttribute('data-strokes')).toBe('1');
    await teacher.page.getByRole('radio', { name: '并排' }).click();
    await waitFor('the side-by-side layout', () => liuli.page.getByTestId('cw-classroom').getAttribute('data-layout'), (l) => l === 'side');
    await waitFor('the side-by-side layout', () => ganpu.page.getByTestId('cw-classroom').getAttribute('data-layout'), (l) => l === 'side');
    // A classroom picks its own layout for itself.
    await liuli.page.getByRole('radio', { name: '教师为主' }).click();
    expect(await liuli.page.getByTestId('cw-classroom').getAttribute('data-layout')).toBe('teacher');
    expect(await ganpu.page.getByTestId('cw-classroom').getAttribute('data-layout')).toBe('side');
    // The page is on screen at its own aspect ratio (16:9 here), not squeezed to nothing.
    const box = (await surface(ganpu).boundingBox())!;
    expect(box.width).toBeGreaterThan(200);
    expect(box.width / box.height).toBeCloseTo(16 / 9, 1);
    await ganpu.page.screenshot({ path: 'test-results/courseware-classroom-side.png' });
    await teacher.page.screenshot({ path: 'test-results/courseware-teacher.png', fullPage: true });
  });
});
