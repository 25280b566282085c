/**
 * The page's join (server/live/README.md, "Joining from the page") in real Chromium through
 * the built client: a live page's address starts the join from the tiny entry while the app
 * shell is still loading — proven by holding the session check (`GET /api/auth/me`) back until
 * the terminal has decoded the teacher's video; a teacher's reload in the lesson joins again at
 * once; a teacher in a new tab gets the pre-join check; a signed-out browser is sent to sign in
 * first; a page that is not live loads as before and joins nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, WebSocket } from 'playwright-core';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { launchChromium, newMediaContext } from '../support/chromium.ts';
import { DEMO_PASSWORD } from '../support/demoPassword.ts';
import { createLiveSession, tempDataDir } from '../support/live.ts';
import { framesGrow, openLivePage, peerIdOf, type LivePage } from '../support/liveBrowser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { waitFor } from '../support/waitFor.ts';

let platform: TestPlatform;
const data = tempDataDir();
let pool: WorkerPool;
let browser: Browser;
let sessionId: string;
let teacher: LivePage;
let ganpu: LivePage;

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1 });
  platform = await startTestPlatform({ media: pool, env: { LIVE_SWEEP_SECONDS: '0', ...data.env } });
  browser = await launchChromium();
  sessionId = await createLiveSession(platform, { startsInMs: 30_000, durationMs: 10 * 60_000 });
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  data.cleanup();
  pool?.close();
});

/** The Socket.IO event frames a page sent (`42[…]` / `42<ack id>[…]`) naming `event`. */
function sentFrames(into: string[]) {
  return (ws: WebSocket) => {
    if (!ws.url().includes('/socket.io/')) return;
    ws.on('framesent', (f) => void (typeof f.payload === 'string' && into.push(f.payload)));
  };
}
const naming = (frames: readonly string[], event: string) => frames.filter((f) => /^42\d*\[/.test(f) && f.includes(`"${event}"`));

describe('the page\'s join', () => {
  it('the teacher passes the pre-join check and goes live', async () => {
    teacher = await openLivePage(browser, platform, 'teacher.wang', `/live/${sessionId}`);
    await teacher.page.getByTestId('live-prejoin').waitFor();
    await waitFor('the network probe', () => teacher.page.getByTestId('live-network').textContent(), (t) => !!t && /\d+/.test(t));
    await teacher.page.getByTestId('live-golive').click();
    await teacher.page.getByTestId('live-console').waitFor();
    await waitFor('camera on', () => teacher.page.evaluate(() => window.tongbuLive!.view.local), (l) => !!l.camera);
  });

  it('LIVE-WARM-START: with the session check held back, a classroom terminal\'s page joins and decodes the teacher\'s video; the shell then shows it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let asked = false;
    const frames: string[] = [];
    ganpu = await openLivePage(browser, platform, 'class.ganpu', `/live/${sessionId}`, {
      beforeLoad: async (context) => {
        context.on('page', (p) => p.on('websocket', sentFrames(frames)));
        await context.route('**/api/auth/me', async (route) => {
          if (route.request().method() === 'GET') {
            asked = true;
            await held;
          }
          await route.continue();
        });
      },
    });
    try {
      const host = await peerIdOf(teacher);
      // Only the warm start can get this far: the app shell does not know who is signed in yet.
      await framesGrow(ganpu, 'camera', host, 10);
      await waitFor('the shell asking who is signed in', () => Promise.resolve(asked), (x) => x);
      expect(await ganpu.page.getByTestId('live-terminal').count()).toBe(0);
      expect(naming(frames, 'live:join')).toHaveLength(1);
      expect(naming(frames, 'live:join')[0]).toContain('"auto":true');
      // The transports came with the join: none was asked for on its own.
      expect(naming(frames, 'live:createTransport')).toHaveLength(0);
    } finally {
      release();
    }
    await ganpu.page.getByTestId('live-terminal').waitFor();
    await framesGrow(ganpu, 'camera', await peerIdOf(teacher), 10);
    // The live page took the warm start's client: still the one join over the page's one connection.
    expect(naming(frames, 'live:join')).toHaveLength(1);
    const firstFrameMs = await ganpu.page.evaluate(() => window.tongbuLive!.firstFrameMs);
    expect(firstFrameMs).not.toBeNull();
    console.log(`class.ganpu: navigation → first frame ${Math.round(firstFrameMs!)} ms (with the session check held back)`);
  });

  it('LIVE-SHELL-AFTER-FRAME: on a terminal\'s page the app shell loads, and the classroom\'s own camera and microphone start, only once the teacher\'s picture is decoded', async () => {
    const liuli = await openLivePage(browser, platform, 'class.liuli', `/live/${sessionId}`);
    try {
      await liuli.page.getByTestId('live-terminal').waitFor();
      await waitFor('the classroom\'s camera on', () => liuli.page.evaluate(() => !!window.tongbuLive?.view.local.camera), (on) => on);
      const at = await liuli.page.evaluate(() => {
        const mark = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? null;
        const shell = performance.getEntriesByType('resource').find((r) => /\/assets\/mount-[^/]*\.js$/.test(r.name));
        return { start: mark('live:start'), consumers: mark('live:consumers'), frame: mark('live:first-frame'), publish: mark('live:publish'), shell: shell?.startTime ?? null };
      });
      for (const [name, t] of Object.entries(at)) expect(t, name).not.toBeNull();
      // Each waits for the picture, or FIRST_PICTURE_WAIT_MS (client/src/live/store.ts) if the picture is slower on a busy machine:
      // the shell from the warm start (live:start), the classroom's devices from its join's end (after live:consumers).
      const waitMs = 1_500;
      expect(at.shell!).toBeGreaterThanOrEqual(Math.min(at.frame!, at.start! + waitMs));
      expect(at.publish!).toBeGreaterThanOrEqual(Math.min(at.frame!, at.consumers! + waitMs));
      await framesGrow(teacher, 'camera', await peerIdOf(liuli), 10);
    } finally {
      await liuli.context.close();
    }
  });

  it('LIVE-AUTO-JOIN: the teacher\'s reload in the lesson joins again at once, with its pre-join choice, and the console decodes the classroom', async () => {
    await teacher.page.reload();
    await teacher.page.getByTestId('live-console').waitFor();
    expect(await teacher.page.getByTestId('live-prejoin').count()).toBe(0);
    await waitFor('camera and microphone on again', () => teacher.page.evaluate(() => window.tongbuLive!.view.local), (l) => !!l.camera && l.microphone);
    await framesGrow(teacher, 'camera', await peerIdOf(ganpu), 10);
    // The classroom receives the teacher's new camera.
    await framesGrow(ganpu, 'camera', await peerIdOf(teacher), 10);
  });

  it('LIVE-AUTO-JOIN: the same teacher in a new tab is asked for the pre-join check; the lesson and its console go on', async () => {
    const second = await openLivePage(browser, platform, 'teacher.wang', `/live/${sessionId}`);
    try {
      await second.page.getByTestId('live-prejoin').waitFor();
      expect(await second.page.getByTestId('live-error').count()).toBe(0);
      expect(await teacher.page.evaluate(() => window.tongbuLive!.view.state)).toBe('live');
      await framesGrow(ganpu, 'camera', await peerIdOf(teacher), 10);
    } finally {
      await second.context.close();
    }
  });

  it('LIVE-WARM-START: signed out, a live page\'s address asks to sign in; signed in, the terminal joins', async () => {
    const context = await newMediaContext(browser);
    const frames: string[] = [];
    try {
      const page = await context.newPage();
      page.on('websocket', sentFrames(frames));
      await page.goto(`${platform.url}/live/${sessionId}`);
      await page.getByTestId('sign-in-form').waitFor();
      // The warm start's client gave up when the handshake was refused: nothing joined, nothing waits.
      await waitFor('the warm start to give up', () => page.evaluate(() => window.tongbuLive?.view.state ?? null), (state) => state === null || state === 'ended');
      expect(naming(frames, 'live:join')).toHaveLength(0);
      await page.getByTestId('sign-in-username').fill('class.liuli');
      await page.getByTestId('sign-in-password').fill(DEMO_PASSWORD);
      await page.getByTestId('sign-in-submit').click();
      await page.getByTestId('live-terminal').waitFor();
      await framesGrow({ page, context, username: 'class.liuli' }, 'camera', await peerIdOf(teacher), 10);
      expect(naming(frames, 'live:join')).toHaveLength(1);
    } finally {
      await context.close();
    }
  });

  it('LIVE-WARM-START: a page that is not live loads as before and joins nothing', async () => {
    const frames: string[] = [];
    const admin = await openLivePage(browser, platform, 'admin', '/', { beforeLoad: async (context) => void context.on('page', (p) => p.on('websocket', sentFrames(frames))) });
    try {
      await admin.page.getByTestId('stat-communities').waitFor();
      // Only a live session's page is sent with the live code preloaded.
      const html = async (path: string) => (await fetch(platform.url + path)).text();
      expect(await html(`/live/${sessionId}`)).toMatch(/rel="modulepreload"[^>]*warmStart-/);
      for (const path of ['/', '/live', '/live/patrol', `/live/report/${sessionId}`]) expect(await html(path), path).not.toContain('modulepreload');
      expect(await admin.page.evaluate(() => window.tongbuLive ?? null)).toBeNull();
      expect(naming(frames, 'live:join')).toHaveLength(0);
    } finally {
      await admin.context.close();
    }
  });
});
