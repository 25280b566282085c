/**
 * Class tools in real Chromium through the built client (rules in server/live/tools/README.md):
 * a lesson whose teacher runs a countdown and a quick quiz that two classroom terminals answer
 * with their big buttons; a research session whose two teachers chat, the host deleting a message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { api } from '../../shared/api/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { createLiveSession, tempDataDir } from '../support/live.ts';
import { openLivePage, type LivePage } from '../support/liveBrowser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { waitFor } from '../support/waitFor.ts';

let platform: TestPlatform;
const data = tempDataDir();
let pool: WorkerPool;
let browser: Browser;
const pages: LivePage[] = [];

async function open(username: string, path: string): Promise<LivePage> {
  const p = await openLivePage(browser, platform, username, path);
  pages.push(p);
  return p;
}

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1 });
  platform = await startTestPlatform({ media: pool, env: { LIVE_SWEEP_SECONDS: '0', ...data.env } });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const p of pages) await p.context.close().catch(() => undefined);
  await browser?.close();
  await platform?.close();
  data.cleanup();
  pool?.close();
});

describe('a lesson\'s countdown and quick quiz in Chromium', () => {
  let sessionId: string;
  let teacher: LivePage;
  let ganpu: LivePage;
  let liuli: LivePage;

  // The lesson's pages stop streaming before the chat's session starts.
  afterAll(async () => {
    for (const p of [teacher, ganpu, liuli]) await p?.context.close().catch(() => undefined);
  });

  it('the teacher goes live and both classroom terminals join', async () => {
    sessionId = await createLiveSession(platform, { startsInMs: 2_000, durationMs: 120_000 });
    teacher = await open('teacher.wang', `/live/${sessionId}`);
    await teacher.page.getByTestId('live-golive').click();
    await teacher.page.getByTestId('live-console').waitFor();
    [ganpu, liuli] = await Promise.all([open('class.ganpu', `/live/${sessionId}`), open('class.liuli', `/live/${sessionId}`)]);
    for (const c of [ganpu, liuli]) await c.page.getByTestId('live-terminal').waitFor();
    await waitFor('two classrooms on the console', () => teacher.page.getByTestId('live-classroom-tile').count(), (n) => n === 2);
  });

  it('T-TIMER-SERVER-TIME: the countdown the teacher starts runs on every classroom terminal', async () => {
    await teacher.page.getByTestId('timer-minutes').selectOption('5');
    await teacher.page.getByTestId('timer-start').click();
    for (const c of [ganpu, liuli]) {
      const timer = c.page.getByTestId('lesson-timer');
      await timer.waitFor();
      expect(await timer.getAttribute('data-running')).toBe('true');
      const text = await waitFor(`${c.username}: the countdown`, () => timer.textContent(), (s) => !!s && /^4:5\d$|^5:00$/.test(s));
      expect(text).toMatch(/^[45]:\d\d$/);
    }
  });

  it('T-QUIZ-*: the teacher asks, both classrooms answer with the big buttons, the teacher sees both and reveals, the classrooms see the result', async () => {
    const p = teacher.page;
    await p.getByTestId('quiz-text').fill('3/4 里面有几个 1/4？');
    const texts = p.getByTestId('quiz-option-text');
    for (const [i, v] of ['2 个', '3 个', '4 个', '1 个'].entries()) await texts.nth(i).fill(v);
    await p.getByTestId('quiz-key').nth(1).click();
    await p.getByTestId('quiz-limit').selectOption('300');
    await p.getByTestId('quiz-ask').click();

    for (const c of [ganpu, liuli]) await c.page.getByTestId('quiz-pad').getByText('3/4 里面有几个 1/4？').waitFor();
    await ganpu.page.locator('[data-testid="quiz-option"][data-index="1"]').click();
    await liuli.page.locator('[data-testid="quiz-option"][data-index="0"]').click();
    for (const c of [ganpu, liuli]) await c.page.locator('[data-testid="quiz-status"][data-state="answered"]').waitFor();

    await waitFor('both answers on the console', () => p.getByTestId('quiz-answer-row').count(), (n) => n === 2);
    expect(await p.locator('[data-testid="quiz-answer-row"][data-correct="true"]').textContent()).toContain('三年级(1)班');
    await p.getByTestId('quiz-reveal').click();

    await ganpu.page.locator('[data-testid="quiz-status"][data-state="revealed"]').waitFor();
    expect(await ganpu.page.getByTestId('quiz-status').textContent()).toBe('回答正确！');
    await liuli.page.locator('[data-testid="quiz-status"][data-state="revealed"]').waitFor();
    expect(await liuli.page.getByTestId('quiz-status').textContent()).toBe('回答错误');
    for (const c of [ganpu, liuli]) expect(await c.page.getByTestId('quiz-result').textContent()).toBe('正确答案：B');
    // zh-CN throughout: no English word in the tools of either page (option letters are single capitals).
    for (const c of [teacher, ganpu]) expect((await c.page.getByTestId('class-tools').innerText()).match(/[A-Za-z]{2,}/g)).toBeNull();

    const results = await (await platform.signIn('coord.shiyan')).call(api.liveQuizResults, { params: { sessionId } });
    expect(results.ok && results.data.questions[0]).toMatchObject({ tally: [1, 1, 0, 0], correct: [1], revealedAt: expect.any(String) });
  });
});

describe('chat in a research session in Chromium', () => {
  it('T-CHAT-*: two teachers chat; the host deletes the other\'s message and it disappears for both', async () => {
    const researchId = await createLiveSession(platform, { kind: 'online_research', startsInMs: 2_000, durationMs: 60_000 });
    const host = await open('teacher.wang', `/live/${researchId}`);
    await host.page.getByTestId('live-golive').click();
    await host.page.getByTestId('live-research').waitFor();
    const li = await open('teacher.li', `/live/${researchId}`);
    await li.page.getByTestId('live-golive').click();
    await li.page.getByTestId('live-research').waitFor();

    await li.page.getByTestId('chat-input').fill('下周的公开课用哪个课件？');
    await li.page.getByTestId('chat-send').click();
    const onHost = host.page.getByTestId('chat-message').filter({ hasText: '下周的公开课用哪个课件？' });
    await onHost.waitFor();
    await host.page.getByTestId('chat-input').fill('用第二版');
    await host.page.getByTestId('chat-send').click();
    await li.page.getByTestId('chat-message').filter({ hasText: '用第二版' }).waitFor();

    await onHost.getByTestId('chat-delete').click();
    for (const page of [host.page, li.page]) {
      await page.locator('[data-testid="chat-message"][data-deleted="true"]').getByText('消息已删除').waitFor();
      expect(await page.getByTestId('chat-message').filter({ hasText: '下周的公开课用哪个课件？' }).count()).toBe(0);
    }
    // The other teacher may delete only her own messages: no delete button on the host's.
    expect(await li.page.getByTestId('chat-message').filter({ hasText: '用第二版' }).getByTestId('chat-delete').count()).toBe(0);
  });
});
