import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { RuleIds } from '../../shared/quotas/rules.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { lesson, plan, settled, XIANGYANG } from '../support/quotas.ts';
import { demoDirectory, lessonDraft, type DemoDirectory } from '../support/schedule.ts';

/**
 * S-SCHEDULE-PAST (server/schedule/README.md): a session that would start in the past needs
 * a coordinator's reason or is refused. Q-PLANNED-LESSON-MEMBERS (shared/quotas/SPEC.md): a
 * lesson whose member schools have left by its day is no longer planned, is listed as
 * stranded, and is cancelled in one act. "Now" is pinned to 2026-11-20 08:00 Beijing (a
 * Friday in term) for both the scheduler and the quota tracker.
 */
const NOW = '2026-11-20T08:00:00+08:00';
let p: TestPlatform;
let dir: DemoDirectory;
let coord: SignedInClient;
let coordXiangyang: SignedInClient;
let teacher: SignedInClient;
let auditor: SignedInClient;

beforeAll(async () => {
  p = await startTestPlatform({ env: { SCHEDULE_NOW: NOW, QUOTA_TODAY: '2026-11-20' } });
  dir = await demoDirectory(p.database.db);
  [coord, coordXiangyang, teacher, auditor] = await Promise.all([p.signIn('coord.shiyan'), p.signIn('coord.xiangyang'), p.signIn('teacher.wang'), p.signIn('auditor.haiyan')]);
});
afterAll(() => p?.close());

const titled = async (user: SignedInClient, title: string) => {
  const res = await user.call(api.listSessions, { query: { from: '2026-11-01T00:00:00Z', to: '2027-01-31T00:00:00Z', includeCancelled: 'true' } });
  if (!res.ok) throw new Error(res.error.message);
  return res.data.filter((s) => s.title === title);
};

describe('S-SCHEDULE-PAST: scheduling in the past', () => {
  it('a lesson dated yesterday is a 409 of kind in_past and writes nothing; the check endpoint says so before saving', async () => {
    const draft = lessonDraft(dir, '2026-11-19T09:00:00+08:00', '2026-11-19T09:40:00+08:00', { title: '昨天的课' });
    const res = await coord.call(api.createSession, { body: draft });
    expect(res.status).toBe(409);
    if (!res.ok) expect(res.error.conflict).toMatchObject({ kind: 'in_past', startsAt: '2026-11-19' });
    expect(await titled(coord, '昨天的课')).toHaveLength(0);
    const check = await coord.call(api.checkSession, { body: draft });
    expect(check.ok && check.data).toMatchObject({ ok: false, calendarIssues: [{ kind: 'in_past', date: '2026-11-19' }] });
  });

  it('with a coordinator\'s reason it is recorded (a lesson held elsewhere), the reason kept on the session and in its history', async () => {
    const reason = '在澉浦小学线下上课，补录';
    const res = await coord.call(api.createSession, { body: lessonDraft(dir, '2026-11-19T10:00:00+08:00', '2026-11-19T10:40:00+08:00', { title: '补录的课', override: { reason } }) });
    expect(res.status).toBe(201);
    if (!res.ok) return;
    expect(res.data.sessions[0]!.override).toMatchObject({ reason });
    const history = await coord.call(api.sessionHistory, { params: { id: res.data.sessions[0]!.id } });
    expect(history.ok && history.data[0]!.reason).toBe(`override: ${reason}`);
  });

  it('a core-school teacher is refused: 409 without a reason, 403 with one (only coordinators record the past)', async () => {
    const draft = lessonDraft(dir, '2026-11-18T14:00:00+08:00', '2026-11-18T14:40:00+08:00', { title: '老师补录' });
    expect((await teacher.call(api.createSession, { body: draft })).status).toBe(409);
    expect((await teacher.call(api.createSession, { body: { ...draft, override: { reason: '补录一节课' } } })).status).toBe(403);
    expect(await titled(coord, '老师补录')).toHaveLength(0);
  });

  it('a lesson that began minutes ago is "now", not the past', async () => {
    const res = await teacher.call(api.createSession, { body: lessonDraft(dir, '2026-11-20T07:50:00+08:00', '2026-11-20T08:30:00+08:00', { title: '刚开始的课' }) });
    expect(res.status).toBe(201);
  });

  it('a series starting in the past, and a move into the past, are refused alike', async () => {
    const series = await coord.call(api.createSession, {
      body: lessonDraft(dir, '2026-11-13T15:00:00+08:00', '2026-11-13T15:40:00+08:00', { title: '每周一课', recurrence: { intervalWeeks: 1, count: 4 } }),
    });
    expect(series.status).toBe(409);
    if (!series.ok) expect(series.error.conflict).toMatchObject({ kind: 'in_past', startsAt: '2026-11-13' });
    const created = await coord.call(api.createSession, { body: lessonDraft(dir, '2026-11-27T15:00:00+08:00', '2026-11-27T15:40:00+08:00', { title: '将要移动的课' }) });
    expect(created.status).toBe(201);
    if (!created.ok) return;
    const id = created.data.sessions[0]!.id;
    const moved = await coord.call(api.updateSession, { params: { id }, body: { startsAt: '2026-11-16T15:00:00+08:00', endsAt: '2026-11-16T15:40:00+08:00' } });
    expect(moved.status).toBe(409);
    if (!moved.ok) expect(moved.error.conflict).toMatchObject({ kind: 'in_past' });
    const still = await coord.call(api.getSession, { params: { id } });
    expect(still.ok && still.data.startsAt).toBe('2026-11-27T07:00:00.000Z');
  });
});

describe('Q-PLANNED-LESSON-MEMBERS: lessons whose member schools leave', () => {
  const shendang = () => dir.school('海盐县沈荡小学');
  const planned = async (user: SignedInClient) => {
    await settled(p);
    const res = await user.call(api.communityQuota, { params: { communityId: dir.community(XIANGYANG) }, query: { academicYear: '2026-2027' } });
    if (!res.ok) throw new Error(res.error.message);
    return { rule: res.data.progress.rules.find((r) => r.ruleId === RuleIds.syncLessons)!.planned, listed: res.data.planned.filter((i) => i.kind === 'sync_lesson').length };
  };
  const stranded = (user: SignedInClient) => user.call(api.listStrandedLessons, { params: { communityId: dir.community(XIANGYANG) } });

  it('a school that leaves takes its later lessons out of "planned" at once; they are listed as stranded with the school named', async () => {
    // Three Tuesdays (1, 8 and 15 December), 沈荡小学 the only member classroom; a fourth lesson also invites 通元小学.
    await plan(coordXiangyang, lesson(dir, '2026-12-01', { community: XIANGYANG, recurrence: { count: 3 } }));
    await plan(coordXiangyang, lesson(dir, '2026-12-10', { community: XIANGYANG, members: [['海盐县沈荡小学', '三年级(1)班'], ['海盐县通元小学', '三年级(1)班']] }));
    expect(await planned(coordXiangyang)).toEqual({ rule: 4, listed: 4 });
    await expect(stranded(coordXiangyang).then((r) => r.ok && r.data)).resolves.toEqual([]);

    const community = await coordXiangyang.call(api.getCommunity, { params: { communityId: dir.community(XIANGYANG) } });
    const membership = community.ok && community.data.memberships.find((m) => m.schoolId === shendang() && m.validTo === null);
    expect(membership).toBeTruthy();
    const left = await coordXiangyang.call(api.updateMembership, { params: { communityId: dir.community(XIANGYANG), membershipId: membership ? membership.id : '' }, body: { validTo: '2026-12-05' } });
    expect(left.ok).toBe(true);

    // 1 December still counts (a member that day); 8 and 15 December cannot; 10 December keeps 通元小学.
    expect(await planned(coordXiangyang)).toEqual({ rule: 2, listed: 2 });
    const list = await stranded(coordXiangyang);
    expect(list.ok && list.data.map((s) => s.startsAt)).toEqual(['2026-12-08T01:00:00.000Z', '2026-12-15T01:00:00.000Z']);
    expect(list.ok && list.data[0]!.classrooms.filter((c) => c.role === 'member').map((c) => c.schoolName)).toEqual(['海盐县沈荡小学']);
    // The county's auditor reads them too; another community's coordinator does not see the community at all.
    expect((await stranded(auditor)).ok).toBe(true);
    expect((await stranded(coord)).status).toBe(404);
  });

  it('only the community\'s coordinator cancels them, all at once with a reason; planned lessons are untouched', async () => {
    const body = { reason: '成员校已退出教共体' };
    expect((await auditor.call(api.cancelStrandedLessons, { params: { communityId: dir.community(XIANGYANG) }, body })).status).toBe(403);
    expect((await coord.call(api.cancelStrandedLessons, { params: { communityId: dir.community(XIANGYANG) }, body })).status).toBe(404);
    const short = await coordXiangyang.call(api.cancelStrandedLessons, { params: { communityId: dir.community(XIANGYANG) }, body: { reason: ' ' } });
    expect(short.status).toBe(400);
    if (!short.ok) expect(short.error.fields?.map((f) => f.field)).toEqual(['reason']);

    const done = await coordXiangyang.call(api.cancelStrandedLessons, { params: { communityId: dir.community(XIANGYANG) }, body });
    expect(done.ok && done.data.sessions.map((s) => [s.status, s.statusReason])).toEqual([
      ['cancelled', body.reason],
      ['cancelled', body.reason],
    ]);
    const after = await stranded(coordXiangyang);
    expect(after.ok && after.data).toEqual([]);
    expect(await planned(coordXiangyang)).toEqual({ rule: 2, listed: 2 });
  });
});
