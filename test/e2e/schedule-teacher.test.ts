import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { DEMO_PASSWORD, startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * A core-school teacher plans their own lesson in real Chromium: in "新建安排" the
 * teacher field is theirs (filled in and locked), so the form can be saved and the
 * server accepts a lesson the teacher hosts.
 */
let p: TestPlatform;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  p = await startTestPlatform({ env: { SCHEDULE_REMINDER_TICK_SECONDS: '0' } });
  browser = await launchChromium();
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 } });
  page = await context.newPage();
  await page.goto(`${p.url}/sign-in`);
  await page.getByTestId('sign-in-username').fill('teacher.wang');
  await page.getByTestId('sign-in-password').fill(DEMO_PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
});

afterAll(async () => {
  await browser?.close();
  await p?.close();
});

describe('a teacher plans a lesson', () => {
  it('the teacher field is prefilled with the teacher themselves, and 保存 creates the lesson', async () => {
    // A school day next week or the one after (a teacher may not plan on weekends or in the past).
    let at = Date.now() + 9 * 24 * 3600_000;
    while ([0, 6].includes(new Date(at).getUTCDay())) at += 24 * 3600_000;
    const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(at));
    await page.goto(`${p.url}/schedule?date=${date}`);
    await page.getByTestId('new-session').click();
    const form = page.getByTestId('session-form');
    const host = form.getByTestId('session-host');
    await expect.poll(async () => (await host.locator('option:checked').textContent()) ?? '').toBe('王丽华（海盐县实验小学）');
    expect(await host.isDisabled()).toBe(true);

    await form.getByTestId('session-title').fill('王老师的同步课');
    await form.getByTestId('session-subject').selectOption('math');
    await form.getByTestId('session-host-classroom').selectOption({ label: '海盐县实验小学 同步课堂录播教室' });
    await form.getByTestId('session-member-classrooms').getByLabel('海盐县澉浦小学 三年级(1)班').check();
    await form.getByTestId('session-start').fill('06:00');
    await form.getByTestId('session-end').fill('06:40');
    const save = form.getByTestId('session-save');
    await expect.poll(() => save.isEnabled()).toBe(true);
    await save.click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => page.locator(`[data-day="${date}"] [data-testid="calendar-event"]`).allTextContents()).toContainEqual(expect.stringContaining('王老师的同步课'));
  });
});
