/**
 * The county section on the auditor's home in real Chromium: coverage (C-COVERAGE-RURAL not
 * met, 秦山小学 listed), the combined coefficient per stage (B-CV-COMBINED) as the API computes
 * it, the spread chart, rotation (R-ROTATION-SHARE); in English too; the XLSX downloads; an
 * administrator adds a version of the standards on the rules page (C-STANDARD-VERSIONS).
 * (client/dist must be built: `bash scripts/build-client.sh`.)
 */
import ExcelJS from 'exceljs';
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

beforeAll(async () => {
  platform = await startTestPlatform({ env: { QUOTA_TODAY: '2026-11-23' } });
  const auditor = await platform.signIn('auditor.haiyan');
  const r = await auditor.call(api.countyReports, {});
  if (!r.ok) throw new Error(r.error.message);
  report = r.data;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', acceptDownloads: true });
  page = await context.newPage();
  await page.goto(`${platform.url}/`);
  await page.getByTestId('sign-in-username').fill('auditor.haiyan');
  await page.getByTestId('sign-in-password').fill(DEMO_PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('current-user').waitFor();
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

describe('the auditor\'s county section', () => {
  it('C-COVERAGE-RURAL, B-CV-COMBINED and R-ROTATION-SHARE on the home page, as computed, in Chinese and English; the XLSX downloads', async () => {
    const section = page.getByTestId('county-section');
    await section.waitFor();
    const rural = page.getByTestId('county-C-COVERAGE-RURAL');
    expect(await rural.getAttribute('data-status')).toBe('not_met');
    expect(await rural.textContent()).toContain('海盐县秦山小学');
    expect(await page.getByTestId('county-C-COVERAGE-NEW-RESIDENT').getAttribute('data-status')).toBe('met');
    const c = report.counties[0]!;
    for (const s of c.balance.stages) expect(await page.getByTestId(`county-combined-${s.stage}`).textContent()).toBe(s.combined.value!.toFixed(3));
    await page.getByTestId('county-spread-primary').waitFor();
    await page.getByTestId('county-history').waitFor();
    expect(await page.getByTestId('county-rotation-share').textContent()).toContain(`${Math.round((c.rotation.rotated / c.rotation.eligible) * 1000) / 10}%`);
    expect(await section.textContent()).toContain('综合差异系数');
    await page.screenshot({ path: 'test-results/county-section-zh.png', fullPage: true }).catch(() => undefined);

    await page.getByTestId('lang-switch').getByText('English').click();
    await expect.poll(() => section.textContent()).toContain('Combined coefficient');
    expect(await rural.textContent()).toContain('Every rural school in a community');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('county-export-xlsx').click()]);
    const wb = new ExcelJS.Workbook();
    const path = await download.path();
    await wb.xlsx.readFile(path);
    expect(wb.worksheets.map((w) => w.name)).toContain('校际差异系数');
    expect(download.suggestedFilename()).toBe(`tongbu-county-${report.academicYear}.xlsx`);
    expect(errors).toEqual([]);
  });
});

describe('the county\'s figures, entered by an administrator', () => {
  it('a school\'s resource figures are entered on its page and read back; a rotation recorded from the home page raises R-ROTATION-SHARE', async () => {
    const admin = await platform.signIn('admin');
    const schools = await admin.call(api.listSchools, {});
    if (!schools.ok) throw new Error(schools.error.message);
    const wuyuan = schools.data.find((x) => x.name === '海盐县武原小学')!;
    const entered = await admin.call(api.getSchoolResources, { params: { schoolId: wuyuan.id, academicYear: report.academicYear } });
    if (!entered.ok) throw new Error(entered.error.message);
    const { page: p, context: c, errors: adminErrors } = await signedInPage(browser, platform, 'admin');
    try {
      await p.goto(`${platform.url}/schools/${wuyuan.id}`);
      await p.getByTestId('edit-resources').click();
      await p.getByTestId('resources-pupils').fill('960');
      await p.getByTestId('resources-sportsGroundArea').fill('7200.5');
      await p.getByTestId('save-resources').click();
      await p.getByTestId('resources-drawer').waitFor({ state: 'detached' });
      expect(await p.getByTestId('school-resources').textContent()).toContain('7200.5');
      const year = report.academicYear;
      const saved = await admin.call(api.getSchoolResources, { params: { schoolId: wuyuan.id, academicYear: year } });
      // The two changed; the others kept what the demo county had entered.
      expect(saved.ok && saved.data).toEqual({ ...entered.data, pupils: 960, sportsGroundArea: 7200.5 });

      const rotation = report.counties[0]!.rotation;
      const before = rotation.rotated;
      // A teacher of 实验小学 who has not served elsewhere this year.
      const shiyan = schools.data.find((x) => x.name === '海盐县实验小学')!;
      const staff = await admin.call(api.listTeachers, { params: { schoolId: shiyan.id } });
      if (!staff.ok) throw new Error(staff.error.message);
      const teacher = staff.data.find((x) => !rotation.entries.some((e) => e.teacherId === x.id))!;
      await p.goto(`${platform.url}/`);
      await p.getByTestId('record-rotation').first().click();
      const drawer = p.getByTestId('rotation-drawer');
      await drawer.getByTestId('rotation-from').selectOption({ label: '海盐县实验小学' });
      await drawer.getByTestId('rotation-teacher').selectOption({ label: teacher.name });
      await drawer.getByTestId('rotation-to').selectOption({ label: '海盐县澉浦小学' });
      await drawer.getByTestId('rotation-starts').fill('2027-02-22');
      await drawer.getByTestId('rotation-ends').fill('2027-07-02');
      await drawer.getByTestId('save-rotation').click();
      await drawer.waitFor({ state: 'detached' });
      const after = await admin.call(api.countyReports, { query: { academicYear: year } });
      const haiyan = after.ok ? after.data.counties.find((x) => x.countyName === '海盐县') : undefined;
      expect(haiyan?.rotation.rotated).toBe(before + 1);
      expect(adminErrors).toEqual([]);
    } finally {
      await c.close();
    }
  });
});

describe('the county standards, versioned by an administrator', () => {
  it('C-STANDARD-VERSIONS: a new version is added on the rules page, starting from the latest one; the list shows it', async () => {
    const { page: p, context: c, errors: adminErrors } = await signedInPage(browser, platform, 'admin');
    try {
      await p.goto(`${platform.url}/live/rules`);
      const card = p.getByTestId('county-standards');
      await expect.poll(() => card.getByTestId('county-standards-table').textContent()).toContain('B-STD-2017');
      // the form starts from B-STD-2017's values
      expect(await card.getByTestId('county-standards-cvThreshold.primary').inputValue()).toBe('0.5');
      await card.getByTestId('county-standards-id').fill('B-STD-2031');
      await card.getByTestId('county-standards-from').fill('2031-09-01');
      await card.getByTestId('county-standards-title').fill('测试版本');
      await card.getByTestId('county-standards-cvThreshold.primary').fill('0.4');
      await card.getByTestId('county-standards-add').click();
      await expect.poll(() => card.getByTestId('county-standards-table').textContent()).toContain('B-STD-2031');
      const admin = await platform.signIn('admin');
      const listed = await admin.call(api.listCountyStandards, {});
      const added = listed.ok ? listed.data.find((v) => v.id === 'B-STD-2031') : undefined;
      expect(added?.kind === 'balance' && [added.effectiveFrom, added.values.cvThreshold, added.values.standards.qualifiedTeachers]).toEqual(['2031-09-01', { primary: 0.4, junior_middle: 0.45 }, { primary: 4.2, junior_middle: 5.3 }]);
      expect(adminErrors).toEqual([]);
    } finally {
      await c.close();
    }
  });
});
