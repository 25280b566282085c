/**
 * The county roster import in real Chromium: an administrator uploads a workbook, reads the dry
 * run (an error named by sheet, row and column, in Chinese), fixes the file, confirms, opens the
 * one-time codes sheet once; a new teacher chooses a password at /activate with the code and signs
 * in (C-ROSTER-DRY-RUN, C-ROSTER-ALL-OR-NOTHING, C-ROSTER-CREDENTIALS).
 * (client/dist must be built: `bash scripts/build-client.sh`.)
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { DEMO_PASSWORD, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { rosterXlsx, XLSX, type RosterRows } from '../support/roster.ts';

let platform: TestPlatform;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  platform = await startTestPlatform();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  page = await context.newPage();
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  await page.goto(`${platform.url}/`);
  await page.getByTestId('sign-in-username').fill('admin');
  await page.getByTestId('sign-in-password').fill(DEMO_PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('current-user').waitFor();
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await platform?.close();
});

const roster = (schoolCode: string): RosterRows => ({
  schools: [{ 学校标识码: schoolCode, 学校名称: '海盐县于城小学', 区县代码: 'zj-jx-haiyan', 学段: '小学', 城乡: '乡村', 新居民子女学校: '否' }],
  teachers: [{ 工号: 'E0001', 姓名: '钱小雨', 学校标识码: '3304240099', 任教学科: '语文' }],
  accounts: [{ 用户名: 'qian.e2e', 角色: '教师', 教师工号: 'E0001' }],
});

async function upload(rows: RosterRows) {
  await page.getByTestId('roster-file').setInputFiles({ name: 'roster.xlsx', mimeType: XLSX, buffer: await rosterXlsx(rows) });
  await page.getByTestId('roster-dry-run').click();
  return page.getByTestId('roster-result');
}

describe('roster import page', () => {
  it('C-ROSTER-DRY-RUN, C-ROSTER-ALL-OR-NOTHING, C-ROSTER-CREDENTIALS: dry run, fix, confirm, the codes sheet once, first sign-in', async () => {
    await page.goto(`${platform.url}/schools/import`);
    let result = await upload(roster('33042'));
    await expect.poll(() => result.textContent()).toContain('“33042”不是 10 位学校标识码');
    expect(await page.getByTestId('roster-commit').isDisabled()).toBe(true);

    result = await upload(roster('3304240099'));
    await expect.poll(() => result.textContent()).toContain('检查通过：3 行');
    expect(await result.textContent()).toContain('学段: 小学');
    await page.getByTestId('roster-commit').click();
    const credentials = page.getByTestId('roster-credentials');
    await expect.poll(() => credentials.textContent()).toContain('1 个新账号的一次性登录码');

    const [sheet] = await Promise.all([context.waitForEvent('page'), page.getByTestId('roster-sheet-html').click()]);
    await sheet.waitForLoadState();
    const html = await sheet.content();
    expect(html).toContain('海盐县于城小学');
    const code = /<code>([0-9a-f]{32})<\/code>/.exec(html)![1]!;
    await expect.poll(() => credentials.textContent()).toContain('登录码已取走');

    const visitor = await browser.newContext({ locale: 'zh-CN' });
    const first = await visitor.newPage();
    await first.goto(`${platform.url}/activate#${code}`);
    expect(await first.getByTestId('activate-code').inputValue()).toBe(code);
    expect(new URL(first.url()).hash).toBe('');
    await first.getByTestId('activate-password').fill('my-own-first-password');
    await first.getByTestId('activate-submit').click();
    await first.getByTestId('activate-done').waitFor();
    await visitor.close();
    const qian = await platform.signIn('qian.e2e', 'my-own-first-password');
    expect(qian.me.account.displayName).toBe('钱小雨');
    expect(errors).toEqual([]);
  });
});
