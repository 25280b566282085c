/**
 * Home pages say where each person stands, in real Chromium (zh-CN): a coordinator sees
 * their community's year (the quota page's statuses and figures) and what needs them —
 * offline research waiting for confirmation, lessons whose member school has left
 * (Q-PLANNED-LESSON-MEMBERS), which they cancel from the community page; an auditor sees
 * the county's communities by risk; a teacher their own delivered lessons this year; a
 * classroom terminal's waiting screen names its next lesson.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { api } from '../../shared/api/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { signedInPage } from '../support/signedInPage.ts';
import { endSession, lesson, plan, settled, XIANGYANG } from '../support/quotas.ts';
import { demoDirectory, type DemoDirectory } from '../support/schedule.ts';

let platform: TestPlatform;
let browser: Browser;
let dir: DemoDirectory;
let coordXiangyang: SignedInClient;
let coordShiyan: SignedInClient;
const contexts: BrowserContext[] = [];

/** A local date (Asia/Shanghai) `days` from today. */
const dayFromToday = (days: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + days * 86400_000));

beforeAll(async () => {
  platform = await startTestPlatform({ env: { LIVE_SWEEP_SECONDS: '0' } });
  dir = await demoDirectory(platform.database.db);
  [coordXiangyang, coordShiyan] = await Promise.all([platform.signIn('coord.xiangyang'), platform.signIn('coord.shiyan')]);
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await platform?.close();
});

async function pageOf(username: string) {
  const opened = await signedInPage(browser, platform, username, { viewport: { width: 1366, height: 900 } });
  contexts.push(opened.context);
  return opened;
}

describe('home pages', () => {
  it("a coordinator's home shows the year's standing and what needs them; stranded lessons are cancelled from the community page", async () => {
    // Two lessons with 沈荡小学 next week and the week after; 沈荡小学 leaves in three days.
    await plan(coordXiangyang, lesson(dir, dayFromToday(7), { community: XIANGYANG, recurrence: { count: 2 } }));
    const community = await coordXiangyang.call(api.getCommunity, { params: { communityId: dir.community(XIANGYANG) } });
    if (!community.ok) throw new Error(community.error.message);
    const shendang = community.data.memberships.find((m) => m.schoolId === dir.school('海盐县沈荡小学') && m.validTo === null)!;
    const left = await coordXiangyang.call(api.updateMembership, { params: { communityId: dir.community(XIANGYANG), membershipId: shendang.id }, body: { validTo: dayFromToday(3) } });
    expect(left.ok).toBe(true);
    // Offline research held yesterday, not yet confirmed.
    const research = await coordXiangyang.call(api.createOfflineResearch, {
      body: { communityId: dir.community(XIANGYANG), title: '期中质量分析会', heldOn: dayFromToday(-1), place: '向阳小学 会议室', hostSchoolId: dir.school('海盐县向阳小学'), schoolIds: [dir.school('海盐县通元小学')] },
    });
    expect(research.ok).toBe(true);
    await settled(platform);

    const { page, errors } = await pageOf('coord.xiangyang');
    await page.goto(`${platform.url}/`);
    const card = page.getByTestId('community-year');
    await card.waitFor();
    await card.getByTestId('home-standing').locator('li[data-rule="Q-SYNC-LESSONS"]').waitFor();
    // The same status words as the quota page.
    expect(await card.getByTestId('home-standing').locator('.badge').first().textContent()).toMatch(/已达标|按计划可达标|有风险|将无法达标/);
    // Behind this year: the planner is one click away.
    expect(await card.getByTestId('home-plan').getAttribute('href')).toContain(`/planner/${dir.community(XIANGYANG)}`);
    const attention = card.getByTestId('home-attention');
    await attention.locator('li[data-kind="offline"]').waitFor();
    expect(await attention.locator('li[data-kind="offline"]').textContent()).toContain('期中质量分析会');
    expect(await attention.locator('li[data-kind="stranded"]').textContent()).toContain('2 节');

    await attention.locator('li[data-kind="stranded"] a').click();
    const stranded = page.getByTestId('stranded-lessons');
    await stranded.waitFor();
    expect(await stranded.locator('tbody tr').count()).toBe(2);
    expect(await stranded.textContent()).toContain('海盐县沈荡小学');
    await page.getByTestId('cancel-stranded').click();
    await stranded.waitFor({ state: 'detached' });
    const after = await coordXiangyang.call(api.listStrandedLessons, { params: { communityId: dir.community(XIANGYANG) } });
    expect(after.ok && after.data).toEqual([]);

    await page.goto(`${platform.url}/`);
    await page.getByTestId('home-attention').locator('li[data-kind="offline"]').waitFor();
    expect(await page.getByTestId('home-attention').locator('li[data-kind="stranded"]').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("an auditor's home lists the county's communities by risk", async () => {
    const { page, errors } = await pageOf('auditor.haiyan');
    await page.goto(`${platform.url}/`);
    const table = page.getByTestId('home-by-risk');
    await table.waitFor();
    await table.locator('tbody tr').first().waitFor();
    expect(await table.locator('tbody tr').count()).toBe(3);
    expect(errors).toEqual([]);
  });

  it("a teacher's home counts the lessons they delivered this year; a classroom terminal's waiting screen names its next lesson", async () => {
    // 王丽华 taught a lesson to 澉浦小学 two days ago (delivered), and teaches it again next week.
    const [past] = await plan(coordShiyan, lesson(dir, dayFromToday(-2), { time: '10:00' }));
    await endSession(platform.database.db, past!, 'delivered');
    await plan(coordShiyan, lesson(dir, dayFromToday(6), { time: '10:00' }));

    const teacher = await pageOf('teacher.wang');
    await teacher.page.goto(`${platform.url}/`);
    const delivered = teacher.page.getByTestId('my-lessons-delivered');
    await delivered.waitFor();
    await teacher.page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="my-lessons-delivered"]')?.textContent ?? ''));
    expect(await delivered.textContent()).toContain('1');
    expect(teacher.errors).toEqual([]);

    const classroom = await platform.signIn('class.ganpu');
    const upcoming = await classroom.call(api.listSessions, { query: { from: new Date().toISOString(), to: new Date(Date.now() + 14 * 86400_000).toISOString(), classroomId: classroom.me.account.classroomId! } });
    if (!upcoming.ok) throw new Error(upcoming.error.message);
    const next = upcoming.data.find((s) => s.status === 'scheduled')!;
    const terminal = await pageOf('class.ganpu');
    await terminal.page.goto(`${platform.url}/live`);
    const waiting = terminal.page.getByTestId('live-next');
    await waiting.waitFor();
    expect(await waiting.textContent()).toContain(next.title);
    expect(terminal.errors).toEqual([]);
  });
});
