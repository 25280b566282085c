import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { api } from '../../shared/api/index.ts';
import type { Db } from '../../server/db/client.ts';
import { transitionSessionStatus } from '../../server/schedule/lifecycle.ts';
import { tallyOf } from '../../server/quotas/evaluate.ts';
import { communitiesOf, itemFacts, rowsOf, tallies } from '../../server/quotas/facts.ts';
import { loadYears, pickYear } from '../../server/quotas/years.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { demoDirectory, type DemoDirectory } from '../support/schedule.ts';
import { endSession, lesson, plan, postCorrection, SHIYAN, XIANGYANG } from '../support/quotas.ts';

/**
 * The maintained tallies (quota_tallies, migration 0014) stay equal to the evidence after
 * every kind of change, whoever writes: after each step, for every community and both
 * years, `tallies()` equals the tally of the items read from the evidence (`itemFacts`),
 * and the stored rows equal a recomputation from the views that define them. Today is
 * pinned to 2026-11-23 (2025-2026 is over, 2026-2027 under way).
 */
const TODAY = '2026-11-23';
let platform: TestPlatform;
let db: Db;
let dir: DemoDirectory;
let coord: SignedInClient;
let coordXiangyang: SignedInClient;

beforeAll(async () => {
  platform = await startTestPlatform({ env: { QUOTA_TODAY: TODAY } });
  db = platform.database.db;
  dir = await demoDirectory(db);
  [coord, coordXiangyang] = await Promise.all([platform.signIn('coord.shiyan'), platform.signIn('coord.xiangyang')]);
});
afterAll(() => platform?.close());

const sorted = <T>(xs: readonly T[]) => [...xs].map((x) => JSON.stringify(x)).sort();

async function expectExact(step: string) {
  const years = await loadYears(db);
  const communities = await communitiesOf(db, { all: true });
  for (const year of years) {
    const { tallies: byId } = await tallies(db, { all: true }, year, TODAY, communities);
    for (const ci of communities) {
      const items = tallyOf((await itemFacts(db, ci, year, TODAY)).facts);
      const kept = byId.get(ci.id)!;
      expect({ counted: sorted(kept.counted), planned: sorted(kept.planned), members: sorted(kept.members) }, `${step}: ${ci.name} ${year.label}`).toEqual({
        counted: sorted(items.counted),
        planned: sorted(items.planned),
        members: sorted(items.members),
      });
    }
  }
  const [diff] = await rowsOf<{ n: number }>(
    db,
    sql`select count(*)::int as n from (
          (select community_id, academic_year, counted::text, planned::text, members::text from quota_tallies
           except select community_id, academic_year, counted::text, planned::text, members::text from quota_tally_docs)
          union all
          (select community_id, academic_year, counted::text, planned::text, members::text from quota_tally_docs
           except select community_id, academic_year, counted::text, planned::text, members::text from quota_tallies)) d`,
  );
  expect(diff!.n, `${step}: stored rows differ from the views`).toBe(0);
}

const counted = async (community: string, kind: string, at = db) => {
  const year = pickYear(await loadYears(at), TODAY);
  const cs = await communitiesOf(at, { ids: [dir.community(community)] });
  const { tallies: byId } = await tallies(at, { ids: cs.map((c) => c.id) }, year, TODAY, cs);
  return byId.get(cs[0]!.id)!.counted.filter((g) => g.kind === kind).reduce((n, g) => n + g.count, 0);
};

/** A member school of 实验小学教育共同体 through the offline research days used below (10–13 November 2026). */
async function aMember() {
  return (await membershipsOf(SHIYAN)).find((m) => m.role === 'member' && m.validFrom <= '2026-11-10' && (m.validTo === null || m.validTo > '2026-11-13'))!.schoolId;
}

async function membershipsOf(community: string) {
  return rowsOf<{ id: string; schoolId: string; role: string; validFrom: string; validTo: string | null }>(
    db,
    sql`select id, school_id as "schoolId", role, valid_from::text as "validFrom", valid_to::text as "validTo" from community_memberships where community_id = ${dir.community(community)}::uuid order by valid_from`,
  );
}

const anAccount = async () => (await rowsOf<{ id: string }>(db, sql`select id from accounts order by username limit 1`))[0]!.id;

describe('maintained tallies equal the evidence', () => {
  it('after the migration backfill and the demo seed', async () => {
    await expectExact('start');
  });

  it('Q-SYNC-LESSONS: lessons planned, delivered (some classrooms absent), missed, moved, cancelled, and one left scheduled past its day', async () => {
    const ids = await plan(coord, lesson(dir, '2026-09-07', { recurrence: { count: 6 } }));
    await endSession(db, ids[0]!, 'delivered');
    await endSession(db, ids[1]!, 'delivered', { attend: [] });
    await endSession(db, ids[2]!, 'missed');
    await expectExact('delivered and missed');
    // Moved: the lesson of 2026-10-12 (scheduled, its day past) out of every academic year, then to 2026-12-01.
    await db.execute(sql`update live_sessions set starts_at = starts_at + interval '400 days', ends_at = ends_at + interval '400 days' where id = ${ids[5]!}::uuid`);
    await expectExact('moved out of the year');
    await db.execute(sql`update live_sessions set starts_at = starts_at - interval '350 days', ends_at = ends_at - interval '350 days' where id = ${ids[5]!}::uuid`);
    await expectExact('moved back');
    await transitionSessionStatus(db, ids[4]!, 'cancelled', { system: 'test', reason: '教师外出培训' });
    await expectExact('cancelled');
    // ids[3] (2026-09-28) stays scheduled although its day has passed: no longer planned.
    const still = await rowsOf<{ n: number }>(db, sql`select count(*)::int as n from live_sessions where id = ${ids[3]!}::uuid and status = 'scheduled'`);
    expect(still[0]!.n).toBe(1);
    const xs = await plan(coordXiangyang, lesson(dir, '2026-12-01', { community: XIANGYANG, recurrence: { count: 3 } }));
    await endSession(db, xs[0]!, 'delivered');
    await expectExact('another community');
  });

  it('Q-SYNC-LESSONS: a member school leaving mid-year, renamed, joining again; its lessons after leaving no longer count', async () => {
    const before = await counted(SHIYAN, 'sync_lesson');
    // 澉浦小学's classroom took part in the lesson of 2026-09-07; the school leaves on the 5th.
    const member = (await membershipsOf(SHIYAN)).find((m) => m.schoolId === dir.school('海盐县澉浦小学') && m.validTo === null)!;
    await db.execute(sql`update community_memberships set valid_to = '2026-09-05' where id = ${member.id}::uuid`);
    await expectExact('left');
    expect(await counted(SHIYAN, 'sync_lesson')).toBeLessThan(before);
    await db.execute(sql`update schools set name = name || '（新）' where id = ${member.schoolId}::uuid`);
    await expectExact('renamed');
    await db.execute(sql`insert into community_memberships (community_id, school_id, role, valid_from) values (${dir.community(SHIYAN)}::uuid, ${member.schoolId}::uuid, 'member', '2026-09-06')`);
    await expectExact('joined again');
    expect(await counted(SHIYAN, 'sync_lesson')).toBe(before);
  });

  it('Q-DISPATCH-COVERAGE: dispatches begun and still to begin, then withdrawn', async () => {
    const member = (await membershipsOf(SHIYAN)).find((m) => m.role === 'member')!;
    const sent = await coord.call(api.createDispatch, { body: { communityId: dir.community(SHIYAN), teacherId: dir.teacher('陈志强'), schoolId: member.schoolId, startsOn: '2026-11-02', endsOn: '2027-01-22' } });
    expect(sent.ok).toBe(true);
    const later = await coord.call(api.createDispatch, { body: { communityId: dir.community(SHIYAN), teacherId: dir.teacher('王丽华'), schoolId: member.schoolId, startsOn: '2027-03-01', endsOn: '2027-06-30' } });
    expect(later.ok).toBe(true);
    await expectExact('dispatched');
    if (sent.ok) await db.execute(sql`delete from teacher_dispatches where id = ${sent.data.id}::uuid`);
    await expectExact('one withdrawn');
  });

  it('Q-SYNC-LESSONS and Q-RESEARCH-ONLINE: corrections, and a lesson correction losing its only school', async () => {
    const member = (await membershipsOf(SHIYAN)).find((m) => m.role === 'member' && m.validTo === null)!;
    const lessonFix = await postCorrection(platform, coord, dir.community(SHIYAN), {
      kind: 'sync_lesson', title: '停电改用手机直播', heldOn: '2026-10-20', subjectCode: 'music', mode: 'dedicated', reason: '停电改用手机直播，附照片', schoolIds: [member.schoolId],
    });
    expect(lessonFix.status).toBe(201);
    const researchFix = await postCorrection(platform, coord, dir.community(SHIYAN), { kind: 'online_research', title: '其他平台教研', heldOn: '2026-10-21', reason: '在其他平台开展，附截图' });
    expect(researchFix.status).toBe(201);
    await expectExact('corrections');
    await db.execute(sql`delete from quota_correction_schools where correction_id = ${lessonFix.body.id!}::uuid`);
    await expectExact('correction without school');
  });

  it('Q-RESEARCH-OFFLINE: offline research planned (past and future), confirmed, cancelled', async () => {
    const who = await anAccount();
    const core = (await membershipsOf(SHIYAN)).find((m) => m.role === 'core')!.schoolId;
    const rows = await rowsOf<{ id: string }>(
      db,
      sql`insert into offline_research (community_id, title, held_on, place, host_school_id, minutes, status)
          values (${dir.community(SHIYAN)}::uuid, '线下教研一', '2026-11-10', '核心校', ${core}::uuid, '纪要', 'planned'),
                 (${dir.community(SHIYAN)}::uuid, '线下教研二', '2026-12-10', '核心校', ${core}::uuid, '', 'planned'),
                 (${dir.community(SHIYAN)}::uuid, '线下教研三', '2027-04-10', '核心校', ${core}::uuid, '', 'planned')
          returning id`,
    );
    await expectExact('offline planned');
    await db.execute(sql`update offline_research set status = 'confirmed', confirmed_by = ${who}::uuid, confirmed_at = now() where id = ${rows[0]!.id}::uuid`);
    await db.execute(sql`update offline_research set status = 'cancelled' where id = ${rows[2]!.id}::uuid`);
    await expectExact('offline confirmed and cancelled');
    await db.execute(sql`update offline_research set minutes = '补充纪要' where id = ${rows[0]!.id}::uuid`);
    await expectExact('minutes edited');
    // P-OFFLINE-RESEARCH-SCHOOLS: the core school alone does not count; a member school joining makes it count.
    const before = await counted(SHIYAN, 'offline_research');
    await db.execute(sql`insert into offline_research_schools (research_id, school_id) values (${rows[0]!.id}::uuid, ${core}::uuid)`);
    await expectExact('core school alone');
    expect(await counted(SHIYAN, 'offline_research')).toBe(before);
    await db.execute(sql`insert into offline_research_schools (research_id, school_id) values (${rows[0]!.id}::uuid, ${await aMember()}::uuid)`);
    await expectExact('a member school joined');
    expect(await counted(SHIYAN, 'offline_research')).toBe(before + 1);
    await db.execute(sql`delete from offline_research_schools where research_id = ${rows[0]!.id}::uuid and school_id <> ${core}::uuid`);
    await expectExact('the member school left the record');
    expect(await counted(SHIYAN, 'offline_research')).toBe(before);
  });

  it('a change of the academic years rebuilds every row', async () => {
    await db.execute(sql`update academic_years set ends_on = ends_on - 100 where label = '2026-2027'`);
    await expectExact('year shortened');
    await db.execute(sql`update academic_years set ends_on = ends_on + 100 where label = '2026-2027'`);
    await expectExact('year restored');
  });

  it('inside a transaction the tallies include its own changes; a rollback leaves them as they were', async () => {
    const before = await counted(SHIYAN, 'offline_research');
    const who = await anAccount();
    const core = (await membershipsOf(SHIYAN)).find((m) => m.role === 'core')!.schoolId;
    const member = await aMember();
    const insert = (at: Db) =>
      at.execute(sql`with r as (insert into offline_research (community_id, title, held_on, place, host_school_id, minutes, status, confirmed_by, confirmed_at)
                     values (${dir.community(SHIYAN)}::uuid, '事务内', '2026-11-12', '核心校', ${core}::uuid, '纪要', 'confirmed', ${who}::uuid, now()) returning id)
                     insert into offline_research_schools (research_id, school_id) select r.id, s from r, unnest(array[${core}::uuid, ${member}::uuid]) s`);
    await expect(
      db.transaction(async (tx) => {
        await insert(tx as unknown as Db);
        expect(await counted(SHIYAN, 'offline_research', tx as unknown as Db)).toBe(before + 1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await counted(SHIYAN, 'offline_research')).toBe(before);
    await expectExact('rolled back');
  });

  it('concurrent transactions changing one community both count', async () => {
    const before = await counted(SHIYAN, 'offline_research');
    const who = await anAccount();
    const core = (await membershipsOf(SHIYAN)).find((m) => m.role === 'core')!.schoolId;
    const member = await aMember();
    await Promise.all(
      [0, 1, 2].map((i) =>
        db.transaction(async (tx) => {
          await tx.execute(sql`with r as (insert into offline_research (community_id, title, held_on, place, host_school_id, minutes, status, confirmed_by, confirmed_at)
                               values (${dir.community(SHIYAN)}::uuid, ${`并发${i}`}, '2026-11-13', '核心校', ${core}::uuid, '纪要', 'confirmed', ${who}::uuid, now()) returning id)
                               insert into offline_research_schools (research_id, school_id) select r.id, s from r, unnest(array[${core}::uuid, ${member}::uuid]) s`);
          await tx.execute(sql`select pg_sleep(0.05)`);
        }),
      ),
    );
    expect(await counted(SHIYAN, 'offline_research')).toBe(before + 3);
    await expectExact('concurrent');
  });
});
