/**
 * `npm run bench -- join`: how long a live page takes from navigation to the first decoded
 * frame, in Chromium, over ≥ 20 page loads each (5 with --quick); p50 and p95.
 *
 * Ours, the built client through our signaling (auth, session checks, evidence writes):
 * - terminal: a classroom terminal's page (`/live/:id`) joins a lesson the teacher's page is
 *   broadcasting (fake camera, 3 simulcast layers); first frame = the teacher's camera.
 * - console: the teacher's console (`/live/:id`) reloaded in the lesson (a fresh context whose
 *   tab passed the pre-join check: LIVE-AUTO-JOIN), with a classroom terminal publishing its
 *   camera; first frame = the classroom's camera.
 * Each from navigation start (page load, socket, join, ICE/DTLS, first key frame, with the app
 * shell loading beside it: LIVE-WARM-START) and from LiveClient.start() (the join itself).
 *
 * Baseline in the same run: a bare mediasoup-client page (test/media/fixtures)
 * on a bare router on the same worker pool, without our signaling: a sending
 * page produces the same fake camera; each receiving page loads its device,
 * gets a receive transport and a consumer straight from the router.
 * The machine's load average is recorded before and after (the machine is shared).
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { types } from 'mediasoup';
import type { Browser, Page } from 'playwright-core';
import { WorkerPool } from '../media/WorkerPool.ts';
import { routerCodecs } from '../media/routerCodecs.ts';
import { bundleBrowserEntry, serveBrowserBundle } from '../test/support/bundleBrowserEntry.ts';
import { CHROMIUM_CAMERA_FPS, chromiumPath, launchChromium, newMediaContext } from '../test/support/chromium.ts';
import { createLiveSession, tempDataDir } from '../test/support/live.ts';
import { openLivePage, peerIdOf, type LivePage } from '../test/support/liveBrowser.ts';
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

interface Joins {
  pageToFirstFrameMs: ReturnType<typeof summary>;
  joinToFirstFrameMs: ReturnType<typeof summary>;
  marksP50?: Record<string, number>;
  samples: { page: number[]; join: number[] };
}

/** Opens `open()` `joins` times, each in a fresh context, until the first frame of `from`'s `source`. */
async function measure(label: string, joins: number, log: (m: string) => void, open: () => Promise<LivePage>, from: { peerId: string; source: string }): Promise<Joins> {
  const fromPage: number[] = [];
  const fromJoin: number[] = [];
  const markTimes: Record<string, number[]> = {};
  for (let i = 0; i < joins; i++) {
    const c = await open();
    try {
      const first = (await c.page.evaluate(FIRST_FRAME)) as number;
      const started = await c.page.evaluate(() => window.tongbuLive!.startedAt!);
      const figures = await c.page.evaluate(() => window.tongbuLive!.inboundVideo());
      if (!figures.some((f) => f.peerId === from.peerId && f.source === from.source && f.framesDecoded > 0)) throw new Error(`${label}: the first frame was not ${from.source} of ${from.peerId}`);
      fromPage.push(first);
      fromJoin.push(first - started);
      const marks = await c.page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').filter((m) => /^(live|app):/.test(m.name)).map((m) => [m.name, Math.round(m.startTime)])));
      for (const [name, at] of Object.entries(marks)) (markTimes[name] ??= []).push(at);
      log(`${label} #${i + 1}: page ${Math.round(first)} ms, join ${Math.round(first - started)} ms (marks ${JSON.stringify(marks)})`);
    } finally {
      await c.context.close();
    }
  }
  // Each phase's mark from navigation start, p50 over the loads (app:entry, live:start, admitted, joined, consume, consumers, first-frame).
  const marksP50 = Object.fromEntries(Object.entries(markTimes).map(([name, xs]) => [name, Math.round(percentile(xs, 50))]));
  return { pageToFirstFrameMs: summary(fromPage), joinToFirstFrameMs: summary(fromJoin), marksP50, samples: { page: fromPage.map(Math.round), join: fromJoin.map(Math.round) } };
}

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
    const host = (await peerIdOf(teacher))!;
    const terminal = await measure('terminal', joins, log, () => openLivePage(browser, platform, 'class.ganpu', `/live/${sessionId}`), { peerId: host, source: 'camera' });

    // The console: a classroom publishing its camera; the teacher's tab comes back (its pre-join choice kept for the tab).
    await teacher.context.close();
    const classroom = await openLivePage(browser, platform, 'class.ganpu', `/live/${sessionId}`);
    await classroom.page.waitForFunction(() => !!window.tongbuLive?.view.local.camera);
    const classroomPeer = (await peerIdOf(classroom))!;
    const teacherConsole = await measure(
      'console',
      joins,
      log,
      () =>
        openLivePage(browser, platform, 'teacher.wang', `/live/${sessionId}`, {
          beforeLoad: async (context) => {
            await context.addInitScript((id) => window.sessionStorage.setItem(`tongbu.live.prejoin.${id}`, JSON.stringify({ camera: true, microphone: true })), sessionId);
          },
        }),
      { peerId: classroomPeer, source: 'camera' },
    );
    await classroom.context.close();
    return { terminal, console: teacherConsole };
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

const load = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

const bench: Bench = async ({ log, quick }) => {
  const joins = quick ? 5 : 20;
  const loadBefore = load();
  const browser = await launchChromium([], chromiumPath, CHROMIUM_CAMERA_FPS);
  try {
    // Baseline first, then ours, in the same browser on the same machine.
    const base = await baseline(browser, joins, log);
    const mine = await ours(browser, joins, log);
    return {
      joins,
      terminal: mine.terminal,
      console: mine.console,
      baseline: base,
      // The target: navigation → first frame p95 ≤ 1000 ms for the terminal and the console.
      targetP95Ms: 1000,
      pageP95: { terminal: mine.terminal.pageToFirstFrameMs.p95, console: mine.console.pageToFirstFrameMs.p95, baseline: base.pageToFirstFrameMs.p95 },
      pageOverheadP50Ms: { terminal: mine.terminal.pageToFirstFrameMs.p50 - base.pageToFirstFrameMs.p50, console: mine.console.pageToFirstFrameMs.p50 - base.pageToFirstFrameMs.p50 },
      loadAverage: { before: loadBefore, after: load() },
    };
  } finally {
    await browser.close();
  }
};

export default bench;
