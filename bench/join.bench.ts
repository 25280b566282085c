/**
 * `npm run bench -- join`: how long a classroom waits from joining a live
 * lesson to the first decoded frame of the teacher's camera, in Chromium,
 * over ≥ 20 joins (5 with --quick); p50 and p95.
 *
 * Ours: the built client's classroom terminal page (`/live/:id`) joins a lesson
 * the teacher's page is broadcasting (fake camera, 3 simulcast layers), through
 * our signaling (auth, session checks, evidence writes). Measured twice per
 * join: from navigation start (page load, session check, socket, join, ICE/DTLS,
 * first key frame) and from LiveClient.start() (the join itself).
 *
 * Baseline in the same run: a bare mediasoup-client page (test/media/fixtures)
 * on a bare router on the same worker pool, without our signaling: a sending
 * page produces the same fake camera; each receiving page loads its device,
 * gets a receive transport and a consumer straight from the router.
 */
import { fileURLToPath } from 'node:url';
import type { types } from 'mediasoup';
import type { Browser, Page } from 'playwright-core';
import { WorkerPool } from '../media/WorkerPool.ts';
import { routerCodecs } from '../media/routerCodecs.ts';
import { bundleBrowserEntry, serveBrowserBundle } from '../test/support/bundleBrowserEntry.ts';
import { launchChromium, newMediaContext } from '../test/support/chromium.ts';
import { createLiveSession, tempDataDir } from '../test/support/live.ts';
import { openLivePage, peerIdOf } from '../test/support/liveBrowser.ts';
import { startTestPlatform } from '../test/support/platform.ts';
import type { Signal, TransportOptions } from '../test/media/fixtures/webrtcClient.ts';
import type { Bench } from './run.ts';

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const summary = (xs: number[]) => ({ p50: Math.round(percentile(xs, 50)), p95: Math.round(percentile(xs, 95)), min: Math.round(Math.min(...xs)), max: Math.round(Math.max(...xs)) });

/** Resolves with performance.now() of the page when its first video frame has been decoded. */
const FIRST_FRAME = `new Promise((resolve) => {
  const tick = async () => {
    const figures = window.tongbuLive ? await window.tongbuLive.inboundVideo() : window.webrtcClient ? [await window.webrtcClient.inbound()] : [];
    if (figures.some((f) => f.framesDecoded > 0)) resolve(performance.now());
    else setTimeout(tick, 15);
  };
  tick();
})`;

async function ours(browser: Browser, joins: number, log: (m: string) => void) {
  const pool = await WorkerPool.create({ size: 1 });
  const data = tempDataDir();
  const platform = await startTestPlatform({ media: pool, env: { LIVE_SWEEP_SECONDS: '0', ...data.env } });
  try {
    const sessionId = await createLiveSession(platform, { startsInMs: 2_000, durationMs: 60 * 60_000, members: ['ganpu'] });
    const teacher = await openLivePage(browser, platform, 'teacher.wang', `/live/${sessionId}`);
    await teacher.page.getByTestId('live-golive').click();
    await teacher.page.getByTestId('live-console').waitFor({ timeout: 20_000 });
    await teacher.page.waitForFunction(() => !!window.tongbuLive?.view.local.camera);
    const host = await peerIdOf(teacher);
    const fromPage: number[] = [];
    const fromJoin: number[] = [];
    for (let i = 0; i < joins; i++) {
      const c = await openLivePage(browser, platform, 'class.ganpu', `/live/${sessionId}`);
      const first = (await c.page.evaluate(FIRST_FRAME)) as number;
      const started = await c.page.evaluate(() => window.tongbuLive!.startedAt!);
      const figures = await c.page.evaluate(() => window.tongbuLive!.inboundVideo());
      if (!figures.some((f) => f.peerId === host && f.source === 'camera')) throw new Error('the first frame was not the teacher camera');
      fromPage.push(first);
      fromJoin.push(first - started);
      const marks = await c.page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('live:')).map((m) => [m.name.slice(5), Math.round(m.startTime)])));
      log(`ours #${i + 1}: page ${Math.round(first)} ms, join ${Math.round(first - started)} ms (marks ${JSON.stringify(marks)}, first frame ${Math.round(first)})`);
      await c.context.close();
    }
    return { pageToFirstFrameMs: summary(fromPage), joinToFirstFrameMs: summary(fromJoin), samples: { page: fromPage.map(Math.round), join: fromJoin.map(Math.round) } };
  } finally {
    await platform.close();
    pool.close();
    data.cleanup();
  }
}

async function baseline(browser: Browser, joins: number, log: (m: string) => void) {
  const entry = fileURLToPath(new URL('../test/media/fixtures/webrtcClient.ts', import.meta.url));
  const bundle = await bundleBrowserEntry(entry);
  const server = await serveBrowserBundle(bundle);
  const pool = await WorkerPool.create({ size: 1 });
  const router = await pool.leastLoaded()!.createRouter({ mediaCodecs: routerCodecs() });
  try {
    const transports = new Map<string, types.WebRtcTransport>();
    const wire = async (page: Page) => {
      await page.exposeFunction('tongbuSignal', async (signal: Signal): Promise<{ id?: string }> => {
        const t = transports.get(signal.transportId)!;
        if (signal.method === 'connect') {
          await t.connect({ dtlsParameters: signal.dtlsParameters });
          return {};
        }
        return { id: (await t.produce({ kind: signal.kind, rtpParameters: signal.rtpParameters })).id };
      });
    };
    const transportFor = async (page: Page, direction: 'send' | 'recv') => {
      const t = await router.createWebRtcTransport({ listenInfos: [pool.listenInfo('udp'), pool.listenInfo('tcp')], initialAvailableOutgoingBitrate: 500_000 });
      transports.set(t.id, t);
      const o: TransportOptions = { id: t.id, iceParameters: t.iceParameters, iceCandidates: t.iceCandidates, dtlsParameters: t.dtlsParameters };
      await page.evaluate(([d, opts]) => window.webrtcClient.createTransport(d, opts), [direction, o] as const);
      return t;
    };

    const senderContext = await newMediaContext(browser);
    const sender = await senderContext.newPage();
    await wire(sender);
    await sender.goto(server.url);
    await sender.evaluate((caps) => window.webrtcClient.load(caps), router.rtpCapabilities);
    await transportFor(sender, 'send');
    const { videoProducerId } = await sender.evaluate(() => window.webrtcClient.produce());

    const fromPage: number[] = [];
    const fromJoin: number[] = [];
    for (let i = 0; i < joins; i++) {
      const context = await newMediaContext(browser);
      const page = await context.newPage();
      await wire(page);
      await page.goto(server.url);
      const started = await page.evaluate(() => performance.now());
      const caps = await page.evaluate((c) => window.webrtcClient.load(c), router.rtpCapabilities);
      const recv = await transportFor(page, 'recv');
      const consumer = await recv.consume({ producerId: videoProducerId, rtpCapabilities: caps, paused: true });
      await page.evaluate((o) => window.webrtcClient.consume(o), { id: consumer.id, producerId: videoProducerId, kind: consumer.kind, rtpParameters: consumer.rtpParameters });
      await consumer.resume();
      const first = (await page.evaluate(FIRST_FRAME)) as number;
      fromPage.push(first);
      fromJoin.push(first - started);
      log(`baseline #${i + 1}: page ${Math.round(first)} ms, join ${Math.round(first - started)} ms`);
      await context.close();
      recv.close();
    }
    await senderContext.close();
    return { pageToFirstFrameMs: summary(fromPage), joinToFirstFrameMs: summary(fromJoin), samples: { page: fromPage.map(Math.round), join: fromJoin.map(Math.round) } };
  } finally {
    pool.close();
    await server.close();
    await bundle.cleanup();
  }
}

const bench: Bench = async ({ log, quick }) => {
  const joins = quick ? 5 : 20;
  const browser = await launchChromium();
  try {
    // Baseline first, then ours, in the same browser on the same machine.
    const base = await baseline(browser, joins, log);
    const mine = await ours(browser, joins, log);
    return {
      joins,
      ours: mine,
      baseline: base,
      joinOverheadP50Ms: mine.joinToFirstFrameMs.p50 - base.joinToFirstFrameMs.p50,
      joinRatioP50: Math.round((mine.joinToFirstFrameMs.p50 / base.joinToFirstFrameMs.p50) * 100) / 100,
    };
  } finally {
    await browser.close();
  }
};

export default bench;
