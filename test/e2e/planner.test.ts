/**
 * The year planner in real Chromium (shared/planner/SPEC.md): a coordinator whose community
 * is at risk reads the advice on the quota page, clicks "按此安排", moves one proposed lesson
 * to another day in the list, accepts everything at once and is back on the quota page with
 * every rule on track. Dates are pinned: the tracker's today (QUOTA_TODAY) and the scheduling
 * clock (SCHEDULE_NOW, S-SCHEDULE-PAST).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { api } from '../../shared/api/index.ts';
import { RuleIds } from '../../shared/quotas/rules.ts';
import { addDays } from '../../shared/schedule/time.ts';
import { launchChromium } from '../support/chromium.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signedInPage } from '../support/signedInPage.ts';
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

async function pageOf(username: string) {
  const opened = await signedInPage(browser, platform, username);
  contexts.push(opened.context);
  opened.page.setDefaultTimeout(GENEROUS_DEADLINE_MS);
  return opened;
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
    // The calendar shows it on its new day.
    await page.getByRole('radio', { name: '日历' }).click();
    await page.locator(`[data-testid="plan-calendar"] [data-day="${moved}"] [data-testid="plan-chip-${key}"]`).waitFor();
    expect(await page.locator(`[data-testid="plan-calendar"] [data-day="${date}"] [data-testid="plan-chip-${key}"]`).count()).toBe(0);

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

describe('a stale proposal', () => {
  it('PL-ACCEPT-ALL-OR-NOTHING: when its teacher was booked meanwhile, 全部接受 writes nothing, names the lesson and offers a free time; taking it, the plan is accepted', async () => {
    const dir = await demoDirectory(platform.database.db);
    const id = dir.community('向阳小学教育共同体');
    const { page, errors } = await pageOf('coord.xiangyang');
    await page.goto(`${platform.url}/quotas/communities/${id}`);
    await page.getByTestId(`plan-${RuleIds.syncLessons}`).click();
    await page.getByTestId('planner-page').waitFor();

    // The same proposal as the page's (the planner is deterministic); its first lesson's teacher gets booked at that hour.
    const coord = await platform.signIn('coord.xiangyang');
    const proposal = await coord.call(api.proposePlan, { params: { communityId: id }, body: {} });
    if (!proposal.ok) throw new Error(proposal.error.message);
    const lesson = proposal.data.items.find((i) => i.kind === 'sync_lesson')!;
    await page.getByTestId(`plan-item-${lesson.key}`).waitFor();
    const booked = await coord.call(api.createSession, {
      body: {
        communityId: id, kind: 'sync_lesson', title: '临时加课', subjectCode: lesson.subjectCode, mode: 'interactive',
        startsAt: new Date(`${lesson.date}T${lesson.startTime}:00+08:00`).toISOString(), endsAt: new Date(`${lesson.date}T${lesson.endTime}:00+08:00`).toISOString(),
        hostTeacherId: lesson.teacherId!, hostClassroomId: lesson.hostClassroomId, memberClassroomIds: lesson.memberClassroomIds,
      },
    });
    if (!booked.ok) throw new Error(booked.error.message);
    const count = async () => {
      const res = await coord.call(api.listSessions, { query: { from: '2026-11-01T00:00:00Z', to: '2027-09-01T00:00:00Z', communityId: id } });
      return res.ok ? res.data.length : -1;
    };
    expect(await count()).toBe(1);

    await page.getByTestId('plan-accept').click();
    await page.getByTestId(`plan-clash-${lesson.key}`).waitFor();
    expect(await page.getByTestId(`plan-clash-${lesson.key}`).textContent()).toContain('临时加课');
    expect(await count()).toBe(1);

    // Take the first free alternative, then accept again.
    const alternative = page.getByTestId(`plan-alt-${lesson.key}-0`);
    const altDate = /\d{4}-\d{2}-\d{2}/.exec((await alternative.textContent()) ?? '')?.[0];
    expect(altDate).toBeDefined();
    await alternative.click();
    await page.locator(`[data-testid="plan-item-${lesson.key}"][data-date="${altDate}"]`).waitFor();
    expect(await page.getByTestId('plan-clash').count()).toBe(0);
    await page.getByTestId('plan-accept').click();
    await page.waitForURL(`**/quotas/communities/${id}**`);
    for (const ruleId of [RuleIds.syncLessons, RuleIds.syncSubjects, RuleIds.researchOnline, RuleIds.researchOffline]) {
      await page.locator(`section[data-rule="${ruleId}"].q-rule--on_track`).waitFor();
    }
    expect(await count()).toBe(1 + proposal.data.items.filter((i) => i.kind === 'sync_lesson' || i.kind === 'online_research').length);
    // 409 of the first 全部接受 is the expected answer, not a fault.
    expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
  });
});

describe('dragging a proposed lesson in the calendar', () => {
  it('PL-MOVE-LIVE-CHECK: a lesson dragged onto a day its teacher is booked shows the clash at once; dragged back, the clash is gone', async () => {
    const dir = await demoDirectory(platform.database.db);
    const id = dir.community('实验中学教育共同体');
    const coord = await platform.signIn('coord.junior');
    const proposal = await coord.call(api.proposePlan, { params: { communityId: id }, body: {} });
    if (!proposal.ok) throw new Error(proposal.error.message);
    const lessons = proposal.data.items.filter((i) => i.kind === 'sync_lesson');
    const a = lessons[0]!;
    const b = lessons.find((i) => i.date > addDays(a.date, 6))!;
    // A's teacher gets another lesson on B's day at A's hour.
    const booked = await coord.call(api.createSession, {
      body: {
        communityId: id, kind: 'sync_lesson', title: '教研组公开课', subjectCode: a.subjectCode, mode: 'interactive',
        startsAt: new Date(`${b.date}T${a.startTime}:00+08:00`).toISOString(), endsAt: new Date(`${b.date}T${a.endTime}:00+08:00`).toISOString(),
        hostTeacherId: a.teacherId!, hostClassroomId: a.hostClassroomId, memberClassroomIds: a.memberClassroomIds,
      },
    });
    if (!booked.ok) throw new Error(booked.error.message);

    const { page, errors } = await pageOf('coord.junior');
    await page.goto(`${platform.url}/planner/${id}`);
    await page.getByTestId('planner-page').waitFor();
    await page.getByRole('radio', { name: '日历' }).click();
    const chip = page.locator(`[data-testid="plan-calendar"] [data-testid="plan-chip-${a.key}"]`);
    await chip.waitFor();
    const dragTo = async (day: string) => {
      const data = await page.evaluateHandle(() => new DataTransfer());
      const cell = page.locator(`[data-testid="plan-calendar"] [data-day="${day}"]`);
      await chip.dispatchEvent('dragstart', { dataTransfer: data });
      await cell.dispatchEvent('dragover', { dataTransfer: data });
      await cell.dispatchEvent('drop', { dataTransfer: data });
    };
    await dragTo(b.date);
    await page.locator(`[data-testid="plan-calendar"] [data-day="${b.date}"] [data-testid="plan-chip-${a.key}"]`).waitFor();
    const problem = page.getByTestId(`plan-chip-problem-${a.key}`);
    await problem.waitFor();
    expect(await problem.textContent()).toContain('教研组公开课');

    await dragTo(a.date);
    await page.locator(`[data-testid="plan-calendar"] [data-day="${a.date}"] [data-testid="plan-chip-${a.key}"]`).waitFor();
    await problem.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
  });
});
