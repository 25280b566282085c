import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { createLiveSession } from '../support/live.ts';
import { DEMO_PASSWORD, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { PLANNING_NOW } from '../support/schedule.ts';
import { GENEROUS_DEADLINE_MS } from '../support/waitFor.ts';

/**
 * A coordinator, in real Chromium against the built client: schedules a weekly
 * synchronized lesson by clicking a slot of the calendar, sees the series in the
 * week and month views, and a clashing booking is refused with the clash named —
 * first by the live check while editing, then by the server on saving.
 */
let p: TestPlatform;
let browser: Browser;
let page: Page;

const TITLE = '每周数学同步课';

beforeAll(async () => {
  p = await startTestPlatform({ env: { SCHEDULE_REMINDER_TICK_SECONDS: '0', SCHEDULE_NOW: PLANNING_NOW } });
  browser = await launchChromium();
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 } });
  page = await context.newPage();
  await page.goto(`${p.url}/sign-in`);
  await page.getByTestId('sign-in-username').fill('coord.shiyan');
  await page.getByTestId('sign-in-password').fill(DEMO_PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
});

afterAll(async () => {
  await browser?.close();
  await p?.close();
});

async function fillLesson(opts: { start?: string; end?: string } = {}) {
  const form = page.getByTestId('session-form');
  await form.getByTestId('session-title').fill(TITLE);
  await form.getByTestId('session-subject').selectOption('math');
  await form.getByTestId('session-host').selectOption({ label: '王丽华（海盐县实验小学）' });
  await form.getByTestId('session-host-classroom').selectOption({ label: '海盐县实验小学 同步课堂录播教室' });
  await form.getByTestId('session-member-classrooms').getByLabel('海盐县澉浦小学 三年级(1)班').check();
  if (opts.start) await form.getByTestId('session-start').fill(opts.start);
  if (opts.end) await form.getByTestId('session-end').fill(opts.end);
  return form;
}

describe('scheduling in the browser', () => {
  it('a coordinator schedules a weekly series from a calendar slot and sees it in the week and month views', async () => {
    await page.goto(`${p.url}/schedule?date=2026-12-01`);
    await expect.poll(() => page.getByTestId('calendar-range').textContent()).toContain('2026-11-30');
    await page.locator('[data-slot="2026-12-01T09:00"]').click();
    const form = await fillLesson();
    expect(await form.getByTestId('session-date').inputValue()).toBe('2026-12-01');
    expect(await form.getByTestId('session-start').inputValue()).toBe('09:00');
    await form.getByRole('radio', { name: '每周，直到' }).click();
    await form.getByTestId('session-until').fill('2027-01-12');
    // The live check says there is no clash and how many lessons the series has (New Year falls on a Friday).
    await expect.poll(() => form.getByTestId('session-check-ok').textContent(), { timeout: GENEROUS_DEADLINE_MS }).toContain('将安排 7 次');
    await form.getByTestId('session-save').click();
    await page.getByTestId('session-form').waitFor({ state: 'detached' });

    const event = page.locator('[data-day="2026-12-01"] [data-testid="calendar-event"]');
    await expect.poll(() => event.textContent()).toContain(TITLE);
    expect(await event.textContent()).toContain('09:00–09:40');

    await page.screenshot({ path: 'test-results/schedule-week.png' }).catch(() => undefined);
    await page.getByTestId('calendar-next').click();
    await expect.poll(() => page.locator('[data-day="2026-12-08"] [data-testid="calendar-event"]').textContent()).toContain(TITLE);

    await page.getByRole('radio', { name: '月', exact: true }).click();
    await page.getByTestId('calendar-month').waitFor();
    await expect.poll(() => page.locator('.sched-month-day [data-testid="calendar-event"]').count()).toBe(6); // every Tuesday shown: 1 Dec … 5 Jan
    await page.screenshot({ path: 'test-results/schedule-month.png' }).catch(() => undefined);
  });

  it('a clashing booking is shown while editing and refused on saving, naming the clash', async () => {
    await page.goto(`${p.url}/schedule?date=2026-12-08`);
    await page.getByRole('radio', { name: '周', exact: true }).click();
    await page.locator('[data-slot="2026-12-08T10:30"]').click();
    const form = await fillLesson({ start: '09:20', end: '10:00' });
    await form.getByTestId('session-title').fill('临时加课');
    const conflicts = form.getByTestId('session-check-conflicts');
    await expect.poll(() => conflicts.textContent(), { timeout: GENEROUS_DEADLINE_MS }).toContain(TITLE);
    expect(await conflicts.textContent()).toContain('王丽华');
    expect(await conflicts.textContent()).toContain('2026-12-08 09:00–09:40');

    await form.getByTestId('session-save').click();
    const refusal = form.getByTestId('conflict');
    await expect.poll(() => refusal.textContent(), { timeout: GENEROUS_DEADLINE_MS }).toContain(TITLE);
    expect(await refusal.textContent()).toContain('王丽华');
    await page.screenshot({ path: 'test-results/schedule-clash.png' }).catch(() => undefined);
  });

  it('the teacher finds a lesson starting in 10 minutes on the home page, one click from the live room (a classroom terminal\'s home is the live list)', async () => {
    const id = await createLiveSession(p, { startsInMs: 10 * 60_000, durationMs: 40 * 60_000, members: ['ganpu'] });
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
    const home = await context.newPage();
    await home.goto(`${p.url}/sign-in`);
    await home.getByTestId('sign-in-username').fill('teacher.wang');
    await home.getByTestId('sign-in-password').fill(DEMO_PASSWORD);
    await home.getByTestId('sign-in-submit').click();
    await home.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    const upcoming = home.getByTestId('upcoming-sessions');
    await expect.poll(() => upcoming.textContent(), { timeout: GENEROUS_DEADLINE_MS }).toContain('分数的初步认识');
    expect(await upcoming.textContent()).toContain('未开始');
    await upcoming.getByTestId('upcoming-enter').first().click();
    await home.waitForURL(`**/live/${id}`);
    await context.close();
  });
});
