/**
 * One connection per page (client/src/app/socket.ts): a coordinator's page with the quota
 * dashboard open, then — without reloading — the live room of a lesson it patrols, holds
 * exactly one Socket.IO connection (one WebSocket, counted through Chromium's own WebSocket
 * events), and both the live signaling and the quota progress travel over it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, WebSocket } from 'playwright-core';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { launchChromium } from '../support/chromium.ts';
import { createLiveSession, tempDataDir } from '../support/live.ts';
import { framesGrow, openLivePage, peerIdOf, type LivePage } from '../support/liveBrowser.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { postCorrection, settled, SHIYAN } from '../support/quotas.ts';
import { demoDirectory, type DemoDirectory } from '../support/schedule.ts';
import { waitFor } from '../support/waitFor.ts';

let platform: TestPlatform;
const data = tempDataDir();
let pool: WorkerPool;
let browser: Browser;
let dir: DemoDirectory;
let sessionId: string;
let teacher: LivePage;
let coordinator: LivePage;
/** Every Socket.IO WebSocket the coordinator's page opened, with the text frames it carried. */
const sockets: { url: string; received: string[]; sent: string[] }[] = [];

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1 });
  platform = await startTestPlatform({ media: pool, env: { LIVE_SWEEP_SECONDS: '0', ...data.env } });
  dir = await demoDirectory(platform.database.db);
  browser = await launchChromium();
  sessionId = await createLiveSession(platform, { startsInMs: 30_000, durationMs: 120_000 });
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  data.cleanup();
  pool?.close();
});

function record(ws: WebSocket): void {
  if (!ws.url().includes('/socket.io/')) return;
  const entry = { url: ws.url(), received: [] as string[], sent: [] as string[] };
  sockets.push(entry);
  ws.on('framereceived', (f) => {
    if (typeof f.payload === 'string') entry.received.push(f.payload);
  });
  ws.on('framesent', (f) => {
    if (typeof f.payload === 'string') entry.sent.push(f.payload);
  });
}

/** Socket.IO event frames (`42[...]`, with or without an acknowledgement id) naming `event`. */
const framesNaming = (frames: readonly string[], event: string) => frames.filter((f) => /^4[23]\d*\[/.test(f) && f.includes(`"${event}"`));

/** A correction of the coordinator's community: its quota progress changes and is pushed. */
async function correct(title: string, heldOn: string): Promise<void> {
  const coord = await platform.signIn('coord.shiyan');
  const res = await postCorrection(platform, coord, dir.community(SHIYAN), {
    kind: 'sync_lesson', title, heldOn, subjectCode: 'music', mode: 'dedicated', reason: '停电改用手机直播，附照片', schoolIds: [dir.school('海盐县六里小学')],
  });
  expect(res.status).toBe(201);
}

describe('one Socket.IO connection per page', () => {
  it('the teacher goes live (the lesson the coordinator will patrol)', async () => {
    teacher = await openLivePage(browser, platform, 'teacher.wang', `/live/${sessionId}`);
    await teacher.page.getByTestId('live-prejoin').waitFor();
    await waitFor('the network probe', () => teacher.page.getByTestId('live-network').textContent(), (t) => !!t && /\d+/.test(t));
    await teacher.page.getByTestId('live-golive').click();
    await teacher.page.getByTestId('live-console').waitFor();
    await waitFor('camera on', () => teacher.page.evaluate(() => window.tongbuLive!.view.local), (l) => !!l.camera);
  });

  it('the dashboard: quota progress arrives over the page\'s one connection', async () => {
    await settled(platform);
    coordinator = await openLivePage(browser, platform, 'coord.shiyan', `/quotas/communities/${dir.community(SHIYAN)}`, {
      beforeLoad: async (context) => void context.on('page', (p) => p.on('websocket', record)),
    });
    await waitFor('the page\'s connection', () => Promise.resolve(sockets.length), (n) => n >= 1);
    await correct('补录同步课（仪表盘）', '2026-11-19');
    await waitFor('quota progress on the connection', () => Promise.resolve(framesNaming(sockets[0]!.received, 'quotas:progress').length), (n) => n >= 1);
  });

  it('the live room, opened without a reload, signals over the same connection; quota progress still arrives there', async () => {
    // The app's own navigation (no reload): the router follows the history.
    await coordinator.page.evaluate((id) => {
      window.history.pushState({}, '', `/live/${id}`);
      window.dispatchEvent(new PopStateEvent('popstate'));
    }, sessionId);
    await coordinator.page.getByTestId('live-patrol-view').waitFor();
    await framesGrow(coordinator, 'camera', await peerIdOf(teacher), 20);
    const before = framesNaming(sockets[0]!.received, 'quotas:progress').length;
    await correct('补录同步课（直播中）', '2026-11-20');
    await waitFor('quota progress during the lesson', () => Promise.resolve(framesNaming(sockets[0]!.received, 'quotas:progress').length), (n) => n > before);

    expect(sockets.map((s) => s.url)).toHaveLength(1);
    const [only] = sockets;
    expect(framesNaming(only!.sent, 'live:join')).toHaveLength(1);
    expect(framesNaming(only!.sent, 'live:consume').length).toBeGreaterThanOrEqual(1);
    // The join's acknowledgement (`43<id>[…]`, the router's capabilities) came back over it too.
    expect(only!.received.some((f) => /^43\d+\[/.test(f) && f.includes('routerRtpCapabilities'))).toBe(true);
  });
});
