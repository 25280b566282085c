/**
 * The calendar in real Chromium (zh-CN): sessions coloured by status with a legend; a
 * session dragged to another slot moves (the server's clash check decides: a drag onto a
 * taken teacher is refused and nothing moves); on a phone (390 × 844) the week is a list of
 * seven days and neither the calendar nor the community and school lists scroll sideways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { api } from '../../shared/api/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { signedInPage } from '../support/signedInPage.ts';
import { demoDirectory, lessonDraft, PLANNING_NOW, type DemoDirectory } from '../support/schedule.ts';
import { waitFor } from '../support/waitFor.ts';

let platform: TestPlatform;
let browser: Browser;
let dir: DemoDirectory;
let coord: SignedInClient;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({ env: { SCHEDULE_NOW: PLANNING_NOW, SCHEDULE_REMINDER_TICK_SECONDS: '0' } });
  dir = await demoDirectory(platform.database.db);
  coord = await platform.signIn('coord.shiyan');
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await platform?.close();
});

async function pageOf(username: string, viewport: { width: number; height: number }): Promise<Page> {
  const opened = await signedInPage(browser, platform, username, { viewport });
  contexts.push(opened.context);
  return opened.page;
}

/**
 * A drag and drop as the browser delivers it to the page (dragstart on the chip, dragover
 * and drop on the slot, one DataTransfer), dispatched directly: Playwright's pointer-driven
 * dragTo waits for the slot to be "stable" while React redraws the drop highlight.
 */
async function drag(page: Page, chip: Locator, slot: string) {
  const data = await page.evaluateHandle(() => new DataTransfer());
  const target = page.locator(`[data-slot="${slot}"]`);
  await chip.dispatchEvent('dragstart', { dataTransfer: data });
  await target.dispatchEvent('dragover', { dataTransfer: data });
  await target.dispatchEvent('drop', { dataTransfer: data });
  await chip.dispatchEvent('dragend', { dataTransfer: data });
}

const create = async (startsAt: string, endsAt: string, extra: Record<string, unknown>) => {
  const res = await coord.call(api.createSession, { body: lessonDraft(dir, startsAt, endsAt, extra) });
  if (!res.ok) throw new Error(`${res.status} ${res.error.message}`);
  return res.data.sessions[0]!;
};

describe('the calendar', () => {
  it('colours sessions by status with a legend, and moves a dragged session unless the server finds a clash', async () => {
    const moving = await create('2026-12-08T09:00:00+08:00', '2026-12-08T09:40:00+08:00', { title: '拖动的课' });
    // 王丽华 teaches another lesson on Wednesday 14:00 (another classroom pair), so a drag there clashes.
    await create('2026-12-09T14:00:00+08:00', '2026-12-09T14:40:00+08:00', {
      title: '占用的课',
      hostClassroomId: dir.classroom('海盐县实验小学', '三年级(1)班'),
      memberClassroomIds: [dir.classroom('海盐县六里小学', '四年级(2)班')],
    });
    const cancelled = await create('2026-12-10T10:00:00+08:00', '2026-12-10T10:40:00+08:00', { title: '取消的课', memberClassroomIds: [dir.classroom('海盐县六里小学', '四年级(2)班')] });
    expect((await coord.call(api.cancelSession, { params: { id: cancelled.id }, body: { reason: '教师外出培训' } })).ok).toBe(true);

    const page = await pageOf('coord.shiyan', { width: 1440, height: 1000 });
    await page.goto(`${platform.url}/schedule?date=2026-12-08`);
    const chip = page.locator(`[data-session-id="${moving.id}"]`);
    await chip.waitFor();
    expect(await page.getByTestId('calendar-legend').textContent()).toMatch(/已安排.*进行中.*已完成.*未开展.*已取消/);
    expect(await page.locator(`[data-session-id="${cancelled.id}"]`).getAttribute('data-status')).toBe('cancelled');
    expect(await page.locator(`[data-session-id="${cancelled.id}"]`).textContent()).toContain('已取消');

    // Onto the clashing teacher: refused, named, and nothing moves.
    await drag(page, chip, '2026-12-09T14:00');
    await page.locator('.toast').filter({ hasText: '王丽华' }).first().waitFor();
    const unchanged = await coord.call(api.getSession, { params: { id: moving.id } });
    expect(unchanged.ok && unchanged.data.startsAt).toBe('2026-12-08T01:00:00.000Z');

    // Onto a free slot: moved, same length.
    await drag(page, chip, '2026-12-10T15:30');
    await waitFor('the dragged lesson to move', async () => {
      const s = await coord.call(api.getSession, { params: { id: moving.id } });
      return s.ok ? [s.data.startsAt, s.data.endsAt] : null;
    }, (v) => v?.[0] === '2026-12-10T07:30:00.000Z');
    const moved = await coord.call(api.getSession, { params: { id: moving.id } });
    expect(moved.ok && moved.data.endsAt).toBe('2026-12-10T08:10:00.000Z');
    await page.locator('[data-day="2026-12-10"]').locator(`[data-session-id="${moving.id}"]`).waitFor();
  });

  it('on a phone the week lists its seven days, and no page scrolls sideways', async () => {
    const page = await pageOf('coord.shiyan', { width: 390, height: 844 });
    const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.goto(`${platform.url}/schedule?date=2026-12-08`);
    await page.getByTestId('calendar-agenda').waitFor();
    expect(await page.locator('[data-agenda-day]').count()).toBe(7);
    await page.getByTestId('calendar-agenda').getByTestId('calendar-event').first().waitFor();
    expect(await sideways()).toBeLessThanOrEqual(0);
    for (const path of ['/communities', '/schools', `/communities/${dir.community('实验小学教育共同体')}`]) {
      await page.goto(`${platform.url}${path}`);
      await page.locator('table tbody tr').first().waitFor();
      expect(await sideways(), `${path} scrolls sideways`).toBeLessThanOrEqual(0);
    }
  });
});
