/**
 * Counting that resists gaming (issue #6), in real Chromium: sessions where the
 * media flowed but nobody really took part do not count, and the session says
 * which rule failed, with its figures.
 * - P-LESSON-CLASSROOM-PRESENT: a classroom terminal connected for the whole
 *   lesson with its camera and microphone off (here: no devices at all) makes
 *   the lesson missed although it received the teacher throughout.
 * - P-RESEARCH-SCHOOLS-SPOKE: an online research session where only one
 *   school's teacher spoke (the other joined with the microphone off) is missed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { api } from '../../shared/api/index.ts';
import type { SessionParticipation } from '../../shared/schemas/live.ts';
import { launchChromium } from '../support/chromium.ts';
import { createLiveSession, type LiveSessionSpec, memberClassrooms, participationReaches, PLANNED_LATER_MS, scheduledStartNow, shortSessionRules, tempDataDir } from '../support/live.ts';
import { framesGrow, openLivePage, peerIdOf, type LivePage, endFromPage } from '../support/liveBrowser.ts';
import { waitFor } from '../support/waitFor.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let platform: TestPlatform;
const data = tempDataDir();
let pool: WorkerPool;
let browser: Browser;

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1 });
  // Chromium's fake microphone beeps quietly: count it as speaking (production keeps −60 dBov).
  platform = await startTestPlatform({ media: pool, env: { LIVE_SWEEP_SECONDS: '0', LIVE_SPEAKER_THRESHOLD_DBOV: '-80', ...data.env } });
  await shortSessionRules(platform, { classroomPresent: 3, researchSpoke: 1 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  data.cleanup();
  pool?.close();
});

/** A terminal whose camera and microphone cannot be opened (unplugged, or blocked on purpose). */
async function noDevices(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('no devices', 'NotAllowedError'));
  });
}

async function goLive(sessionId: string, username: string, opts: { microphone?: boolean } = {}): Promise<LivePage> {
  const p = await openLivePage(browser, platform, username, `/live/${sessionId}`);
  await p.page.getByTestId('live-prejoin').waitFor();
  if (opts.microphone === false) await p.page.getByTestId('live-prejoin').getByText('麦克风', { exact: true }).last().click();
  await p.page.getByTestId('live-golive').click();
  await waitFor(`${username} in the session`, () => p.page.evaluate(() => window.tongbuLive?.view.state ?? null), (s) => s === 'live', 20_000);
  return p;
}

const LESSON_MS = 12_000;

/**
 * A short session planned for later; `begin()`, once everyone is in, makes its scheduled window
 * start now (only that window counts), and the teacher teaches through all of it (`taughtThrough`).
 */
async function shortSession(kind: Pick<LiveSessionSpec, 'kind' | 'members'>) {
  const sessionId = await createLiveSession(platform, { ...kind, startsInMs: PLANNED_LATER_MS, durationMs: LESSON_MS });
  const begin = async () => {
    const { endsAt } = await scheduledStartNow(platform, sessionId, LESSON_MS);
    // Lesson time passing, not a timing assertion: the teacher teaches until the scheduled end.
    return { taughtThrough: () => waitFor('the scheduled end', () => Date.now(), (now) => now >= endsAt, LESSON_MS + 120_000, 500) };
  };
  return { sessionId, begin };
}

async function end(host: LivePage): Promise<string> {
  await endFromPage(host.page);
  return waitFor('the end', () => host.page.getByTestId('live-ended-status').getAttribute('data-status').catch(() => null), (s) => s !== null, 20_000) as Promise<string>;
}

describe('gaming does not count', () => {
  it('P-LESSON-CLASSROOM-PRESENT: a classroom connected with camera and microphone off for the whole lesson does not make it count', async () => {
    const { sessionId, begin } = await shortSession({ members: ['ganpu'] });
    const teacher = await goLive(sessionId, 'teacher.wang');
    const ganpu = await openLivePage(browser, platform, 'class.ganpu', `/live/${sessionId}`, { beforeLoad: noDevices });
    await ganpu.page.getByTestId('live-terminal').waitFor();
    // It watches the whole lesson…
    await framesGrow(ganpu, 'camera', await peerIdOf(teacher), 20);
    expect(await ganpu.page.evaluate(() => window.tongbuLive!.view.local)).toMatchObject({ camera: null, microphone: false });
    const { taughtThrough } = await begin();
    const coordinator = await platform.signIn('coord.shiyan');
    await participationReaches(coordinator, sessionId, 'the dark classroom to receive for 8 s', (p) => memberClassrooms(p).some((c) => c.receivingSeconds > 8.5));
    await taughtThrough();
    expect(await end(teacher)).toBe('missed');

    const p = await coordinator.call(api.liveParticipation, { params: { sessionId } });
    if (!p.ok) throw new Error(p.error.message);
    const g = p.data.participants.find((x) => x.kind === 'classroom' && !x.hostClassroom)!;
    console.log(`dark classroom: received ${g.receivingSeconds} s, camera ${g.cameraSeconds} s, microphone ${g.microphoneSeconds} s, spoke ${g.speakingSeconds} s`);
    expect(g.receivingSeconds).toBeGreaterThan(8);
    expect(g).toMatchObject({ cameraSeconds: 0, microphoneSeconds: 0, speakingSeconds: 0 });
    // …the media flowed (the evidence rules pass), but nobody was there: the participation rule fails, named with its figures.
    const outcomes = p.data.verdict!.outcomes.map((o) => [o.ruleId, o.passed]);
    expect(outcomes).toEqual([
      ['E-TEACHER-PUBLISHED', true],
      ['E-CLASSROOM-RECEIVED', true],
      ['P-LESSON-TEACHER-AV', true],
      ['P-LESSON-CLASSROOM-PRESENT', false],
    ]);
    expect(p.data.verdict!.reason).toMatch(/^P-LESSON-CLASSROOM-PRESENT: 0 of 1 member classrooms .*: 三年级\(1\)班: received \d+(\.\d)?%, seen or heard 0 s$/);
    const s = await coordinator.call(api.getSession, { params: { id: sessionId } });
    expect(s.ok && s.data.status).toBe('missed');
    console.log(`verdict: ${p.data.verdict!.reason}`);

    // The session's page shows the failed rule.
    const page = await openLivePage(browser, platform, 'coord.shiyan', `/live/report/${sessionId}`);
    const failed = page.page.locator('[data-testid="live-report-rule"][data-passed="false"]');
    await failed.first().waitFor();
    expect(await failed.evaluateAll((els) => els.map((e) => e.getAttribute('data-rule-id')))).toEqual(['P-LESSON-CLASSROOM-PRESENT']);
    for (const p2 of [teacher, ganpu, page]) await p2.context.close();
  });

  it('P-RESEARCH-SCHOOLS-SPOKE: a research session where only one school spoke does not count', async () => {
    const { sessionId, begin } = await shortSession({ kind: 'online_research' });
    const wang = await goLive(sessionId, 'teacher.wang');
    // 李春燕 (澉浦小学) takes part with her camera, but never opens her microphone.
    const li = await goLive(sessionId, 'teacher.li', { microphone: false });
    await framesGrow(li, 'camera', await peerIdOf(wang), 20);
    await framesGrow(wang, 'camera', await peerIdOf(li), 10);
    const { taughtThrough } = await begin();
    const coordinator = await platform.signIn('coord.shiyan');
    // Eight seconds of the session as the server saw it: both cameras on, 王丽华 heard.
    const named = (p: SessionParticipation, name: string) => p.participants.find((x) => x.name === name);
    await participationReaches(coordinator, sessionId, '8 s of both cameras and 王丽华 speaking', (p) =>
      ['王丽华', '李春燕'].every((n) => (named(p, n)?.cameraSeconds ?? 0) >= 8) && (named(p, '王丽华')?.speakingSeconds ?? 0) > 1.5);
    await taughtThrough();
    expect(await end(wang)).toBe('missed');

    const p = await coordinator.call(api.liveParticipation, { params: { sessionId } });
    if (!p.ok) throw new Error(p.error.message);
    const byName = Object.fromEntries(p.data.participants.map((x) => [x.name, x]));
    console.log(`research: 王丽华 spoke ${byName['王丽华']!.speakingSeconds} s of ${byName['王丽华']!.microphoneSeconds} s; 李春燕 spoke ${byName['李春燕']!.speakingSeconds} s, camera ${byName['李春燕']!.cameraSeconds} s`);
    expect(byName['王丽华']!.speakingSeconds).toBeGreaterThan(1);
    expect(byName['李春燕']).toMatchObject({ microphoneSeconds: 0, speakingSeconds: 0 });
    expect(byName['李春燕']!.cameraSeconds).toBeGreaterThan(5);
    const failed = p.data.verdict!.outcomes.filter((o) => !o.passed);
    expect(failed.map((o) => o.ruleId)).toEqual(['P-RESEARCH-SCHOOLS-SPOKE']);
    expect(failed[0]).toMatchObject({ count: 1, requiredCount: 2, measuredSeconds: 0 });
    expect(p.data.verdict!.reason).toMatch(/^P-RESEARCH-SCHOOLS-SPOKE: teachers of 1 of 2 schools spoke for at least 1 s \(needs 2\): 王丽华 \d+ s; 李春燕 0 s$/);
    console.log(`verdict: ${p.data.verdict!.reason}`);
    for (const p2 of [wang, li]) await p2.context.close();
  });
});
