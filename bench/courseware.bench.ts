/**
 * `npm run bench -- courseware`: page-turn latency of the live board on this machine.
 * A teacher's socket turns the pages of a 40-page PDF while two classroom sockets are in
 * the room (real platform, real mediasoup worker for the room, PGlite): from the turnPage
 * request to the `boardShown` notification at the last classroom, and on to that page's
 * image fetched over HTTP by a classroom (what a terminal does before it shows the page).
 * Baseline in the same run: a plain signaling round trip on the same socket (`boardState`:
 * request, validation, handler, acknowledgement).
 */
import { performance } from 'node:perf_hooks';
import { WorkerPool } from '../media/WorkerPool.ts';
import { api } from '../shared/api/index.ts';
import type { NotificationOf } from '../shared/signaling/protocol.ts';
import { slidesPdf, upload } from '../test/support/courseware.ts';
import { createLiveSession, liveSocket, tempDataDir, type LiveSocket } from '../test/support/live.ts';
import { waitFor } from '../test/support/waitFor.ts';
import { platformFor } from './livePlatform.ts';
import type { Bench } from './run.ts';

const PAGES = 40;

function summary(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 10) / 10;
  return { n: s.length, p50: q(0.5), p95: q(0.95), min: q(0), max: q(1) };
}

const bench: Bench = async (ctx) => {
  const turns = ctx.quick ? 20 : 120;
  const pool = await WorkerPool.create({ size: 1 });
  const data = tempDataDir();
  const platform = await platformFor(pool, data.env.DATA_DIR);
  const sockets: LiveSocket[] = [];
  try {
    const sessionId = await createLiveSession(platform, { startsInMs: 2_000, durationMs: 60 * 60_000 });
    const host = await liveSocket(platform, 'teacher.wang');
    sockets.push(host);
    const up = await host.user.call(api.uploadCourseware, { body: { sessionId }, file: upload(slidesPdf(Array.from({ length: PAGES }, (_, i) => `Page ${i + 1}`)), 'bench.pdf', 'application/pdf') });
    if (!up.ok) throw new Error(up.error.message);
    const coursewareId = up.data.id;
    await waitFor('the conversion', () => host.user.call(api.getCourseware, { params: { coursewareId } }), (r) => r.ok && r.data.status === 'ready', 120_000, 200);
    ctx.log('converted');
    await host.signaling.request('join', { sessionId });
    const classrooms = await Promise.all(['class.ganpu', 'class.liuli'].map((u) => liveSocket(platform, u)));
    sockets.push(...classrooms);
    for (const c of classrooms) await c.signaling.request('join', { sessionId });
    await host.signaling.request('showCourseware', { coursewareId, page: 1 });

    const baseline: number[] = [];
    for (let i = 0; i < turns; i++) {
      const t0 = performance.now();
      await host.signaling.request('boardState', {});
      baseline.push(performance.now() - t0);
    }

    const notified: number[] = [];
    const withImage: number[] = [];
    let page = 1;
    for (let i = 0; i < turns; i++) {
      page = (page % PAGES) + 1;
      const want = page;
      const arrivals = classrooms.map(
        (c) =>
          new Promise<number>((resolve) => {
            const off = c.signaling.on('boardShown', (b: NotificationOf<'boardShown'>) => {
              if (b.page !== want) return;
              off();
              resolve(performance.now());
            });
          }),
      );
      const t0 = performance.now();
      await host.signaling.request('turnPage', { page });
      const last = Math.max(...(await Promise.all(arrivals)));
      notified.push(last - t0);
      // The classroom fetches the page image (no browser cache here: every fetch is a full one).
      const image = await fetch(new URL(`/api/courseware/${coursewareId}/pages/${page}`, platform.url), { headers: { cookie: classrooms[0]!.user.cookie } });
      await image.arrayBuffer();
      withImage.push(performance.now() - t0);
    }
    ctx.log(`${turns} turns done`);
    return {
      classrooms: classrooms.length,
      baselineRoundTripMs: summary(baseline),
      turnToLastClassroomMs: summary(notified),
      turnToImageFetchedMs: summary(withImage),
    };
  } finally {
    for (const s of sockets) s.close();
    await platform.close();
    data.cleanup();
    pool.close();
  }
};

export default bench;
