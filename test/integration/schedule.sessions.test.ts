import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { demoDirectory, lessonDraft, type DemoDirectory, PLANNING_NOW } from '../support/schedule.ts';

let p: TestPlatform;
let dir: DemoDirectory;
let coord: SignedInClient;

beforeAll(async () => {
  p = await startTestPlatform({ env: { SCHEDULE_NOW: PLANNING_NOW } });
  dir = await demoDirectory(p.database.db);
  coord = await p.signIn('coord.shiyan');
});
afterAll(() => p?.close());

describe('synchronized lessons', () => {
  it('a coordinator schedules a lesson; times are stored in UTC and shown with the zone', async () => {
    const res = await coord.call(api.createSession, { body: lessonDraft(dir, '2026-12-01T09:00:00+08:00', '2026-12-01T09:40:00+08:00') });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    if (!res.ok) return;
    const [s] = res.data.sessions;
    expect(s).toMatchObject({ startsAt: '2026-12-01T01:00:00.000Z', endsAt: '2026-12-01T01:40:00.000Z', timeZone: 'Asia/Shanghai', status: 'scheduled', mode: 'interactive' });
    expect(s!.teachers).toEqual([expect.objectContaining({ name: '王丽华', role: 'host' })]);
    expect(s!.classrooms.map((c) => c.role).sort()).toEqual(['host', 'member']);
    const history = await coord.call(api.sessionHistory, { params: { id: s!.id } });
    expect(history.ok && history.data).toEqual([expect.objectContaining({ fromStatus: null, toStatus: 'scheduled', actor: expect.objectContaining({ displayName: '实验小学教共体协调员' }) })]);
  });

  it('a clash with the same teacher is refused with 409 naming the lesson, time and teacher', async () => {
    const res = await coord.call(api.createSession, {
      body: lessonDraft(dir, '2026-12-01T09:20:00+08:00', '2026-12-01T10:00:00+08:00', { title: '另一节课', memberClassroomIds: [dir.classroom('海盐县六里小学', '四年级(2)班')], hostClassroomId: dir.classroom('海盐县实验小学', '三年级(1)班') }),
    });
    expect(res.status).toBe(409);
    if (res.ok) return;
    expect(res.error.conflict).toMatchObject({ kind: 'teacher_busy', title: '分数的初步认识', startsAt: '2026-12-01T01:00:00.000Z', who: expect.stringContaining('王丽华') });
    expect(res.error.message).toContain('2026-12-01 09:00–09:40');
  });

  it('a clash of a member classroom names the classroom', async () => {
    const res = await coord.call(api.createSession, {
      body: lessonDraft(dir, '2026-12-01T09:30:00+08:00', '2026-12-01T10:10:00+08:00', { title: '音乐欣赏', subjectCode: 'music', hostTeacherId: dir.teacher('徐静怡'), hostClassroomId: dir.classroom('海盐县实验小学', '四年级(2)班') }),
    });
    expect(res.status).toBe(409);
    if (!res.ok) expect(res.error.conflict).toMatchObject({ kind: 'classroom_busy', who: expect.stringContaining('三年级(1)班') });
  });

  it('back-to-back lessons do not clash (ranges are half-open)', async () => {
    const res = await coord.call(api.createSession, { body: lessonDraft(dir, '2026-12-01T09:40:00+08:00', '2026-12-01T10:20:00+08:00', { title: '紧接着的课' }) });
    expect(res.status).toBe(201);
  });

  it('the check endpoint lists the clashes before saving, and a cancelled lesson frees its slot', async () => {
    const draft = lessonDraft(dir, '2026-12-03T14:00:00+08:00', '2026-12-03T14:40:00+08:00', { title: '先占位' });
    const created = await coord.call(api.createSession, { body: draft });
    expect(created.status).toBe(201);
    const check = await coord.call(api.checkSession, { body: { ...draft, title: '后来的' } });
    expect(check.ok && check.data.ok).toBe(false);
    expect(check.ok && check.data.conflicts.map((c) => c.kind).sort()).toEqual(['classroom_busy', 'classroom_busy', 'teacher_busy']);

    const id = created.ok ? created.data.sessions[0]!.id : '';
    const noReason = await coord.call(api.cancelSession, { params: { id }, body: { reason: '' } });
    expect(noReason.status).toBe(400);
    const cancelled = await coord.call(api.cancelSession, { params: { id }, body: { reason: '教师外出培训' } });
    expect(cancelled.ok && cancelled.data.sessions[0]).toMatchObject({ status: 'cancelled', statusReason: '教师外出培训' });
    const again = await coord.call(api.checkSession, { body: { ...draft, title: '后来的' } });
    expect(again.ok && again.data).toMatchObject({ ok: true, conflicts: [] });
    expect((await coord.call(api.createSession, { body: { ...draft, title: '后来的' } })).status).toBe(201);

    const history = await coord.call(api.sessionHistory, { params: { id } });
    expect(history.ok && history.data.map((h) => h.toStatus)).toEqual(['scheduled', 'cancelled']);
    // A cancelled session stays cancelled.
    expect((await coord.call(api.cancelSession, { params: { id }, body: { reason: '再取消' } })).status).toBe(409);
  });

  it('moving one lesson into a taken slot is refused and names the clash; elsewhere it moves', async () => {
    const a = await coord.call(api.createSession, { body: lessonDraft(dir, '2026-12-07T10:00:00+08:00', '2026-12-07T10:40:00+08:00', { title: '甲' }) });
    const b = await coord.call(api.createSession, { body: lessonDraft(dir, '2026-12-07T11:00:00+08:00', '2026-12-07T11:40:00+08:00', { title: '乙' }) });
    const bId = b.ok ? b.data.sessions[0]!.id : '';
    const clash = await coord.call(api.updateSession, { params: { id: bId }, body: { startsAt: '2026-12-07T10:20:00+08:00', endsAt: '2026-12-07T11:00:00+08:00' } });
    expect(clash.status).toBe(409);
    expect(!clash.ok && clash.error.conflict?.title).toBe('甲');
    expect(a.ok).toBe(true);
    const moved = await coord.call(api.updateSession, { params: { id: bId }, body: { startsAt: '2026-12-07T13:00:00+08:00', endsAt: '2026-12-07T13:40:00+08:00', title: '乙（调课）' } });
    expect(moved.ok && moved.data.sessions[0]).toMatchObject({ title: '乙（调课）', startsAt: '2026-12-07T05:00:00.000Z' });
  });
});

describe('recurrence', () => {
  it('a weekly series skips the New Year holiday and lists what it skipped', async () => {
    const res = await coord.call(api.createSession, {
      body: lessonDraft(dir, '2026-12-04T08:00:00+08:00', '2026-12-04T08:40:00+08:00', { title: '每周五数学', recurrence: { until: '2027-01-15' } }),
    });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    if (!res.ok) return;
    const dates = res.data.sessions.map((s) => s.startsAt.slice(0, 10));
    expect(dates).toEqual(['2026-12-04', '2026-12-11', '2026-12-18', '2026-12-25', '2027-01-08', '2027-01-15']);
    expect(res.data.skipped).toEqual([{ date: '2027-01-01', reason: expect.stringContaining('元旦') }]);
    expect(new Set(res.data.sessions.map((s) => s.seriesId)).size).toBe(1);
    expect(res.data.sessions.every((s) => s.startsAt.endsWith('T00:00:00.000Z'))).toBe(true);
  });

  it('a counted series jumps the winter break and counts only real lessons', async () => {
    const res = await coord.call(api.createSession, {
      body: lessonDraft(dir, '2027-01-15T14:00:00+08:00', '2027-01-15T14:40:00+08:00', { title: '寒假前后', recurrence: { count: 3 } }),
    });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    if (!res.ok) return;
    expect(res.data.sessions.map((s) => s.startsAt.slice(0, 10))).toEqual(['2027-01-15', '2027-01-22', '2027-02-26']);
    expect(res.data.skipped.map((s) => s.date)).toEqual(['2027-01-29', '2027-02-05', '2027-02-12', '2027-02-19']);
  });

  it('changes one occurrence, then the series from a date on, and cancels the rest', async () => {
    const res = await coord.call(api.createSession, {
      body: lessonDraft(dir, '2026-12-08T15:00:00+08:00', '2026-12-08T15:40:00+08:00', { title: '周二科学', subjectCode: 'science', hostTeacherId: dir.teacher('沈建国'), recurrence: { count: 5 } }),
    });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    if (!res.ok) return;
    const ids = res.data.sessions.map((s) => s.id);
    const one = await coord.call(api.updateSession, { params: { id: ids[1]! }, body: { topic: '只改这一次' } });
    expect(one.ok && one.data.sessions.map((s) => s.topic)).toEqual(['只改这一次']);

    // From the third on: one hour later, on Wednesdays.
    const following = await coord.call(api.updateSession, { params: { id: ids[2]! }, body: { startsAt: '2026-12-23T16:00:00+08:00', endsAt: '2026-12-23T16:45:00+08:00', scope: 'following' } });
    expect(following.ok, JSON.stringify(following)).toBe(true);
    if (!following.ok) return;
    expect(following.data.sessions.map((s) => s.startsAt)).toEqual(['2026-12-23T08:00:00.000Z', '2026-12-30T08:00:00.000Z', '2027-01-06T08:00:00.000Z']);

    const cancelled = await coord.call(api.cancelSession, { params: { id: ids[3]! }, body: { reason: '期末复习', scope: 'following' } });
    expect(cancelled.ok && cancelled.data.sessions.map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
    const list = await coord.call(api.listSessions, { query: { from: '2026-12-01T00:00:00Z', to: '2027-01-31T00:00:00Z', teacherId: dir.teacher('沈建国') } });
    expect(list.ok && list.data.map((s) => s.topic)).toEqual(['三年级数学', '只改这一次', '三年级数学']);
  });
});

describe('academic calendar and time zones', () => {
  it('07:30 Beijing on New Year\'s Day is the previous UTC day, and still refused as a holiday', async () => {
    const res = await coord.call(api.createSession, { body: lessonDraft(dir, '2027-01-01T07:30:00+08:00', '2027-01-01T08:30:00+08:00') });
    expect(res.status).toBe(409);
    if (!res.ok) expect(res.error.conflict).toMatchObject({ kind: 'holiday', title: '元旦', startsAt: '2027-01-01' });
  });

  it('07:30–08:30 Beijing on 31 December is stored as 23:30–00:30 UTC on the 30th and lands on the 31st locally', async () => {
    const res = await coord.call(api.createSession, { body: lessonDraft(dir, '2026-12-30T23:30:00Z', '2026-12-31T00:30:00Z', { title: '跨零点' }) });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    if (!res.ok) return;
    expect(res.data.sessions[0]).toMatchObject({ startsAt: '2026-12-30T23:30:00.000Z', endsAt: '2026-12-31T00:30:00.000Z' });
    // The list by local day (Beijing 31 Dec = 30 Dec 16:00 UTC … 31 Dec 16:00 UTC) finds it.
    const day = await coord.call(api.listSessions, { query: { from: '2026-12-31T00:00:00+08:00', to: '2027-01-01T00:00:00+08:00' } });
    expect(day.ok && day.data.map((s) => s.title)).toContain('跨零点');
    // The UTC day of 31 December (08:00 Beijing onwards) does not start it.
    const utcDay = await coord.call(api.listSessions, { query: { from: '2026-12-31T00:30:00Z', to: '2027-01-01T00:00:00Z' } });
    expect(utcDay.ok && utcDay.data.map((s) => s.title)).not.toContain('跨零点');
  });

  it('a weekly series at 07:30 Beijing keeps its local time and skips by the local date', async () => {
    const res = await coord.call(api.createSession, {
      body: lessonDraft(dir, '2026-12-24T07:30:00+08:00', '2026-12-24T08:10:00+08:00', { title: '早读', subjectCode: 'chinese', hostTeacherId: dir.teacher('陈志强'), memberClassroomIds: [dir.classroom('海盐县六里小学', '五年级(1)班')], hostClassroomId: dir.classroom('海盐县实验小学', '五年级(1)班'), recurrence: { count: 3 } }),
    });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    if (!res.ok) return;
    expect(res.data.sessions.map((s) => s.startsAt)).toEqual(['2026-12-23T23:30:00.000Z', '2026-12-30T23:30:00.000Z', '2027-01-06T23:30:00.000Z']);
    expect(res.data.skipped).toEqual([]);
  });

  it('outside the terms is refused unless a coordinator overrides it; the override is recorded', async () => {
    const summer = lessonDraft(dir, '2027-07-20T09:00:00+08:00', '2027-07-20T09:40:00+08:00', { title: '暑期辅导' });
    const refused = await coord.call(api.createSession, { body: summer });
    expect(refused.status).toBe(409);
    expect(!refused.ok && refused.error.conflict?.kind).toBe('outside_term');
    const allowed = await coord.call(api.createSession, { body: { ...summer, override: { reason: '暑期公益辅导，家长自愿' } } });
    expect(allowed.ok && allowed.data.sessions[0]!.override).toMatchObject({ reason: '暑期公益辅导，家长自愿', byName: '实验小学教共体协调员' });
    const teacher = await p.signIn('teacher.wang');
    const byTeacher = await teacher.call(api.createSession, { body: { ...summer, startsAt: '2027-07-21T09:00:00+08:00', endsAt: '2027-07-21T09:40:00+08:00', override: { reason: '我想上' } } });
    expect(byTeacher.status).toBe(403);
  });
});

describe('online teaching research', () => {
  it('needs a member-school teacher; books every invited teacher', async () => {
    const base = {
      communityId: dir.community('实验小学教育共同体'),
      kind: 'online_research' as const,
      title: '集体备课：分数单元',
      startsAt: '2026-12-10T15:30:00+08:00',
      endsAt: '2026-12-10T16:30:00+08:00',
      hostTeacherId: dir.teacher('王丽华'),
    };
    const coreOnly = await coord.call(api.createSession, { body: { ...base, invitedTeacherIds: [dir.teacher('周敏')] } });
    expect(coreOnly.status).toBe(400);
    expect(!coreOnly.ok && coreOnly.error.fields?.[0]?.field).toBe('invitedTeacherIds');
    const ok = await coord.call(api.createSession, { body: { ...base, invitedTeacherIds: [dir.teacher('周敏'), dir.teacher('张伟')] } });
    expect(ok.status).toBe(201);
    // 张伟 is now busy then: a lesson needing him… as host of research elsewhere is refused.
    const clash = await coord.call(api.createSession, { body: { ...base, title: '另一场研修', hostTeacherId: dir.teacher('陈志强'), invitedTeacherIds: [dir.teacher('张伟')] } });
    expect(clash.status).toBe(409);
    expect(!clash.ok && clash.error.conflict).toMatchObject({ kind: 'teacher_busy', title: '集体备课：分数单元', who: expect.stringContaining('张伟') });
  });
});

describe('who may do what', () => {
  const from = '2026-11-01T00:00:00Z';
  const to = '2027-02-01T00:00:00Z';

  it('a coordinator of another community gets 404 for this community and its sessions', async () => {
    const other = await p.signIn('coord.xiangyang');
    const created = await coord.call(api.createSession, { body: lessonDraft(dir, '2026-12-14T09:00:00+08:00', '2026-12-14T09:40:00+08:00', { title: '只给本共同体看' }) });
    const id = created.ok ? created.data.sessions[0]!.id : '';
    expect((await other.call(api.getSession, { params: { id } })).status).toBe(404);
    expect((await other.call(api.createSession, { body: lessonDraft(dir, '2026-12-15T09:00:00+08:00', '2026-12-15T09:40:00+08:00') })).status).toBe(404);
    expect((await other.call(api.listSessions, { query: { from, to, communityId: dir.community('实验小学教育共同体') } })).status).toBe(404);
    expect((await other.call(api.cancelSession, { params: { id }, body: { reason: '不是我的' } })).status).toBe(404);
    const theirs = await other.call(api.listSessions, { query: { from, to } });
    expect(theirs.ok && theirs.data).toEqual([]);
  });

  it('a member-school teacher cannot create, but sees the sessions they take part in', async () => {
    const li = await p.signIn('teacher.li');
    const res = await li.call(api.createSession, { body: lessonDraft(dir, '2026-12-16T09:00:00+08:00', '2026-12-16T09:40:00+08:00', { hostTeacherId: dir.teacher('李春燕') }) });
    expect(res.status).toBe(403);
    const mine = await li.call(api.listSessions, { query: { from, to } });
    expect(mine.ok && mine.data).toEqual([]);
  });

  it('a core-school teacher schedules their own lessons only', async () => {
    const wang = await p.signIn('teacher.wang');
    const own = await wang.call(api.createSession, { body: lessonDraft(dir, '2026-12-17T09:00:00+08:00', '2026-12-17T09:40:00+08:00', { title: '王老师自己排的课' }) });
    expect(own.status).toBe(201);
    const forOther = await wang.call(api.createSession, { body: lessonDraft(dir, '2026-12-17T10:00:00+08:00', '2026-12-17T10:40:00+08:00', { hostTeacherId: dir.teacher('陈志强') }) });
    expect(forOther.status).toBe(403);
    const mine = await wang.call(api.listSessions, { query: { from, to } });
    expect(mine.ok && mine.data.every((s) => s.teachers.some((t) => t.name === '王丽华'))).toBe(true);
  });

  it('an auditor reads the county but changes nothing', async () => {
    const auditor = await p.signIn('auditor.haiyan');
    const all = await auditor.call(api.listSessions, { query: { from, to } });
    expect(all.ok && all.data.length).toBeGreaterThan(5);
    const id = all.ok ? all.data[0]!.id : '';
    expect((await auditor.call(api.getSession, { params: { id } })).status).toBe(200);
    expect((await auditor.call(api.cancelSession, { params: { id }, body: { reason: '审计员不能取消' } })).status).toBe(403);
    expect((await auditor.call(api.createSession, { body: lessonDraft(dir, '2026-12-18T09:00:00+08:00', '2026-12-18T09:40:00+08:00') })).status).toBe(403);
  });

  it('a classroom terminal sees only its own classroom\'s sessions', async () => {
    const ganpu = await p.signIn('class.ganpu');
    const liuli = await p.signIn('class.liuli');
    const ganpuRoom = dir.classroom('海盐县澉浦小学', '三年级(1)班');
    const g = await ganpu.call(api.listSessions, { query: { from, to } });
    expect(g.ok && g.data.length).toBeGreaterThan(0);
    expect(g.ok && g.data.every((s) => s.classrooms.some((c) => c.id === ganpuRoom))).toBe(true);
    const l = await liuli.call(api.listSessions, { query: { from, to } });
    const liuliRoom = dir.classroom('海盐县六里小学', '四年级(2)班');
    expect(l.ok && l.data.every((s) => s.classrooms.some((c) => c.id === liuliRoom))).toBe(true);
    const ganpuOnly = g.ok ? g.data.find((s) => !s.classrooms.some((c) => c.id === liuliRoom)) : undefined;
    expect(ganpuOnly).toBeDefined();
    expect((await liuli.call(api.getSession, { params: { id: ganpuOnly!.id } })).status).toBe(404);
  });
});
