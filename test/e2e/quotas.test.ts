/**
 * The quota tracker in real Chromium (issue #5): a coordinator keeps the quota
 * dashboard of their community open while a synchronized lesson is delivered live
 * (fake camera and microphone, the real mediasoup worker); when the teacher ends it
 * and it is judged delivered, the counted number of Q-SYNC-LESSONS on the open page
 * goes up by one within seconds — no reload, no navigation — and the lesson appears
 * among the counted items with a link to its evidence. Another community's
 * coordinator gets the not-found page for it, with nothing of it on the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { api } from '../../shared/api/index.ts';
import { RuleIds } from '../../shared/quotas/rules.ts';
import { launchChromium } from '../support/chromium.ts';
import { createLiveSession, participationReaches, PLANNED_LATER_MS, receivedFor, scheduledStartNow, shortSessionRules, tempDataDir } from '../support/live.ts';
import { framesGrow, openLivePage, peerIdOf, type LivePage, endFromPage } from '../support/liveBrowser.ts';
import { GENEROUS_DEADLINE_MS, waitFor } from '../support/waitFor.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signedInPage } from '../support/signedInPage.ts';
import { settled, SHIYAN } from '../support/quotas.ts';
import { demoDirectory } from '../support/schedule.ts';

const SYNC = RuleIds.syncLessons;
/** A 30-second lesson: the classroom receives for ≥ 70% of it before the teacher ends it. */
const LESSON_MS = 16_000;
let scheduledStart = 0;

let platform: TestPlatform;
const data = tempDataDir();
let pool: WorkerPool;
let browser: Browser;
let communityId: string;
let sessionId: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1 });
  // Chromium's fake microphone, through echo cancellation and noise suppression, beeps at about −60 dBov.
  platform = await startTestPlatform({ media: pool, env: { LIVE_SWEEP_SECONDS: '0', LIVE_SPEAKER_THRESHOLD_DBOV: '-80', ...data.env } });
  await shortSessionRules(platform);
  communityId = (await demoDirectory(platform.database.db)).community(SHIYAN);
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await platform?.close();
  data.cleanup();
  pool?.close();
});

/** A signed-in page of a demo account at a laptop's size, in Chinese (the default); the not-found test expects the 404 of the API call. */
async function openPage(username: string) {
  const opened = await signedInPage(browser, platform, username, { viewport: { width: 1366, height: 768 }, ignore: /status of 404/ });
  contexts.push(opened.context);
  return opened;
}

const countedOf = async (page: Page) => Number(await page.getByTestId(`counted-${SYNC}`).textContent());

describe('the quota dashboard follows a live lesson', () => {
  it("Q-SYNC-LESSONS: a lesson delivered live in Chromium moves the coordinator's open dashboard by one within seconds, without a reload, and lists it with its evidence", async () => {
    // The lesson happens now: it counts only inside an academic year of the demo calendar.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const detail = await (await platform.signIn('coord.shiyan')).call(api.communityQuota, { params: { communityId }, query: {} });
    if (!detail.ok) throw new Error(detail.error.message);
    expect(detail.data.years.some((y) => y.startsOn <= today && today <= y.endsOn), `${today} is outside the demo calendar's academic years (server/seed/haiyan.ts)`).toBe(true);

    // Planned for later: the teacher goes live early and the classroom joins before the start, which comes
    // once it receives (only the scheduled window counts).
    sessionId = await createLiveSession(platform, { startsInMs: PLANNED_LATER_MS, durationMs: LESSON_MS, members: ['ganpu'] });
    await settled(platform);

    // The coordinator opens the community's quota page and leaves it open.
    const { page: coord, errors } = await openPage('coord.shiyan');
    let navigations = 0;
    coord.on('framenavigated', (f) => {
      if (f === coord.mainFrame()) navigations++;
    });
    await coord.goto(`${platform.url}/quotas/communities/${communityId}`);
    await coord.getByTestId(`counted-${SYNC}`).waitFor();
    // The live channel is up before anything happens (an update is never missed).
    await coord.locator('[data-testid="quota-live"][data-connected="true"]').waitFor();
    const before = await countedOf(coord);
    expect(Number.isInteger(before)).toBe(true);
    const evidenceLink = coord.locator(`[data-testid="quota-items"] a[href="/quotas/evidence/session/${sessionId}"]`);
    expect(await evidenceLink.count()).toBe(0);
    await coord.evaluate(() => {
      (window as unknown as { __quotaMarker?: string }).__quotaMarker = 'still-the-same-page';
    });
    navigations = 0;

    // The lesson, live: the teacher goes live, the classroom terminal joins and receives.
    const teacher: LivePage = await openLivePage(browser, platform, 'teacher.wang', `/live/${sessionId}`);
    contexts.push(teacher.context);
    await teacher.page.getByTestId('live-prejoin').waitFor();
    await waitFor('the network probe', () => teacher.page.getByTestId('live-network').textContent(), (t) => !!t && /\d+/.test(t));
    await teacher.page.getByTestId('live-golive').click();
    await teacher.page.getByTestId('live-console').waitFor();
    const ganpu = await openLivePage(browser, platform, 'class.ganpu', `/live/${sessionId}`);
    contexts.push(ganpu.context);
    await ganpu.page.getByTestId('live-terminal').waitFor();
    await framesGrow(ganpu, 'camera', await peerIdOf(teacher), 30);
    scheduledStart = (await scheduledStartNow(platform, sessionId, LESSON_MS)).startsAt;

    // While it is live it is planned, not counted.
    expect(await countedOf(coord)).toBe(before);

    // Keep teaching until the classroom has received for 70% of the scheduled time, then end it.
    // Only the scheduled window counts: teach through 75% of it.
    await waitFor('75% of the scheduled window', () => Date.now(), (now) => now >= scheduledStart + LESSON_MS * 0.75, 120_000, 500);
    await participationReaches(await platform.signIn('coord.shiyan'), sessionId, 'the classroom to receive for 70%', receivedFor(0.7));
    await endFromPage(teacher.page);
    const status = await waitFor('the verdict on the teacher\'s page', () => teacher.page.getByTestId('live-ended-status').getAttribute('data-status').catch(() => null), (s) => s !== null, 20_000);
    expect(status, (await teacher.page.getByTestId('live-ended-status').textContent()) ?? '').toBe('delivered');
    const endedAt = Date.now();

    // The open dashboard moves by itself (pushed; no reload): counted + 1.
    await expect.poll(() => countedOf(coord), { timeout: GENEROUS_DEADLINE_MS, interval: 100 }).toBe(before + 1);
    const ms = Date.now() - endedAt;
    console.log(`${SYNC} counted ${before} → ${before + 1} on the open dashboard ${ms} ms after the lesson was judged delivered`);

    // Same page: no navigation, no reload (the marker set before is still there).
    expect(navigations).toBe(0);
    expect(await coord.evaluate(() => (window as unknown as { __quotaMarker?: string }).__quotaMarker)).toBe('still-the-same-page');
    expect(new URL(coord.url()).pathname).toBe(`/quotas/communities/${communityId}`);

    // The lesson is among the counted items, counted for Q-SYNC-LESSONS, with a link to its evidence.
    await evidenceLink.waitFor();
    const row = coord.getByTestId('quota-items').locator('tbody tr', { has: coord.locator(`a[href="/quotas/evidence/session/${sessionId}"]`) });
    expect(await row.textContent()).toContain('分数的初步认识');
    expect(await row.textContent()).toContain(SYNC);
    expect(navigations).toBe(0);
    await row.scrollIntoViewIfNeeded();
    await coord.screenshot({ path: 'test-results/quotas-dashboard-live.png' }).catch(() => undefined);

    // The link leads to the evidence: the verdict (delivered, with its rule IDs) and the classroom that received.
    await evidenceLink.click();
    await coord.getByTestId('evidence-verdict-status').waitFor();
    expect(await coord.getByTestId('evidence-verdict-status').getAttribute('data-status')).toBe('delivered');
    expect(await coord.getByTestId('evidence-outcomes').textContent()).toContain('E-CLASSROOM-RECEIVED');
    expect(await coord.getByTestId('evidence-classrooms').textContent()).toMatch(/海盐县澉浦小学.*三年级\(1\)班.*已接收/);
    expect(await coord.getByTestId('evidence-intervals').locator('tbody tr').count()).toBeGreaterThan(3);
    await coord.getByTestId('evidence-timeline').scrollIntoViewIfNeeded();
    await coord.screenshot({ path: 'test-results/quotas-evidence-live.png' }).catch(() => undefined);
    expect(errors).toEqual([]);
  });

  it("Q-SYNC-LESSONS: the coordinator of another community gets the not-found page for this community's quotas and for the lesson's evidence, with nothing of them on it", async () => {
    const { page, errors } = await openPage('coord.xiangyang');
    for (const path of [`/quotas/communities/${communityId}`, `/quotas/evidence/session/${sessionId}`]) {
      const answer = page.waitForResponse((r) => r.url().includes('/api/quotas/'));
      await page.goto(`${platform.url}${path}`);
      expect((await answer).status()).toBe(404);
      await page.getByTestId('not-found').waitFor();
      const text = (await page.locator('main').textContent()) ?? '';
      expect(text).not.toContain('实验小学教育共同体');
      expect(text).not.toContain('分数的初步认识');
      expect(text).not.toContain(SYNC);
      expect(await page.locator('[data-testid^="counted-"]').count()).toBe(0);
    }
    // And the API agrees.
    const other = await platform.signIn('coord.xiangyang');
    const res = await other.call(api.communityQuota, { params: { communityId }, query: {} });
    expect(res.status).toBe(404);
    expect(errors).toEqual([]);
  });
});
