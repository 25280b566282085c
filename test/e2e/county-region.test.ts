/**
 * A city auditor in real Chromium (C-AUDIT-REGION, C-AUDIT-COMPARE): auditor.jiaxing signs in
 * and sees 海盐县 and 秀洲区 side by side on the home page — the comparison table with the
 * figures the API computes, its chart, each county's block — in Chinese and English, and
 * downloads the comparison as CSV; an administrator creates a province auditor on the
 * accounts page. (client/dist must be built: `bash scripts/build-client.sh`.)
 */
import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import type { CountyReports } from '../../shared/schemas/county.ts';
import { launchChromium } from '../support/chromium.ts';
import { DEMO_PASSWORD, startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signedInPage } from '../support/signedInPage.ts';

let platform: TestPlatform;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let report: CountyReports;
const errors: string[] = [];

const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;

beforeAll(async () => {
  platform = await startTestPlatform({ env: { QUOTA_TODAY: '2026-11-23' } });
  const auditor = await platform.signIn('auditor.jiaxing');
  const r = await auditor.call(api.countyReports, {});
  if (!r.ok) throw new Error(r.error.message);
  report = r.data;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
  page = await context.newPage();
  await page.goto(`${platform.url}/`);
  await page.getByTestId('sign-in-username').fill('auditor.jiaxing');
  await page.getByTestId('sign-in-password').fill(DEMO_PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('current-user').waitFor();
  // Errors from here on (before signing in, the page's session check is a 401 by design).
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await platform?.close();
});

describe('the city auditor\'s home', () => {
  it('C-AUDIT-COMPARE: 海盐县 and 秀洲区 side by side — the comparison as computed, its chart, both counties\' blocks — in Chinese and English; the CSV downloads', async () => {
    const cmp = report.comparison!;
    expect(cmp.counties.map((c) => c.countyName).sort()).toEqual(['海盐县', '秀洲区'].sort());
    const table = page.getByTestId('county-compare-table');
    await table.waitFor();
    await expect.poll(() => table.getByTestId('county-compare-name').allTextContents()).toEqual(cmp.counties.map((c) => c.countyName));
    expect(await table.getByTestId('county-compare-attainment').allTextContents()).toEqual(cmp.counties.map((c) => pct(c.attainment.value!)));
    expect(await table.getByTestId('county-compare-rural').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(cmp.counties.map((c) => c.coverageRural));
    expect(await page.getByTestId('county-compare-communities').textContent()).toContain('秀洲区实验小学教育共同体');
    await page.getByTestId('county-compare-chart').locator('canvas').waitFor();
    expect(await page.getByTestId('county-block').evaluateAll((els) => els.map((e) => e.getAttribute('data-county')))).toEqual(report.counties.map((c) => c.countyName));
    expect(await page.getByTestId('county-compare').textContent()).toContain('区县对比');
    await page.screenshot({ path: 'test-results/county-region-zh.png', fullPage: true }).catch(() => undefined);

    await page.getByTestId('lang-switch').getByText('English').click();
    await expect.poll(() => page.getByTestId('county-compare').textContent()).toContain('Counties side by side');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('county-export-compare').click()]);
    const rows = parseCsv(await readFile(await download.path()), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.filter((r) => r['层级 Level'] === '区县 county').map((r) => r['区县 County'])).toEqual(cmp.counties.map((c) => c.countyName));
    expect(download.suggestedFilename()).toBe(`tongbu-county-${report.academicYear}-compare.csv`);
    expect(errors).toEqual([]);
  });
});

describe('accounts', () => {
  it('C-AUDIT-REGION: an administrator creates a province auditor on the accounts page; it signs in to see both counties', async () => {
    const { page: p, context: c, errors: adminErrors } = await signedInPage(browser, platform, 'admin');
    try {
      await p.goto(`${platform.url}/accounts`);
      await p.getByTestId('create-account').click();
      const drawer = p.getByTestId('account-drawer');
      await drawer.getByTestId('account-role').selectOption('auditor');
      await drawer.getByTestId('account-audit-level').selectOption('province');
      await drawer.getByTestId('account-audit-region').selectOption('浙江省');
      await drawer.getByTestId('account-username').fill('auditor.zhejiang');
      await drawer.getByTestId('account-display-name').fill('浙江省教育厅督导');
      await drawer.getByTestId('account-password').fill(DEMO_PASSWORD);
      await drawer.getByTestId('save').click();
      await drawer.waitFor({ state: 'detached' });
      const zj = await platform.signIn('auditor.zhejiang');
      expect(zj.me.account).toMatchObject({ role: 'auditor', auditLevel: 'province', auditProvince: '浙江省', countyId: null });
      const seen = await zj.call(api.countyReports, {});
      expect(seen.ok && seen.data.counties.map((x) => x.countyName).sort()).toEqual(['海盐县', '秀洲区'].sort());
      expect(adminErrors).toEqual([]);
    } finally {
      await c.close();
    }
  });
});
