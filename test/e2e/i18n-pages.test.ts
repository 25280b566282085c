import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * Every page in zh-CN, as each role sees it (the demo county with its year so far), in real
 * Chromium against the built client: no dictionary key shown as such, and no English beyond
 * proper names and codes (rule IDs, file formats).
 */
let p: TestPlatform;
let browser: Browser;

/** Proper names and format names that stay as they are in a Chinese interface. */
const PROPER = new Set([
  ...['tongbu', 'ICS', 'iCal', 'iCalendar', 'CSV', 'GBK', 'XLSX', 'Excel', 'PDF', 'ID', 'URL', 'Asia/Shanghai', 'English', 'WebRTC', 'PNG', 'JPEG', 'Redis', 'CPU'],
  // "1+X": one core school and X member schools (the communities' own formula).
  'X',
  // The S-T analysis's own symbols (S-T分析法): T and S samples, Rt and Ch.
  ...['T', 'S', 'Rt', 'Ch'],
  // The demo county's sign-in names.
  ...['admin', 'auditor.haiyan', 'auditor.jiaxing', 'coord.junior', 'coord.shiyan', 'coord.xiangyang', 'teacher.li', 'teacher.wang', 'class.ganpu', 'class.liuli'],
]);
/** A rule ID (E-TEACHER-PUBLISHED, Q-SYNC-LESSONS) or another upper-case code. */
const CODE = /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$/;

function strayEnglish(text: string): string[] {
  const words = text.match(/[A-Za-z][A-Za-z0-9_/-]*(?:\.[A-Za-z][A-Za-z0-9_-]*)*/g) ?? [];
  return [...new Set(words.filter((w) => !PROPER.has(w) && !CODE.test(w) && !/^[a-z]$/.test(w)))];
}

const PAGES: Record<string, string[]> = {
  admin: ['/', '/communities', '/schools', '/schools/import', '/accounts', '/schedule', '/live', '/live/rules', '/quotas', '/quota-rules', '/audit', '/system/nodes'],
  'auditor.haiyan': ['/', '/quotas', '/live/patrol', '/audit', '/schedule'],
  'coord.shiyan': ['/', '/communities', '/schools', '/schools/import', '/schedule', '/schedule/import', '/schedule/offline-research', '/schedule/dispatch', '/live', '/live/patrol', '/quotas', '/audit'],
  'teacher.wang': ['/', '/schedule', '/live'],
  'class.ganpu': ['/', '/schedule', '/live'],
};

async function signedIn(username: string): Promise<{ context: BrowserContext; page: Page }> {
  const user = await p.signIn(username);
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 } });
  const [name, ...rest] = user.cookie.split('=');
  await context.addCookies([{ name: name!, value: rest.join('='), url: p.url }]);
  return { context, page: await context.newPage() };
}

/** The page's visible text once it has settled (no spinner left). */
async function textOf(page: Page, path: string): Promise<string> {
  await page.goto(p.url + path);
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await expect.poll(() => page.locator('.spinner').count(), { timeout: 20_000 }).toBe(0);
  return page.locator('main').innerText();
}

/** The first links of a page that lead to detail pages (a community, a school, evidence…). */
async function detailLinks(page: Page, prefix: string, n = 2): Promise<string[]> {
  const hrefs = await page.locator(`main a[href^="${prefix}"]`).evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  return [...new Set(hrefs.filter((h) => h.split('/').length > prefix.split('/').length))].slice(0, n);
}

beforeAll(async () => {
  // The node's name is shown on the admin's node page: a number here (by default the host name, a proper name).
  p = await startTestPlatform({ env: { SCHEDULE_REMINDER_TICK_SECONDS: '0', LIVE_SWEEP_SECONDS: '0', CLUSTER_NODE_ID: '01' } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await p?.close();
});

describe('every page in zh-CN', () => {
  for (const [username, paths] of Object.entries(PAGES)) {
    it(`${username}: no untranslated key and no stray English`, async () => {
      const { context, page } = await signedIn(username);
      const found: string[] = [];
      const visit = async (path: string) => {
        const text = await textOf(page, path);
        const stray = strayEnglish(text);
        if (stray.length) found.push(`${path}: ${stray.join(' ')}`);
      };
      for (const path of paths) await visit(path);
      // Detail pages reached from the lists.
      for (const [list, prefix] of [['/communities', '/communities/'], ['/schools', '/schools/'], ['/quotas', '/quotas/communities/']] as const) {
        if (!paths.includes(list)) continue;
        await textOf(page, list);
        for (const href of await detailLinks(page, prefix, 1)) {
          await visit(href);
          if (prefix !== '/quotas/communities/') continue;
          // From a community's quotas: its evidence and, for a coordinator, the year planner (按此安排).
          const onward = [...(await detailLinks(page, '/quotas/evidence/', 2)), ...(await detailLinks(page, '/planner', 1))];
          for (const next of onward) await visit(next);
        }
      }
      await context.close();
      expect(found).toEqual([]);
    });
  }
});
