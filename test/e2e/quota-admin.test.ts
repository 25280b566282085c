/**
 * Quota rules, closing a year and the audit trail in real Chromium (issue #5): the admin
 * raises Q-SYNC-LESSONS for 嘉兴市 2026-2027 on the rules page (a v2 appears, v1 stays, the
 * API's refusal of a bad threshold shows on the field) and the coordinator's open dashboard
 * shows the new required number; the admin closes 海盐县 2025-2026 (the page and the
 * coordinator's dashboard show it frozen) and reopens it with a reason; the county auditor
 * finds both changes in the audit trail with who and before → after, in Chinese and English.
 * (client/dist must be built: `bash scripts/build-client.sh`.)
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { RuleIds } from '../../shared/quotas/rules.ts';
import { launchChromium } from '../support/chromium.ts';
import { DEMO_PASSWORD, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { lesson, plan, settled, SHIYAN } from '../support/quotas.ts';
import { demoDirectory } from '../support/schedule.ts';
import { GENEROUS_DEADLINE_MS } from '../support/waitFor.ts';

const SYNC = RuleIds.syncLessons;
const REGION = 'city:嘉兴市';
const YEAR = '2026-2027';
const PAST = '2025-2026';
const REASON = '教育局要求补录一节课';
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;

let platform: TestPlatform;
let browser: Browser;
let communityId: string;
let admin: Page;
let coord: Page;
const contexts: BrowserContext[] = [];
const errors: string[] = [];

beforeAll(async () => {
  // Today pinned inside 2026-2027 (26.4 teaching weeks left), so 2025-2026 is a finished year
  // that can be closed.
  platform = await startTestPlatform({ env: { QUOTA_TODAY: '2026-11-23' } });
  communityId = (await demoDirectory(platform.database.db)).community(SHIYAN);
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await platform?.close();
});

/** A fresh browser at a laptop's size, in Chinese, signed in through the sign-in page. */
async function signedIn(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${platform.url}/`);
  await page.getByTestId('sign-in-username').fill(username);
  await page.getByTestId('sign-in-password').fill(DEMO_PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('current-user').waitFor();
  // From here on (the 401 of "who am I?" before signing in is expected) any fault is one.
  page.on('pageerror', (err) => errors.push(`${username}: page error: ${err.message}`));
  page.on('console', (msg) => {
    // The 400s are the refusals this test provokes on purpose (a threshold of 0, a too-short reason).
    if (msg.type() === 'error' && !/status of 400/.test(msg.text())) errors.push(`${username}: console: ${msg.text()}`);
  });
  return page;
}

type Locator = ReturnType<Page['locator']>;
/** Text with the white space dropped (cells and badges run together in textContent): compare with sq('…'). */
const sq = (s: string) => s.replace(/\s+/g, '');
const rx = (source: string) => new RegExp(sq(source));
const adminId = async () => (await platform.signIn('admin')).me.account.id;
const text = async (where: Page | Locator, testId?: string) => sq((testId ? await (where as Page).getByTestId(testId).textContent() : await (where as Locator).textContent()) ?? '');

describe('quota rules, closing a year and the audit trail', () => {
  it(`${SYNC}: the admin raises the threshold of 嘉兴市 ${YEAR} on the rules page — v2 appears beside v1, a bad value is refused on its field — and the coordinator's open dashboard shows the new required number`, async () => {
    // The coordinator keeps their community's dashboard open.
    coord = await signedIn('coord.shiyan');
    await coord.goto(`${platform.url}/quotas/communities/${communityId}?year=${YEAR}`);
    const required = coord.getByTestId(`required-${SYNC}`);
    await expect.poll(() => required.textContent()).toBe('20');
    await coord.locator('[data-testid="quota-live"][data-connected="true"]').waitFor();
    // Teaching weeks left are shown as whole weeks (rounded down), not as the API's fraction.
    const detail = await (await platform.signIn('coord.shiyan')).call(api.communityQuota, { params: { communityId }, query: { academicYear: YEAR } });
    const exact = detail.ok ? detail.data.progress.rules.find((r) => r.ruleId === SYNC)!.termWeeksLeft : NaN;
    expect(Number.isInteger(exact)).toBe(false);
    expect(await text(coord.locator(`[data-rule="${SYNC}"] .q-rule-meta`))).toContain(sq(`剩余教学周 ${Math.floor(exact)}`));
    expect(await text(coord.locator(`[data-rule="${SYNC}"] .q-rule-meta`))).not.toContain(String(exact));

    // The admin opens the rules from the navigation: 嘉兴市 has v1 for the year, and it judges 海盐县.
    admin = await signedIn('admin');
    await admin.getByTestId('nav-quota-rules').click();
    await admin.getByTestId('rules-year').selectOption(YEAR);
    const card = admin.getByTestId(`ruleset-${REGION}`);
    await card.waitFor();
    const versions = card.getByTestId('ruleset-versions').locator('tbody tr');
    expect(await versions.count()).toBe(1);
    expect(await card.getByTestId(`minimum-${SYNC}`).textContent()).toBe('20');
    expect(await text(admin, 'resolve-answer')).toContain(sq(`海盐县 ${YEAR} 学年的教共体按 嘉兴市 第1版 评判`));

    // A new version of 嘉兴市 starts from v1.
    await card.getByTestId(`new-version-${REGION}`).click();
    await admin.getByTestId('rule-set-form').waitFor();
    expect(await text(admin, 'rule-set-base')).toContain(sq(`以 嘉兴市 第1版 · ${YEAR} 为基础`));
    expect(await text(admin, 'rule-set-base')).toContain(sq('第2版'));

    // 0 is refused by the API, and the message sits on that rule's threshold; nothing is saved.
    await admin.getByTestId(`minimum-${SYNC}`).fill('0');
    await admin.getByTestId('save-rule-set').click();
    const fieldError = admin.getByTestId(`rule-row-${SYNC}`).locator('.field--invalid .field-error');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toBe('须大于 0');
    expect(await admin.getByTestId(`minimum-${SYNC}`).getAttribute('aria-invalid')).toBe('true');
    const stored = await (await platform.signIn('admin')).call(api.listQuotaRuleSets, { query: { region: REGION, academicYear: YEAR } });
    expect(stored.ok && stored.data.map((s) => s.version)).toEqual([1]);

    await admin.getByTestId(`minimum-${SYNC}`).fill('24');
    expect(await fieldError.count()).toBe(0);
    await admin.getByTestId('rule-set-note').fill('嘉兴市提高同步课要求');
    expect(await text(admin, 'rule-set-preview')).toContain(sq(`${SYNC} 最低要求 20 → 24`));
    await admin.getByTestId('save-rule-set').click();

    // Back on the list: v2 is in force with what it changed; v1 is still there, with its own number.
    await admin.waitForURL((u) => u.pathname === '/quota-rules' && u.searchParams.get('year') === YEAR);
    await expect.poll(() => versions.count()).toBe(2);
    expect(await text(versions.nth(0))).toMatch(rx(`^第2版 现行 ${SYNC} 最低要求 20 → 24 嘉兴市提高同步课要求 系统管理员 \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}`));
    expect(await text(versions.nth(1))).toMatch(rx('^第1版 首个版本'));
    expect(await card.getByTestId(`minimum-${SYNC}`).textContent()).toBe('24');
    await expect.poll(() => text(admin, 'resolve-answer')).toContain(sq('嘉兴市 第2版 评判'));
    await admin.screenshot({ path: 'test-results/quota-admin-rules.png' });
    await versions.nth(1).getByRole('button', { name: '查看规则' }).click();
    expect(await card.getByTestId(`minimum-${SYNC}`).textContent()).toBe('20');

    // The coordinator's open dashboard follows, without a reload: 24 required, judged by 嘉兴市 v2.
    await expect.poll(() => required.textContent(), { timeout: GENEROUS_DEADLINE_MS, interval: 200 }).toBe('24');
    expect(await text(coord.locator('.page-header'))).toContain(sq('规则版本 嘉兴市 第2版'));

    // A past year keeps the rules it was judged by.
    const past = await (await platform.signIn('coord.shiyan')).call(api.communityQuota, { params: { communityId }, query: { academicYear: PAST } });
    if (!past.ok) throw new Error(past.error.message);
    expect(past.data.progress.ruleSet).toMatchObject({ region: REGION, version: 1 });
    expect(past.data.progress.rules.find((r) => r.ruleId === SYNC)!.required).toBe(20);
    expect(errors).toEqual([]);
  });

  it(`${SYNC}: the admin closes 海盐县 ${PAST} after a confirmation — the page and the coordinator's dashboard show it frozen, a late change is refused — then reopens it with a reason`, async () => {
    await admin.getByRole('radio', { name: '学年关账' }).click();
    await admin.getByTestId('close-year-form').waitFor();
    await admin.getByTestId('close-academic-year').selectOption(PAST);
    await admin.getByTestId('close-note').fill(`${PAST} 学年报告已签发`);
    await admin.getByTestId('close-year').click();
    const dialog = admin.getByTestId('close-dialog');
    expect(await text(dialog)).toContain(sq(`关闭 海盐县 ${PAST} 学年？`));
    expect(await text(dialog)).toContain(sq('之后对该学年计数项'));
    await dialog.getByTestId('close-confirm').click();
    await dialog.waitFor({ state: 'detached' });

    const row = admin.getByTestId('closures-table').locator('tbody tr', { hasText: PAST });
    await expect.poll(() => text(row)).toMatch(rx('已关账 数字已冻结 · 3 个教共体'));
    expect(await text(row)).toContain(sq(`${PAST} 学年报告已签发`));
    expect(await text(row)).toContain(sq('关账人 系统管理员'));
    expect(await admin.getByTestId('close-year').isDisabled()).toBe(true);
    await admin.screenshot({ path: 'test-results/quota-admin-closed.png' });
    // The rules of that year say it is frozen.
    await admin.getByTestId('rules-year').selectOption(PAST);
    await admin.getByRole('radio', { name: '规则版本' }).click();
    expect(await text(admin, 'rules-closed-year')).toContain(sq(`海盐县 ${PAST} 学年于`));

    // The coordinator sees the year frozen, and the platform refuses a late change to it.
    await coord.goto(`${platform.url}/quotas/communities/${communityId}?year=${PAST}`);
    await coord.getByText('已关账：数字冻结于').waitFor();
    const dir = await demoDirectory(platform.database.db);
    const late = await (await platform.signIn('coord.shiyan')).call(api.createOfflineResearch, {
      body: { communityId, title: '关账后补录的线下教研', heldOn: '2026-04-02', place: '实验小学', hostSchoolId: dir.school('海盐县实验小学'), minutes: '补录' },
    });
    expect(late.status).toBe(409);

    // Reopening needs a reason the API accepts; its refusal shows on the field.
    await admin.getByRole('radio', { name: '学年关账' }).click();
    await row.getByTestId(`reopen-${PAST}`).click();
    const reopen = admin.getByTestId('reopen-dialog');
    await reopen.getByTestId('reopen-reason').fill('补录');
    await reopen.getByTestId('reopen-confirm').click();
    const reasonError = reopen.locator('[data-field="reason"] .field-error');
    await reasonError.waitFor();
    expect(await reasonError.textContent()).toBe('至少 4 个字符');
    const still = await (await platform.signIn('admin')).call(api.listYearClosures, { query: { academicYear: PAST } });
    expect(still.ok && still.data.map((c) => c.reopenedAt)).toEqual([null]);

    await reopen.getByTestId('reopen-reason').fill(REASON);
    await reopen.getByTestId('reopen-confirm').click();
    await reopen.waitFor({ state: 'detached' });
    await expect.poll(() => text(row)).toMatch(rx(`已重新开放 系统管理员 重新开放于 \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} 理由：${REASON}`));
    expect(await row.getByTestId(`reopen-${PAST}`).count()).toBe(0);
    expect(await admin.getByTestId('close-year').isDisabled()).toBe(false);
    await settled(platform);
    expect(errors).toEqual([]);
  });

  it(`${SYNC}: the county auditor finds the new rule version and the closing and reopening in the audit trail — who, when, before → after — in Chinese and in English`, async () => {
    const auditor = await signedIn('auditor.haiyan');
    await auditor.getByTestId('nav-audit').click();
    const table = auditor.getByTestId('audit-table');
    // Entries only: not the table's loading or empty row.
    const rows = table.locator('tbody tr:not(.table-state)');
    await rows.first().waitFor();

    // The rule version: by the admin, v2 of 嘉兴市, Q-SYNC-LESSONS 20 struck through, 24 after it.
    await auditor.getByTestId('audit-table-filter').selectOption('quota_rule_sets');
    const ruleRow = rows.filter({ hasText: '嘉兴市 第2版' });
    await ruleRow.waitFor();
    // The platform's own versions (the migration's) are there too, by the system; the admin wrote one.
    expect(await rows.filter({ has: auditor.locator('[data-testid="audit-actor"]', { hasText: /^系统$/ }) }).count()).toBe(4);
    expect(await rows.filter({ hasText: '系统管理员' }).count()).toBe(1);
    expect(await text(ruleRow.getByTestId('audit-actor'))).toBe(sq('系统管理员 admin'));
    expect(await text(ruleRow)).toMatch(rx('^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} 系统管理员 admin 新增 指标规则 地区级（规则）'));
    expect(await text(ruleRow)).toContain(sq(`嘉兴市 第2版 · ${YEAR} · 嘉兴市提高同步课要求 相对第1版`));
    const change = ruleRow.locator(`[data-testid="audit-rule-changes"] li[data-rule="${SYNC}"]`);
    expect(await change.locator('del').textContent()).toBe('20');
    expect(await change.locator('ins').textContent()).toBe('24');

    // Closing and reopening: newest first; the reopening shows what changed, before → after.
    await auditor.getByTestId('audit-table-filter').selectOption('quota_year_closures');
    await expect.poll(() => rows.count()).toBe(2);
    const reopened = rows.nth(0);
    const closed = rows.nth(1);
    expect(await text(reopened)).toMatch(rx('系统管理员 admin 修改 学年关账 海盐县'));
    const reason = reopened.locator('[data-field="reopen_reason"]');
    expect(await reason.locator('.au-null').textContent()).toBe('—');
    expect(await reason.locator('ins').textContent()).toBe(REASON);
    expect(await reopened.locator('[data-field="reopened_at"] ins').textContent()).toMatch(LOCAL_TIME);
    expect(await reopened.locator('[data-field="reopened_by"] ins').textContent()).toBe('系统管理员');
    expect(await text(closed)).toMatch(rx('系统管理员 admin 新增 学年关账 海盐县'));
    expect(await closed.locator('[data-field="note"]').textContent()).toContain(`${PAST} 学年报告已签发`);
    expect(await closed.locator('[data-field="academic_year"]').textContent()).toContain(PAST);

    // Filters narrow it: who (a click on a name: the admin's three acts, in every table), the
    // operation, and a date range that ends before today finds nothing.
    await reopened.getByRole('button', { name: '系统管理员' }).click();
    await expect.poll(() => new URL(auditor.url()).searchParams.get('actor')).toBe(await adminId());
    await auditor.getByTestId('audit-table-filter').selectOption('');
    await expect.poll(() => rows.count()).toBe(3);
    expect((await rows.allTextContents()).every((r) => sq(r).includes('系统管理员admin'))).toBe(true);
    await auditor.getByTestId('audit-table-filter').selectOption('quota_year_closures');
    await expect.poll(() => rows.count()).toBe(2);
    await auditor.getByTestId('audit-op-filter').selectOption('update');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await text(rows.first())).toContain('修改');
    await auditor.getByTestId('audit-to').fill('2020-01-01');
    await table.getByText('没有符合条件的记录').waitFor();
    expect(await rows.count()).toBe(0);
    await auditor.getByTestId('audit-to').fill('');
    await expect.poll(() => rows.count()).toBe(1);
    await auditor.screenshot({ path: 'test-results/quota-admin-audit-zh.png' });

    // The same page in English.
    await auditor.getByTestId('lang-switch').getByText('English').click();
    await auditor.getByRole('heading', { level: 1, name: 'Audit trail' }).waitFor();
    expect(await text(rows.first())).toMatch(rx('系统管理员 admin Changed Year closures 海盐县'));
    expect(await text(rows.first().locator('[data-field="reopen_reason"]'))).toBe(sq(`Reason for reopening — → ${REASON}`));
    await auditor.screenshot({ path: 'test-results/quota-admin-audit-en.png' });
    expect(errors).toEqual([]);
  });

  it(`${SYNC}: a coordinator's audit trail holds only their community's entries — not the region's rules, not the county's closures — 50 at a time`, async () => {
    await coord.goto(`${platform.url}/audit?table=quota_rule_sets`);
    await coord.getByTestId('audit-table').getByText('没有符合条件的记录').waitFor();
    await coord.goto(`${platform.url}/audit?table=quota_year_closures`);
    await coord.getByTestId('audit-table').getByText('没有符合条件的记录').waitFor();
    // Something of their own is there, and it is theirs.
    const mine = await (await platform.signIn('coord.shiyan')).call(api.createOfflineResearch, {
      body: { communityId, title: '审计日志里的线下教研', heldOn: '2026-12-01', place: '实验小学', hostSchoolId: (await demoDirectory(platform.database.db)).school('海盐县实验小学'), minutes: '纪要' },
    });
    if (!mine.ok) throw new Error(mine.error.message);
    await coord.goto(`${platform.url}/audit?table=offline_research`);
    const row = coord.getByTestId('audit-table').locator('tbody tr', { hasText: '审计日志里的线下教研' });
    await row.waitFor();
    expect(await text(row)).toMatch(rx('实验小学教共体协调员 coord\\.shiyan 新增 线下教研 海盐县实验小学教育共同体'));

    // A term of weekly lessons writes well over a page (each lesson, its teachers, its classrooms): the rest comes on demand, older.
    const ids = await plan(await platform.signIn('coord.shiyan'), lesson(await demoDirectory(platform.database.db), '2027-03-01', { time: '08:00', recurrence: { count: 16 } }));
    expect(ids).toHaveLength(16);
    await coord.goto(`${platform.url}/audit`);
    const rows = coord.getByTestId('audit-table').locator('tbody tr:not(.table-state)');
    await expect.poll(() => rows.count()).toBe(50);
    expect(await text(coord, 'audit-filters')).toContain(sq('已显示 50 条'));
    const times = async () => (await rows.locator('td:first-child').allTextContents()).map((x) => x.trim());
    const firstPage = await times();
    await coord.getByTestId('audit-more').click();
    await expect.poll(() => rows.count()).toBeGreaterThan(50);
    const all = await times();
    expect(all.slice(0, 50)).toEqual(firstPage);
    // Newest first throughout, and every entry is of the coordinator's community.
    expect([...all].sort().reverse()).toEqual(all);
    expect((await rows.allTextContents()).every((r) => r.includes('海盐县实验小学教育共同体'))).toBe(true);
    expect(errors).toEqual([]);
  });
});
