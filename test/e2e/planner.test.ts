/**
 * The year planner in real Chromium (shared/planner/SPEC.md): a coordinator whose community
 * is at risk reads the advice on the quota page, clicks "按此安排", moves one proposed lesson
 * to another day in the list, accepts everything at once and is back on the quota page with
 * every rule on track. Dates are pinned: the tracker's today (QUOTA_TODAY) and the scheduling
 * clock (SCHEDULE_NOW, S-SCHEDULE-PAST).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api } from '../../shared/api/index.ts';
import { RuleIds } from '../../shared/quotas/rules.ts';
import { addDays } from '../../shared/schedule/time.ts';
import { launchChromium } from '../support/chromium.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { SHIYAN } from '../support/quotas.ts';
import { demoDirectory, PLANNING_NOW } from '../support/schedule.ts';
import { GENEROUS_DEADLINE_MS } from '../support/waitFor.ts';

let platform: TestPlatform;
let browser: Browser;
let communityId: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({ env: { QUOTA_TODAY: '2026-11-23', SCHEDULE_NOW: PLANNING_NOW, LIVE_SWEEP_SECONDS: '0', SCHEDULE_REMINDER_TICK_SECONDS: '0' } });
  communityId = (await demoDirectory(platform.database.db)).community(SHIYAN);
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await platform?.close();
});

async function pageOf(username: string): Promise<{ page: Page; errors: string[] }> {
  const user = await platform.signIn(username);
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  contexts.push(context);
  const [name, ...rest] = user.cookie.split('=');
  await context.addCookies([{ name: name!, value: rest.join('='), url: platform.url }]);
  const page = await context.newPage();
  page.setDefaultTimeout(GENEROUS_DEADLINE_MS);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return { page, errors };
}

describe('the year planner', () => {
  it('PL-ACCEPT-ALL-OR-NOTHING: a coordinator at risk clicks 按此安排, moves one lesson, accepts, and the quota page is on track', async () => {
    const { page, errors } = await pageOf('coord.shiyan');
    await page.goto(`${platform.url}/quotas/communities/${communityId}`);
    const lessons = page.locator(`section[data-rule="${RuleIds.syncLessons}"]`);
    await lessons.waitFor();
    expect(await lessons.getAttribute('class')).toContain('q-rule--at_risk');
    await page.getByTestId(`advice-${RuleIds.syncLessons}`).waitFor();

    // 按此安排 opens the proposal.
    await page.getByTestId(`plan-${RuleIds.syncLessons}`).click();
    await page.getByTestId('planner-page').waitFor();
    expect(page.url()).toContain(`/planner/${communityId}`);
    for (const ruleId of Object.values(RuleIds)) expect(await page.getByTestId(`plan-forecast-${ruleId}`).getAttribute('data-status')).toBe('on_track');
    expect(await page.getByTestId('plan-shortfalls').count()).toBe(0);

    // Move the first lesson from its Tuesday or Thursday to the next day, in the list.
    const first = page.locator('[data-kind="sync_lesson"]').first();
    const key = (await first.getAttribute('data-testid'))!.replace('plan-item-', '');
    const date = (await first.getAttribute('data-date'))!;
    const moved = addDays(date, 1);
    await page.getByTestId(`plan-item-date-${key}`).fill(moved);
    await page.locator(`[data-testid="plan-item-${key}"][data-date="${moved}"]`).waitFor();

    // Accept everything at once: back on the quota page, every rule on track.
    await page.getByTestId('plan-accept').click();
    await page.waitForURL(`**/quotas/communities/${communityId}**`);
    for (const ruleId of Object.values(RuleIds)) {
      await page.locator(`section[data-rule="${ruleId}"].q-rule--on_track`).waitFor();
    }
    expect(await page.locator('[data-testid^="plan-"]').count()).toBe(0);

    // The moved lesson was scheduled on the day the coordinator chose.
    const coord = await platform.signIn('coord.shiyan');
    const day = await coord.call(api.listSessions, { query: { from: `${moved}T00:00:00+08:00`, to: `${addDays(moved, 1)}T00:00:00+08:00`, communityId } });
    if (!day.ok) throw new Error(day.error.message);
    expect(day.data.filter((s) => s.kind === 'sync_lesson')).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
