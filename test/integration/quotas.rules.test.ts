import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { RuleIds } from '../../shared/quotas/rules.ts';
import type { CommunityQuotaDetail } from '../../shared/schemas/quotas.ts';
import { tallyOf } from '../../server/quotas/evaluate.ts';
import { communitiesOf, itemFacts, tallies } from '../../server/quotas/facts.ts';
import { loadYears } from '../../server/quotas/years.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { demoDirectory, type DemoDirectory } from '../support/schedule.ts';
import { endSession, lesson, plan, postCorrection, research, settled, SHIYAN, XIANGYANG } from '../support/quotas.ts';

/**
 * Every quota rule at its edges, end to end: lessons planned through the scheduling
 * API, delivered (or missed) with evidence and a verdict, counted by the tracker.
 * Today is pinned to 2026-11-23; the 2025-2026 year is over, 2026-2027 is under way.
 */
let platform: TestPlatform;
let dir: DemoDirectory;
let coord: SignedInClient;
let coordXiangyang: SignedInClient;
let auditor: SignedInClient;

beforeAll(async () => {
  platform = await startTestPlatform({ env: { QUOTA_TODAY: '2026-11-23' } });
  dir = await demoDirectory(platform.database.db);
  [coord, coordXiangyang, auditor] = await Promise.all([platform.signIn('coord.shiyan'), platform.signIn('coord.xiangyang'), platform.signIn('auditor.haiyan')]);
});
afterAll(() => platform?.close());

async function detail(user: SignedInClient, community: string, academicYear: string): Promise<CommunityQuotaDetail> {
  await settled(platform);
  const res = await user.call(api.communityQuota, { params: { communityId: dir.community(community) }, query: { academicYear } });
  if (!res.ok) throw new Error(`${res.status} ${res.error.message}`);
  return res.data;
}
const rule = (d: CommunityQuotaDetail, id: string) => d.progress.rules.find((r) => r.ruleId === id)!;

describe('Q-SYNC-LESSONS and Q-SYNC-SUBJECTS over a finished year (2025-2026)', () => {
  it('Q-SYNC-LESSONS: exactly 20 delivered lessons is met; a missed one is not counted', async () => {
    const ids = await plan(coordXiangyang, lesson(dir, '2025-09-08', { community: XIANGYANG, recurrence: { count: 21 } }));
    expect(ids).toHaveLength(21);
    for (const id of ids.slice(0, 20)) await endSession(platform.database.db, id, 'delivered');
    await endSession(platform.database.db, ids[20]!, 'missed');
    const d = await detail(coordXiangyang, XIANGYANG, '2025-2026');
    expect(rule(d, RuleIds.syncLessons)).toMatchObject({ status: 'met', counted: 20, required: 20, fromCorrections: 0, termWeeksLeft: 0 });
    expect(rule(d, RuleIds.syncLessons).itemIds).toHaveLength(20);
    expect(rule(d, RuleIds.syncLessons).itemIds).not.toContain(ids[20]);
    // Every counted item links to its evidence: intervals and the verdict's rule IDs.
    const item = d.items.find((i) => i.id === ids[0])!;
    expect(item.evidence.intervals).toBeGreaterThan(0);
    expect(item.evidence.verdictRuleIds).toEqual(['E-TEACHER-PUBLISHED', 'E-CLASSROOM-RECEIVED']);
    expect(item.ruleIds).toEqual([RuleIds.syncLessons, RuleIds.syncSubjects]);
  });

  it('Q-SYNC-SUBJECTS: two subjects where the second subject\'s only lesson was missed is one subject; a delivered one makes two', async () => {
    const [art] = await plan(coordXiangyang, lesson(dir, '2026-03-10', { community: XIANGYANG, subject: 'art', time: '14:00' }));
    await endSession(platform.database.db, art!, 'missed');
    let d = await detail(coordXiangyang, XIANGYANG, '2025-2026');
    expect(rule(d, RuleIds.syncSubjects)).toMatchObject({ status: 'will_miss', counted: 1, required: 2 });
    const [chinese] = await plan(coordXiangyang, lesson(dir, '2026-03-12', { community: XIANGYANG, subject: 'chinese', time: '14:00' }));
    await endSession(platform.database.db, chinese!, 'delivered');
    d = await detail(coordXiangyang, XIANGYANG, '2025-2026');
    expect(rule(d, RuleIds.syncSubjects)).toMatchObject({ status: 'met', counted: 2 });
    expect(rule(d, RuleIds.syncLessons).counted).toBe(21);
  });

  it('Q-SYNC-LESSONS: 19 delivered is a miss once the year is over; 19 plus a correction is met, the correction counted separately', async () => {
    const ids = await plan(coord, lesson(dir, '2025-09-08', { recurrence: { count: 19 } }));
    for (const id of ids) await endSession(platform.database.db, id, 'delivered');
    let d = await detail(coord, SHIYAN, '2025-2026');
    expect(rule(d, RuleIds.syncLessons)).toMatchObject({ status: 'will_miss', counted: 19 });

    const created = await postCorrection(platform, coord, dir.community(SHIYAN), {
      kind: 'sync_lesson', title: '网络中断时用电话会议完成的同步课', heldOn: '2026-05-20', subjectCode: 'math', mode: 'interactive',
      reason: '平台升级当天，使用其他会议工具完成授课，附课堂照片', schoolIds: [dir.school('海盐县澉浦小学')],
    });
    expect(created.status).toBe(201);
    // The attachment keeps its Chinese file name (multipart filename parameters are UTF-8).
    expect((created.body as unknown as { attachments: { fileName: string }[] }).attachments.map((a) => a.fileName)).toEqual(['课堂照片.png']);
    d = await detail(coord, SHIYAN, '2025-2026');
    expect(rule(d, RuleIds.syncLessons)).toMatchObject({ status: 'met', counted: 20, fromCorrections: 1 });
    const corrected = d.items.find((i) => i.id === created.body.id)!;
    expect(corrected).toMatchObject({ source: 'correction', evidence: { attachments: 1 } });
    expect(corrected.reason).toContain('其他会议工具');
    // Auditors see every correction of their county.
    const list = await auditor.call(api.listCorrections, { query: {} });
    expect(list.ok && list.data.map((c) => c.id)).toContain(created.body.id);
  });

  it('Q-SYNC-LESSONS: a correction needs a reason and an attachment of an accepted type', async () => {
    const base = { kind: 'sync_lesson', title: '补录', heldOn: '2026-05-21', subjectCode: 'math', mode: 'interactive', schoolIds: [dir.school('海盐县澉浦小学')] };
    const noFile = await postCorrection(platform, coord, dir.community(SHIYAN), { ...base, reason: '没有附件的补录' }, null);
    expect(noFile.status).toBe(400);
    expect(noFile.body.error?.fields?.map((f) => f.field)).toContain('file');
    const noReason = await postCorrection(platform, coord, dir.community(SHIYAN), { ...base, reason: '' });
    expect(noReason.status).toBe(400);
    const fake = await postCorrection(platform, coord, dir.community(SHIYAN), { ...base, reason: '伪装成 PNG 的文本' }, { bytes: Buffer.from('not a png'), type: 'image/png', name: 'x.png' });
    expect(fake.status).toBe(400);
    const notMember = await postCorrection(platform, coord, dir.community(SHIYAN), { ...base, reason: '不是成员校', schoolIds: [dir.school('海盐县沈荡小学')] });
    expect(notMember.status).toBe(400);
    // The database refuses a correction without an attachment, whoever writes.
    const { quotaCorrections } = await import('../../server/db/schema/index.ts');
    await expect(
      platform.database.db.transaction(async (tx) => {
        await tx.insert(quotaCorrections).values({ communityId: dir.community(SHIYAN), kind: 'online_research', title: 'x', heldOn: '2026-05-01', reason: 'no file at all' });
      }),
    ).rejects.toThrow();
  });
});

describe('Q-RESEARCH-ONLINE and Q-RESEARCH-OFFLINE', () => {
  it('Q-RESEARCH-ONLINE: 7 delivered online research sessions miss the year, the 8th meets it', async () => {
    const ids = await plan(coord, research(dir, '2025-09-10', { recurrence: { count: 8 } }));
    for (const id of ids.slice(0, 7)) await endSession(platform.database.db, id, 'delivered');
    let d = await detail(coord, SHIYAN, '2025-2026');
    expect(rule(d, RuleIds.researchOnline)).toMatchObject({ status: 'will_miss', counted: 7, required: 8 });
    await endSession(platform.database.db, ids[7]!, 'delivered');
    d = await detail(coord, SHIYAN, '2025-2026');
    expect(rule(d, RuleIds.researchOnline)).toMatchObject({ status: 'met', counted: 8 });
  });

  it('Q-RESEARCH-OFFLINE: only confirmed offline research counts; 4 confirmed is met', async () => {
    const ids: string[] = [];
    for (const day of ['2025-10-15', '2025-11-12', '2026-03-18', '2026-04-22', '2026-05-13']) {
      const r = await coord.call(api.createOfflineResearch, {
        body: { communityId: dir.community(SHIYAN), title: `线下教研 ${day}`, heldOn: day, place: '实验小学会议室', hostSchoolId: dir.school('海盐县实验小学'), schoolIds: [dir.school('海盐县澉浦小学')], minutes: '研讨了分数教学的难点。' },
      });
      if (!r.ok) throw new Error(r.error.message);
      ids.push(r.data.id);
    }
    for (const id of ids.slice(0, 3)) expect((await coord.call(api.confirmOfflineResearch, { params: { id } })).ok).toBe(true);
    let d = await detail(coord, SHIYAN, '2025-2026');
    expect(rule(d, RuleIds.researchOffline)).toMatchObject({ status: 'will_miss', counted: 3, required: 4 });
    await coord.call(api.confirmOfflineResearch, { params: { id: ids[3]! } });
    d = await detail(coord, SHIYAN, '2025-2026');
    expect(rule(d, RuleIds.researchOffline)).toMatchObject({ status: 'met', counted: 4 });
    expect(d.items.filter((i) => i.kind === 'offline_research').every((i) => i.evidence.minutes)).toBe(true);
  });

  it('P-OFFLINE-RESEARCH-SCHOOLS: offline research of the core school alone does not count; with a member school it does', async () => {
    const before = rule(await detail(coord, SHIYAN, '2025-2026'), RuleIds.researchOffline).counted;
    const create = async (title: string, schoolIds: string[]) => {
      const r = await coord.call(api.createOfflineResearch, {
        body: { communityId: dir.community(SHIYAN), title, heldOn: '2026-06-10', place: '实验小学会议室', hostSchoolId: dir.school('海盐县实验小学'), schoolIds, minutes: '研讨了作业设计。' },
      });
      if (!r.ok) throw new Error(r.error.message);
      expect((await coord.call(api.confirmOfflineResearch, { params: { id: r.data.id } })).ok).toBe(true);
      return r.data.id;
    };
    const alone = await create('核心校单独教研', []);
    let d = await detail(coord, SHIYAN, '2025-2026');
    expect(rule(d, RuleIds.researchOffline).counted).toBe(before);
    expect(d.items.map((i) => i.id)).not.toContain(alone);
    const joint = await create('城乡联合教研', [dir.school('海盐县六里小学')]);
    d = await detail(coord, SHIYAN, '2025-2026');
    expect(rule(d, RuleIds.researchOffline).counted).toBe(before + 1);
    expect(d.items.find((i) => i.id === joint)).toMatchObject({ kind: 'offline_research', ruleIds: [RuleIds.researchOffline] });
  });
});

describe('the year under way (2026-2027, today 2026-11-23): forecast, advice, membership dates, dispatch', () => {
  it('Q-SYNC-LESSONS: 10 delivered and 4 planned is at risk — "6 more before 2027-01-22"; Q-SYNC-SUBJECTS asks for a second subject', async () => {
    const done = await plan(coord, lesson(dir, '2026-09-08', { time: '10:00', recurrence: { count: 10 } }));
    for (const id of done) await endSession(platform.database.db, id, 'delivered');
    await plan(coord, lesson(dir, '2026-12-01', { time: '10:00', recurrence: { count: 4 } }));
    const d = await detail(coord, SHIYAN, '2026-2027');
    expect(rule(d, RuleIds.syncLessons)).toMatchObject({ status: 'at_risk', counted: 10, planned: 4, required: 20, advice: { more: 6, before: '2027-01-22' } });
    expect(rule(d, RuleIds.syncLessons).termWeeksLeft).toBeGreaterThan(20);
    expect(rule(d, RuleIds.syncSubjects)).toMatchObject({ status: 'at_risk', counted: 1, advice: { more: 1, newSubjects: 1, before: '2027-01-22' } });
    expect(d.planned.filter((p) => p.kind === 'sync_lesson')).toHaveLength(4);
    const trend = d.trend.find((t) => t.kind === 'sync_lesson')!.points;
    expect(trend.find((p) => p.month === '2026-11')!.cumulative).toBe(10);
  });

  it('Q-SYNC-LESSONS: a member school joining mid-year takes part from its joining date; one with no lesson is flagged', async () => {
    const joined = await coord.call(api.addMembership, { params: { communityId: dir.community(SHIYAN) }, body: { schoolId: dir.school('海盐县秦山小学'), validFrom: '2026-11-01' } });
    expect(joined.ok).toBe(true);
    // Before joining, its classroom cannot even be planned into the community's lessons.
    const early = await coord.call(api.createSession, { body: lesson(dir, '2026-10-20', { time: '14:00', members: [['海盐县秦山小学', '三年级(1)班']] }) });
    expect(early.ok).toBe(false);
    const [late] = await plan(coord, lesson(dir, '2026-11-10', { time: '14:00', members: [['海盐县秦山小学', '三年级(1)班']] }));
    await endSession(platform.database.db, late!, 'delivered');
    const d = await detail(coord, SHIYAN, '2026-2027');
    expect(rule(d, RuleIds.syncLessons).counted).toBe(11);
    const schools = Object.fromEntries(d.progress.memberSchools.map((m) => [m.name, m]));
    expect(schools['海盐县秦山小学']).toMatchObject({ lessons: 1, flagged: false });
    expect(schools['海盐县澉浦小学']).toMatchObject({ lessons: 10, flagged: false });
    expect(schools['海盐县明德新居民子女学校']).toMatchObject({ lessons: 0, flagged: true });
  });

  it('Q-SYNC-LESSONS: a lesson counts only for the member classrooms that received it (evidence), not those merely planned', async () => {
    const [both] = await plan(coord, lesson(dir, '2026-11-12', { time: '14:00', members: [['海盐县澉浦小学', '三年级(1)班'], ['海盐县六里小学', '四年级(2)班']] }));
    await endSession(platform.database.db, both!, 'delivered', { attend: [dir.classroom('海盐县澉浦小学', '三年级(1)班')] });
    const d = await detail(coord, SHIYAN, '2026-2027');
    expect(d.items.find((i) => i.id === both)!.memberSchools).toEqual(['海盐县澉浦小学']);
    expect(d.progress.memberSchools.find((m) => m.name === '海盐县六里小学')).toMatchObject({ lessons: 0, flagged: true });
  });

  it('Q-DISPATCH-COVERAGE: a late-joining member school must be covered during its membership; a planned dispatch puts it on track', async () => {
    const send = (teacher: string, school: string, startsOn: string, endsOn: string) =>
      coord.call(api.createDispatch, { body: { communityId: dir.community(SHIYAN), teacherId: dir.teacher(teacher), schoolId: dir.school(school), startsOn, endsOn } });
    expect((await send('王丽华', '海盐县澉浦小学', '2026-09-01', '2026-10-31')).ok).toBe(true);
    expect((await send('陈志强', '海盐县六里小学', '2026-09-01', '2027-01-22')).ok).toBe(true);
    expect((await send('徐静怡', '海盐县明德新居民子女学校', '2026-09-01', '2026-12-31')).ok).toBe(true);
    let d = await detail(coord, SHIYAN, '2026-2027');
    expect(rule(d, RuleIds.dispatchCoverage)).toMatchObject({ status: 'at_risk', counted: 3, required: 4, advice: { more: 1, schools: [{ name: '海盐县秦山小学' }] } });

    const planned = await send('王丽华', '海盐县秦山小学', '2027-03-01', '2027-06-30');
    expect(planned.ok).toBe(true);
    d = await detail(coord, SHIYAN, '2026-2027');
    expect(rule(d, RuleIds.dispatchCoverage)).toMatchObject({ status: 'on_track', counted: 3, planned: 1 });

    expect((await send('王丽华', '海盐县秦山小学', '2026-11-02', '2027-01-22')).ok).toBe(true);
    d = await detail(coord, SHIYAN, '2026-2027');
    expect(rule(d, RuleIds.dispatchCoverage)).toMatchObject({ status: 'met', counted: 4, required: 4 });
    // The integrated 向阳 community is not bound by it.
    const x = await detail(coordXiangyang, XIANGYANG, '2026-2027');
    expect(rule(x, RuleIds.dispatchCoverage).status).toBe('not_applicable');
  });

  it('the set-based tally equals the tally of the items, for every community and both years', async () => {
    const db = platform.database.db;
    const years = await loadYears(db);
    const communities = await communitiesOf(db, { all: true });
    for (const year of years) {
      const { tallies: byId } = await tallies(db, { all: true }, year, '2026-11-23', communities);
      for (const ci of communities) {
        const fromItems = tallyOf((await itemFacts(db, ci, year, '2026-11-23')).facts);
        const sorted = <T>(xs: readonly T[]) => [...xs].map((x) => JSON.stringify(x)).sort();
        const set = byId.get(ci.id)!;
        expect(sorted(set.counted)).toEqual(sorted(fromItems.counted));
        expect(sorted(set.planned)).toEqual(sorted(fromItems.planned));
        expect(sorted(set.members)).toEqual(sorted(fromItems.members));
      }
    }
  });

  it('the overview (stored progress) agrees with the detail, and auditors see every community of their county with roll-ups', async () => {
    await settled(platform);
    const res = await auditor.call(api.quotaOverview, { query: { academicYear: '2026-2027' } });
    if (!res.ok) throw new Error(res.error.message);
    expect(res.data.communities).toHaveLength(3);
    const d = await detail(coord, SHIYAN, '2026-2027');
    const fromOverview = res.data.communities.find((c) => c.communityId === dir.community(SHIYAN))!;
    expect(fromOverview.rules.map(({ itemIds: _i, ...r }) => r)).toEqual(d.progress.rules.map(({ itemIds: _i, ...r }) => r));
    expect(res.data.rollups.map((r) => r.level)).toEqual(['province', 'city', 'county']);
    expect(res.data.rollups[0]).toMatchObject({ name: '浙江省', communities: 3 });
    const filtered = await auditor.call(api.quotaOverview, { query: { academicYear: '2026-2027', status: 'at_risk' } });
    expect(filtered.ok && filtered.data.communities.every((c) => c.status === 'at_risk')).toBe(true);
  });
});

describe('a year without rules of its own (2027-2028)', () => {
  it('falls back to the region\'s most recent rules, marked fallbackFrom, until a version for the year is published', async () => {
    const before = await detail(coord, SHIYAN, '2027-2028');
    expect(before.progress.ruleSet).toMatchObject({ fallbackFrom: '2026-2027' });
    expect(rule(before, RuleIds.syncLessons)).toMatchObject({ required: 20 });
    expect(before.progress.rules.filter((r) => r.status !== 'not_applicable').length).toBeGreaterThan(0);
    expect(before.progress.status).not.toBe('not_applicable');
    const countyId = (await platform.signIn('auditor.haiyan')).me.account.countyId!;
    const admin = await platform.signIn('admin');
    const resolved = await admin.call(api.resolveQuotaRuleSet, { query: { countyId, academicYear: '2027-2028' } });
    expect(resolved.ok && resolved.data).toMatchObject({ fallbackFrom: '2026-2027', ruleSet: { academicYear: '2026-2027' } });

    const published = await admin.call(api.createQuotaRuleSet, { body: { region: 'city:嘉兴市', academicYear: '2027-2028', note: '2027-2028 学年' } });
    expect(published.status).toBe(201);
    const after = await detail(coord, SHIYAN, '2027-2028');
    expect(after.progress.ruleSet).toMatchObject({ region: 'city:嘉兴市', fallbackFrom: null });
    const again = await admin.call(api.resolveQuotaRuleSet, { query: { countyId, academicYear: '2027-2028' } });
    expect(again.ok && again.data).toMatchObject({ fallbackFrom: null, ruleSet: { academicYear: '2027-2028' } });
  });
});
