/**
 * The year planner against the real scheduling service and database (shared/planner/SPEC.md):
 * propose → accept → every rule of the community forecast met or on track; a stale proposal
 * (a teacher booked meanwhile) is refused as a whole, naming the item with alternatives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import type { PlanItem, PlanProposal } from '../../shared/schemas/planner.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { endSession, settled, SHIYAN } from '../support/quotas.ts';
import { demoDirectory, PLANNING_NOW, type DemoDirectory } from '../support/schedule.ts';

let p: TestPlatform;
let dir: DemoDirectory;
let coord: SignedInClient;
let communityId: string;

beforeAll(async () => {
  p = await startTestPlatform({ env: { QUOTA_TODAY: '2026-11-23', SCHEDULE_NOW: PLANNING_NOW, SCHEDULE_REMINDER_TICK_SECONDS: '0' } });
  dir = await demoDirectory(p.database.db);
  coord = await p.signIn('coord.shiyan');
  communityId = dir.community(SHIYAN);
});
afterAll(() => p?.close());

async function propose(who = coord, id = communityId): Promise<PlanProposal> {
  const res = await who.call(api.proposePlan, { params: { communityId: id }, body: {} });
  if (!res.ok) throw new Error(`propose: ${res.status} ${res.error.message}`);
  return res.data;
}

/** What the community has written: sessions, offline research, dispatches. */
async function written() {
  const [s, o, d] = await Promise.all([
    coord.call(api.listSessions, { query: { from: '2026-11-01T00:00:00Z', to: '2027-09-01T00:00:00Z', communityId } }),
    coord.call(api.listOfflineResearch, { query: { communityId } }),
    coord.call(api.listDispatches, { query: { communityId } }),
  ]);
  if (!s.ok || !o.ok || !d.ok) throw new Error('listing failed');
  return { sessions: s.data.length, offline: o.data.length, dispatches: d.data.length };
}

describe('the year planner', () => {
  it('PL-WHO: only the community\'s coordinators and administrators plan; a teacher or auditor is refused (403), another community\'s coordinator sees nothing (404)', async () => {
    const teacher = await p.signIn('teacher.wang');
    expect((await teacher.call(api.proposePlan, { params: { communityId }, body: {} })).status).toBe(403);
    const auditor = await p.signIn('auditor.haiyan');
    expect((await auditor.call(api.proposePlan, { params: { communityId }, body: {} })).status).toBe(403);
    const other = await p.signIn('coord.xiangyang');
    expect((await other.call(api.proposePlan, { params: { communityId }, body: {} })).status).toBe(404);
    expect((await other.call(api.acceptPlan, { params: { communityId }, body: { fingerprint: '0'.repeat(64), items: [] } })).status).toBe(400);
    const admin = await p.signIn('admin');
    expect((await propose(admin)).items.length).toBeGreaterThan(0);
  });

  it('PL-FORECAST: an at-risk community gets a proposal from today on that puts every rule on track, spread over the remaining weeks', async () => {
    const detail = await coord.call(api.communityQuota, { params: { communityId }, query: {} });
    if (!detail.ok) throw new Error(detail.error.message);
    expect(detail.data.progress.rules.filter((r) => r.status === 'at_risk').length).toBeGreaterThan(0);
    const plan = await propose();
    expect(plan.academicYear).toBe('2026-2027');
    expect(plan.from >= '2026-11-23').toBe(true);
    expect(plan.missRate).toEqual({ rate: 0, delivered: 0, missed: 0, basis: 'none' });
    expect(plan.shortfalls).toEqual([]);
    for (const f of plan.forecast) expect([f.ruleId, f.status]).toEqual([f.ruleId, 'on_track']);
    expect(plan.items.every((i) => i.date >= plan.from)).toBe(true);
    expect(new Set(plan.items.filter((i) => i.kind === 'sync_lesson').map((i) => i.date.slice(0, 7))).size).toBeGreaterThanOrEqual(5);
    expect(plan.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('PL-ACCEPT-ALL-OR-NOTHING: a stale proposal (its teacher booked meanwhile) is a 409 naming the item with alternatives, and nothing is written', async () => {
    const plan = await propose();
    const lesson = plan.items.find((i) => i.kind === 'sync_lesson')!;
    // Someone books the lesson's teacher at that hour from another classroom, to another member school.
    const booked = await coord.call(api.createSession, {
      body: {
        communityId, kind: 'sync_lesson', title: '临时加课', subjectCode: lesson.subjectCode, mode: 'interactive',
        startsAt: new Date(`${lesson.date}T${lesson.startTime}:00+08:00`).toISOString(), endsAt: new Date(`${lesson.date}T${lesson.endTime}:00+08:00`).toISOString(),
        hostTeacherId: lesson.teacherId!, hostClassroomId: dir.classroom('海盐县实验小学', '四年级(2)班'), memberClassroomIds: [dir.classroom('海盐县明德新居民子女学校', '四年级(2)班')],
      },
    });
    if (!booked.ok) throw new Error(booked.error.message);
    const before = await written();
    const res = await coord.call(api.acceptPlan, { params: { communityId }, body: { fingerprint: plan.fingerprint, items: plan.items } });
    expect(res.status).toBe(409);
    if (res.ok) return;
    const clash = res.error.conflict!;
    expect(clash.kind).toBe('plan_clash');
    expect(clash.items?.map((i) => i.key)).toEqual([lesson.key]);
    expect(clash.items![0]!.conflict.title).toBe('临时加课');
    const alt = clash.items![0]!.alternatives;
    expect(alt.length).toBeGreaterThan(0);
    expect(alt.some((a) => a.date === lesson.date && a.startTime === lesson.startTime)).toBe(false);
    expect(await written()).toEqual(before);

    // Taking the first alternative, the same plan is accepted.
    const moved = plan.items.map((i) => (i.key === lesson.key ? { ...i, date: alt[0]!.date, startTime: alt[0]!.startTime, endTime: alt[0]!.endTime } : i));
    const ok = await coord.call(api.acceptPlan, { params: { communityId }, body: { fingerprint: plan.fingerprint, items: moved } });
    if (!ok.ok) throw new Error(`${ok.status} ${ok.error.message} ${JSON.stringify(ok.error.conflict)}`);
    expect(ok.data.sessions).toBe(plan.items.filter((i) => i.kind === 'sync_lesson' || i.kind === 'online_research').length);
    const after = await written();
    expect(after.sessions).toBe(before.sessions + ok.data.sessions);
    expect(after.offline).toBe(before.offline + ok.data.offlineResearch);
    expect(after.dispatches).toBe(before.dispatches + ok.data.dispatches);

    // Every rule of the community is now on track (Q-* forecast), as the quota page shows it.
    await settled(p);
    const detail = await coord.call(api.communityQuota, { params: { communityId }, query: {} });
    if (!detail.ok) throw new Error(detail.error.message);
    for (const r of detail.data.progress.rules) expect([r.ruleId, ['met', 'on_track'].includes(r.status)]).toEqual([r.ruleId, true]);

    // One planning act: the coordinator in the audit trail, every session's first history row from planner:<act>.
    const sessions = await coord.call(api.listSessions, { query: { from: '2026-11-01T00:00:00Z', to: '2027-09-01T00:00:00Z', communityId } });
    if (!sessions.ok) throw new Error('list');
    const planned = sessions.data.filter((s) => s.title !== '临时加课');
    for (const s of planned.slice(0, 3)) {
      const h = await coord.call(api.sessionHistory, { params: { id: s.id } });
      if (!h.ok) throw new Error('history');
      expect(h.data[0]).toMatchObject({ toStatus: 'scheduled', systemSource: `planner:${ok.data.act}`, actor: { accountId: coord.me.account.id } });
    }
    const audit = await coord.call(api.auditLog, { query: { communityId, table: 'live_sessions' } });
    if (!audit.ok) throw new Error('audit');
    expect(audit.data.entries.length).toBeGreaterThan(0);
    expect(audit.data.entries.every((e) => e.actor?.id === coord.me.account.id)).toBe(true);

    // Nothing more to plan: a new proposal is empty and says nothing is short.
    const again = await propose();
    expect(again.items).toEqual([]);
    expect(again.shortfalls).toEqual([]);
  });

  it('PL-ACCEPT-ALL-OR-NOTHING: two items of one plan that clash with each other, or an item on a holiday, refuse the whole plan', async () => {
    const id = dir.community('向阳小学教育共同体');
    const other = await p.signIn('coord.xiangyang');
    const plan = await propose(other, id);
    const [a, b] = plan.items.filter((i) => i.kind === 'sync_lesson' && i.teacherId === plan.items.find((x) => x.kind === 'sync_lesson')!.teacherId);
    const offline = plan.items.find((i) => i.kind === 'offline_research')!;
    const items: PlanItem[] = plan.items.map((i) => (i.key === b!.key ? { ...i, date: a!.date, startTime: a!.startTime, endTime: a!.endTime } : i.key === offline.key ? { ...i, date: '2027-01-01' } : i));
    const res = await other.call(api.acceptPlan, { params: { communityId: id }, body: { fingerprint: plan.fingerprint, items } });
    expect(res.status).toBe(409);
    if (res.ok) return;
    expect(res.error.conflict!.items!.map((i) => i.key).sort()).toEqual([b!.key, offline.key].sort());
    expect(res.error.conflict!.items!.find((i) => i.key === offline.key)!.conflict.kind).toBe('holiday');
    const sessions = await other.call(api.listSessions, { query: { from: '2026-11-01T00:00:00Z', to: '2027-09-01T00:00:00Z', communityId: id } });
    expect(sessions.ok && sessions.data.length).toBe(0);
    // A malformed item is a 400 naming its field, never a 500.
    const bad = await other.call(api.acceptPlan, { params: { communityId: id }, body: { fingerprint: plan.fingerprint, items: [{ ...a!, startTime: null }] } });
    expect(bad.status).toBe(400);
    if (!bad.ok) expect(bad.error.fields?.[0]?.field).toMatch(/items\.0\.startTime/);
  });

  it('PL-PREFERENCES: a community\'s saved weekly slots and weekly maximum shape every later proposal; saving is audited and only coordinators may', async () => {
    const junior = await p.signIn('coord.junior');
    const id = dir.community('实验中学教育共同体');
    const before = await junior.call(api.getPlanPreferences, { params: { communityId: id } });
    if (!before.ok) throw new Error(before.error.message);
    expect(before.data.saved).toBe(false);
    expect(before.data.preferences.slots).toHaveLength(4);

    const auditor = await p.signIn('auditor.haiyan');
    expect((await auditor.call(api.savePlanPreferences, { params: { communityId: id }, body: { slots: [{ weekday: 1, time: '09:00' }] } })).status).toBe(403);
    expect((await coord.call(api.getPlanPreferences, { params: { communityId: id } })).status).toBe(404);
    const empty = await junior.call(api.savePlanPreferences, { params: { communityId: id }, body: { slots: [] } });
    expect(empty.status).toBe(400);
    if (!empty.ok) expect(empty.error.fields?.[0]?.field).toMatch(/slots/);

    const saved = await junior.call(api.savePlanPreferences, { params: { communityId: id }, body: { slots: [{ weekday: 1, time: '09:00' }, { weekday: 3, time: '10:00' }], maxPerWeekPerTeacher: 1 } });
    if (!saved.ok) throw new Error(saved.error.message);
    expect(saved.data.saved).toBe(true);

    const plan = await propose(junior, id);
    expect(plan.preferences.slots).toEqual([{ weekday: 1, time: '09:00' }, { weekday: 3, time: '10:00' }]);
    const sessions = plan.items.filter((i) => i.startTime);
    expect(sessions.length).toBeGreaterThan(0);
    for (const s of sessions) expect([`1 09:00`, `3 10:00`]).toContain(`${new Date(`${s.date}T00:00:00Z`).getUTCDay()} ${s.startTime}`);
    const perTeacherWeek = new Map<string, number>();
    for (const s of sessions) for (const t of [s.teacherId!, ...s.invitedTeacherIds]) {
      const week = `${t}|${new Date(Date.parse(`${s.date}T00:00:00Z`) - (((new Date(`${s.date}T00:00:00Z`).getUTCDay() + 6) % 7) * 86_400_000)).toISOString().slice(0, 10)}`;
      perTeacherWeek.set(week, (perTeacherWeek.get(week) ?? 0) + 1);
    }
    expect(Math.max(...perTeacherWeek.values())).toBe(1);

    const audit = await junior.call(api.auditLog, { query: { communityId: id, table: 'planner_preferences' } });
    if (!audit.ok) throw new Error('audit');
    expect(audit.data.entries.map((e) => [e.op, e.actor?.id])).toEqual([['insert', junior.me.account.id]]);
  });

  it('PL-MISS-RATE / PL-MARGIN-MISS-RATE: a community that missed 1 of its 4 sessions so far gets enough to meet every rule at a miss rate of 25 %', async () => {
    const junior = await p.signIn('coord.junior');
    const id = dir.community('实验中学教育共同体');
    const ids: string[] = [];
    for (const day of ['2026-10-12', '2026-10-19', '2026-10-26', '2026-11-02']) {
      const res = await junior.call(api.createSession, {
        body: {
          communityId: id, kind: 'sync_lesson', title: `物理同步课 ${day}`, subjectCode: 'physics', mode: 'interactive',
          startsAt: new Date(`${day}T09:00:00+08:00`).toISOString(), endsAt: new Date(`${day}T09:40:00+08:00`).toISOString(),
          hostTeacherId: dir.teacher('林国华'), hostClassroomId: dir.classroom('海盐县实验中学', '智慧教室'), memberClassroomIds: [dir.classroom('海盐县澉浦中学', '七年级(1)班')],
          override: { reason: '补录已上的课' },
        },
      });
      if (!res.ok) throw new Error(res.error.message);
      ids.push(res.data.sessions[0]!.id);
    }
    for (const [n, sessionId] of ids.entries()) await endSession(p.database.db, sessionId, n === 3 ? 'missed' : 'delivered');
    await settled(p);

    const plan = await propose(junior, id);
    expect(plan.missRate).toEqual({ rate: 0.25, delivered: 3, missed: 1, basis: 'history' });
    const lessons = plan.forecast.find((f) => f.ruleId === 'Q-SYNC-LESSONS')!;
    expect(lessons.counted).toBe(3);
    // 3 + 23 × 0.75 = 20.25 ≥ 20; 22 would give 19.5.
    expect(lessons.proposed).toBe(23);
    expect(plan.items.filter((i) => i.kind === 'sync_lesson')).toHaveLength(23);
    expect(plan.items.filter((i) => i.kind === 'online_research')).toHaveLength(11);
    expect(plan.items.filter((i) => i.kind === 'offline_research')).toHaveLength(6);
    for (const f of plan.forecast) expect([f.ruleId, f.metWithMargin]).toEqual([f.ruleId, true]);
    expect(plan.shortfalls).toEqual([]);
  });
});
