import { randomBytes } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { RuleIds } from '../../shared/quotas/rules.ts';
import { QUOTA_PROGRESS_EVENT, type QuotaProgressEvent } from '../../shared/schemas/quotas.ts';
import { loadConfig } from '../../server/config.ts';
import { features } from '../../server/features.ts';
import { createLogger } from '../../server/log.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { endSession, lesson, plan, postCorrection, settled, SHIYAN } from '../support/quotas.ts';
import { demoDirectory, type DemoDirectory } from '../support/schedule.ts';
import { drained } from '../support/sockets.ts';
import { nextEvent } from '../support/waitFor.ts';

/**
 * Live dashboards: when a session ends, offline research is confirmed, a correction
 * or a dispatch is added, the community's progress is pushed to every open dashboard
 * (community and county rooms) — also on another server node, through
 * PostgreSQL NOTIFY and the Redis adapter — and only that community is recomputed.
 */
const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const env = { QUOTA_TODAY: '2026-11-23', REDIS_URL: redisUrl, REDIS_STREAM_NAME: `tongbu-quota-${randomBytes(4).toString('hex')}` };

let nodeA: TestPlatform;
let nodeB: RunningServer;
let dir: DemoDirectory;
let coord: SignedInClient;
let auditor: SignedInClient;
let other: SignedInClient;
const sockets: Socket[] = [];

beforeAll(async () => {
  nodeA = await startTestPlatform({ env });
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SERVE_CLIENT: 'false', MEDIA_WORKERS: '0', ...env });
  nodeB = await startServer({ config, database: nodeA.database, media: null, log: createLogger(config) }, { ...features, port: 0, host: '127.0.0.1' });
  dir = await demoDirectory(nodeA.database.db);
  [coord, auditor, other] = await Promise.all([nodeA.signIn('coord.shiyan'), nodeA.signIn('auditor.haiyan'), nodeA.signIn('coord.xiangyang')]);
  await settled(nodeA);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await nodeB?.close();
  await nodeA?.close();
});

async function dashboard(url: string, cookie: string) {
  const socket = connect(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const heard: QuotaProgressEvent[] = [];
  socket.on(QUOTA_PROGRESS_EVENT, (e: QuotaProgressEvent) => heard.push(e));
  return {
    socket,
    heard,
    /** The next progress event of a community matching `where` (pushed: the dashboard asks nothing). */
    next(where: (e: QuotaProgressEvent) => boolean): Promise<QuotaProgressEvent> {
      return nextEvent(`a matching ${QUOTA_PROGRESS_EVENT}`, (on: (e: QuotaProgressEvent) => void) => {
        socket.on(QUOTA_PROGRESS_EVENT, on);
        return () => void socket.off(QUOTA_PROGRESS_EVENT, on);
      }, where);
    },
  };
}


const syncLessons = (e: QuotaProgressEvent) => e.progress.rules.find((r) => r.ruleId === RuleIds.syncLessons)!;

describe('live progress on every open dashboard', () => {
  it('Q-SYNC-LESSONS: a session ending reaches the coordinator (node A), the county auditor (node B), and not another community\'s coordinator', async () => {
    const coordA = await dashboard(nodeA.url, coord.cookie);
    const auditorB = await dashboard(nodeB.url, auditor.cookie);
    const otherB = await dashboard(nodeB.url, other.cookie);
    const [id] = await plan(coord, lesson(dir, '2026-11-16', { time: '10:00' }));
    await settled(nodeA);
    await settled(nodeB);
    await drained(nodeB.io, otherB.socket);
    const seen = otherB.heard.length;
    const mine = (e: QuotaProgressEvent) => e.progress.communityId === dir.community(SHIYAN) && syncLessons(e).counted === 1;
    const [a] = await Promise.all([coordA.next(mine), auditorB.next(mine), endSession(nodeA.database.db, id!, 'delivered')]);
    expect(syncLessons(a)).toMatchObject({ counted: 1, required: 20 });
    // Node B has handed the event to its sockets (the auditor heard it); whatever it sent the other coordinator has arrived.
    await drained(nodeB.io, otherB.socket);
    expect(otherB.heard.slice(seen).filter((e) => e.progress.communityId === dir.community(SHIYAN))).toEqual([]);
  });

  it('Q-RESEARCH-OFFLINE: confirming offline research moves it live', async () => {
    const d = await dashboard(nodeB.url, coord.cookie);
    const r = await coord.call(api.createOfflineResearch, {
      body: { communityId: dir.community(SHIYAN), title: '线下教研', heldOn: '2026-11-18', place: '澉浦小学', hostSchoolId: dir.school('海盐县澉浦小学'), schoolIds: [dir.school('海盐县实验小学')], minutes: '听课评课' },
    });
    if (!r.ok) throw new Error(r.error.message);
    await settled(nodeA);
    const next = d.next((e) => e.progress.rules.find((x) => x.ruleId === RuleIds.researchOffline)!.counted === 1);
    await coord.call(api.confirmOfflineResearch, { params: { id: r.data.id } });
    expect((await next).progress.communityId).toBe(dir.community(SHIYAN));
  });

  it('Q-SYNC-LESSONS and Q-DISPATCH-COVERAGE: a correction and a dispatch move it live', async () => {
    const d = await dashboard(nodeA.url, auditor.cookie);
    const corrected = d.next((e) => e.progress.communityId === dir.community(SHIYAN) && syncLessons(e).fromCorrections === 1);
    const res = await postCorrection(nodeA, coord, dir.community(SHIYAN), {
      kind: 'sync_lesson', title: '补录同步课', heldOn: '2026-11-19', subjectCode: 'music', mode: 'dedicated', reason: '停电改用手机直播，附照片', schoolIds: [dir.school('海盐县六里小学')],
    });
    expect(res.status).toBe(201);
    expect(syncLessons(await corrected).fromCorrections).toBe(1);

    const covered = d.next((e) => e.progress.rules.find((x) => x.ruleId === RuleIds.dispatchCoverage)!.counted === 1);
    const sent = await coord.call(api.createDispatch, { body: { communityId: dir.community(SHIYAN), teacherId: dir.teacher('陈志强'), schoolId: dir.school('海盐县澉浦小学'), startsOn: '2026-11-02', endsOn: '2027-01-22' } });
    expect(sent.ok).toBe(true);
    expect((await covered).progress.communityId).toBe(dir.community(SHIYAN));
  });

  it('a change recomputes only its community', async () => {
    await settled(nodeA);
    const { quotaProgress } = await import('../../server/db/schema/index.ts');
    const before = new Map((await nodeA.database.db.select().from(quotaProgress)).map((r) => [r.communityId, r.computedAt.getTime()]));
    const [id] = await plan(coord, lesson(dir, '2026-11-17', { time: '10:00' }));
    await endSession(nodeA.database.db, id!, 'delivered');
    await settled(nodeA);
    await settled(nodeB);
    const after = await nodeA.database.db.select().from(quotaProgress);
    for (const r of after) {
      if (r.academicYear !== '2026-2027') continue;
      if (r.communityId === dir.community(SHIYAN)) expect(r.computedAt.getTime()).toBeGreaterThan(before.get(r.communityId)!);
      else expect(r.computedAt.getTime()).toBe(before.get(r.communityId));
    }
  });
});
