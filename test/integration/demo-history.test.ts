import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { RuleIds } from '../../shared/quotas/rules.ts';
import { liveSessions } from '../../server/db/schema/index.ts';
import { rowsOf } from '../../server/quotas/facts.ts';
import { seedDemoHistory, type DemoHistoryResult } from '../../server/seed/demoHistory.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { settled, SHIYAN } from '../support/quotas.ts';
import { demoDirectory, type DemoDirectory } from '../support/schedule.ts';

/**
 * The demo county's year so far (npm start on an empty database): planned through the
 * scheduling service, past sessions replayed as evidence and judged by the live plane's
 * rules — so every number the dashboards show of it is counted like a real one.
 * "Now" is pinned to 2026-12-04 12:00 in Haiyan.
 */
const NOW = new Date('2026-12-04T12:00:00+08:00');
let platform: TestPlatform;
let dir: DemoDirectory;
let seeded: DemoHistoryResult;

beforeAll(async () => {
  platform = await startTestPlatform({ env: { QUOTA_TODAY: '2026-12-04' }, beforeStart: async (db) => void (seeded = await seedDemoHistory(db, NOW)) });
  dir = await demoDirectory(platform.database.db);
});
afterAll(() => platform?.close());

describe('demo history', () => {
  it('every session that ended before now was judged from its evidence; the rest is still to come', async () => {
    const db = platform.database.db;
    const rows = await rowsOf<{ status: string; past: boolean; verdicts: number; intervals: number }>(
      db,
      sql`select s.status, s.ends_at <= ${NOW.toISOString()}::timestamptz as past, count(v.session_id)::int as verdicts,
                 count(*) filter (where exists (select 1 from live_evidence_intervals i where i.session_id = s.id))::int as intervals
            from live_sessions s left join live_session_verdicts v on v.session_id = s.id group by 1, 2 order by 1, 2`,
    );
    const past = rows.filter((r) => r.past);
    expect(past.map((r) => r.status).sort()).toEqual(['delivered', 'missed']);
    for (const r of past) expect(r.verdicts).toBe(r.intervals);
    expect(rows.filter((r) => !r.past).map((r) => r.status)).toEqual(['scheduled']);
    const delivered = past.find((r) => r.status === 'delivered')!;
    expect(delivered.verdicts).toBe(seeded.delivered);
    expect(past.find((r) => r.status === 'missed')!.verdicts).toBe(seeded.missed);
    expect(await db.$count(liveSessions)).toBe(seeded.sessions);
  });

  it('the failures are honest: a classroom that lost its link, a research session where one school spoke', async () => {
    const reasons = await rowsOf<{ reason: string }>(platform.database.db, sql`select reason from live_session_verdicts where status = 'missed'`);
    expect(reasons.some((r) => r.reason.includes('E-CLASSROOM-RECEIVED'))).toBe(true);
    expect(reasons.some((r) => r.reason.startsWith('P-RESEARCH-SCHOOLS-SPOKE'))).toBe(true);
  });

  it('Q-SYNC-LESSONS: the coordinator sees a year in progress — counted lessons with evidence, planned ones, a forecast', async () => {
    await settled(platform);
    const coord = await platform.signIn('coord.shiyan');
    const res = await coord.call(api.communityQuota, { params: { communityId: dir.community(SHIYAN) }, query: { academicYear: '2026-2027' } });
    if (!res.ok) throw new Error(res.error.message);
    const lessons = res.data.progress.rules.find((r) => r.ruleId === RuleIds.syncLessons)!;
    expect(lessons.counted).toBeGreaterThan(10);
    expect(lessons.planned).toBeGreaterThan(0);
    expect(['on_track', 'met']).toContain(lessons.status);
    const item = res.data.items.find((i) => lessons.itemIds.includes(i.id))!;
    expect(item.evidence.intervals).toBeGreaterThan(0);
  });

  it('ST-TYPE-THRESHOLDS: the coordinator\'s S-T card shows the year\'s delivered lessons of every type, averaged', async () => {
    const coord = await platform.signIn('coord.shiyan');
    const t0 = performance.now();
    const res = await coord.call(api.communitySt, { params: { communityId: dir.community(SHIYAN) }, query: { academicYear: '2026-2027' } });
    const ms = performance.now() - t0;
    if (!res.ok) throw new Error(res.error.message);
    console.log(`S-T summary of ${res.data.lessons} delivered lessons: ${ms.toFixed(0)} ms (${process.env['TEST_DB']})`, res.data.byType, res.data.avgRt, res.data.avgCh);
    expect(res.data.lessons).toBeGreaterThan(10);
    expect(res.data.analysed).toBe(res.data.lessons);
    expect(res.data.byType.lecture).toBeGreaterThan(0);
    expect(res.data.byType.dialogue).toBeGreaterThan(0);
    expect(res.data.byType.practice).toBeGreaterThan(0);
    expect(Object.values(res.data.byType).reduce((a, b) => a + b, 0)).toBe(res.data.analysed);
  });

  it('the auditor sees communities in different states (one behind on Q-SYNC-LESSONS)', async () => {
    await settled(platform);
    const auditor = await platform.signIn('auditor.haiyan');
    const res = await auditor.call(api.quotaOverview, { query: { academicYear: '2026-2027' } });
    if (!res.ok) throw new Error(res.error.message);
    const statuses = res.data.communities.map((c) => c.rules.find((r) => r.ruleId === RuleIds.syncLessons)!.status);
    expect(new Set(statuses).size).toBeGreaterThan(1);
    expect(statuses).toContain('at_risk');
  });
});
