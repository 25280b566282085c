import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { RuleIds } from '../../shared/quotas/rules.ts';
import { auditLog, liveSessions, quotaYearClosures } from '../../server/db/schema/index.ts';
import { isPgError } from '../../server/http/errors.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { endSession, lesson, plan, postCorrection, settled, SHIYAN } from '../support/quotas.ts';
import { demoDirectory, type DemoDirectory } from '../support/schedule.ts';

/**
 * The audit trail (who, when, before, after — written by database triggers for
 * whoever writes) and closing a year (numbers frozen; later changes refused by the
 * database with a 409 from the API; reopening recorded).
 */
let platform: TestPlatform;
let dir: DemoDirectory;
let admin: SignedInClient;
let coord: SignedInClient;
let auditor: SignedInClient;

beforeAll(async () => {
  platform = await startTestPlatform({ env: { QUOTA_TODAY: '2026-11-23' } });
  dir = await demoDirectory(platform.database.db);
  [admin, coord, auditor] = await Promise.all([platform.signIn('admin'), platform.signIn('coord.shiyan'), platform.signIn('auditor.haiyan')]);
});
afterAll(() => platform?.close());

async function audit(user: SignedInClient, query: Record<string, unknown>) {
  const res = await user.call(api.auditLog, { query: query as never });
  if (!res.ok) throw new Error(`${res.status} ${res.error.message}`);
  return res.data;
}

describe('audit trail', () => {
  it('records create, change and delete of schedule items with before, after and the acting account', async () => {
    const [id] = await plan(coord, lesson(dir, '2026-12-02', { time: '08:00' }));
    const moved = await coord.call(api.updateSession, { params: { id: id! }, body: { title: '改名后的同步课', scope: 'one' } as never });
    expect(moved.ok).toBe(true);
    const created = await audit(auditor, { table: 'live_sessions', rowId: id!, op: 'insert' });
    expect(created.entries).toHaveLength(1);
    expect(created.entries[0]).toMatchObject({ source: 'account', actor: { username: 'coord.shiyan' }, communityId: dir.community(SHIYAN), before: null });
    expect(created.entries[0]!.after).toMatchObject({ id, status: 'scheduled' });
    const changed = await audit(auditor, { table: 'live_sessions', rowId: id!, op: 'update' });
    expect(changed.entries[0]).toMatchObject({ actor: { username: 'coord.shiyan' } });
    expect(changed.entries[0]!.before).toMatchObject({ title: expect.stringContaining('同步课') });
    expect(changed.entries[0]!.after).toMatchObject({ title: '改名后的同步课' });
    expect(changed.entries[0]!.changed).toContain('title');

    const d = await coord.call(api.createDispatch, { body: { communityId: dir.community(SHIYAN), teacherId: dir.teacher('徐静怡'), schoolId: dir.school('海盐县六里小学'), startsOn: '2026-12-01', endsOn: '2026-12-20' } });
    if (!d.ok) throw new Error(d.error.message);
    expect((await coord.call(api.deleteDispatch, { params: { id: d.data.id } })).ok).toBe(true);
    const deleted = await audit(auditor, { table: 'teacher_dispatches', rowId: d.data.id });
    expect(deleted.entries.map((e) => e.op)).toEqual(['delete', 'insert']);
    expect(deleted.entries[0]).toMatchObject({ actor: { username: 'coord.shiyan' }, after: null, before: { id: d.data.id, school_id: dir.school('海盐县六里小学') } });
  });

  it('names the rows an entry mentions (session, teacher, school, community, account) instead of leaving their ids', async () => {
    const [id] = await plan(coord, lesson(dir, '2026-12-03', { time: '08:00' }));
    const created = await audit(auditor, { table: 'live_sessions', rowId: id!, op: 'insert' });
    const entry = created.entries[0]!;
    expect(created.labels[id!]).toBe(entry.after!['title']);
    expect(created.labels[dir.community(SHIYAN)]).toBe(entry.communityName);
    expect(created.labels[entry.actor!.id]).toBe(entry.actor!.displayName);

    const d = await coord.call(api.createDispatch, { body: { communityId: dir.community(SHIYAN), teacherId: dir.teacher('徐静怡'), schoolId: dir.school('海盐县六里小学'), startsOn: '2026-12-01', endsOn: '2026-12-20' } });
    if (!d.ok) throw new Error(d.error.message);
    const dispatch = await audit(coord, { table: 'teacher_dispatches', rowId: d.data.id });
    expect(dispatch.labels).toMatchObject({ [dir.teacher('徐静怡')]: '徐静怡', [dir.school('海盐县六里小学')]: '海盐县六里小学' });
  });

  it('records status changes by the live plane as a system source, and evidence and verdicts', async () => {
    const [id] = await plan(coord, lesson(dir, '2026-11-10', { time: '08:00' }));
    await endSession(platform.database.db, id!, 'delivered');
    const status = await audit(admin, { table: 'live_sessions', rowId: id!, op: 'update' });
    expect(status.entries[0]).toMatchObject({ actor: null, source: 'live:evidence', before: { status: 'scheduled' }, after: { status: 'delivered' } });
    const evidence = await audit(auditor, { table: 'live_evidence_intervals', communityId: dir.community(SHIYAN) });
    expect(evidence.entries.length).toBeGreaterThan(0);
    const verdict = await audit(auditor, { table: 'live_session_verdicts', rowId: id! });
    expect(verdict.entries[0]!.after).toMatchObject({ status: 'delivered' });
  });

  it('records corrections and rule changes, and coordinators see only their communities', async () => {
    const c = await postCorrection(platform, coord, dir.community(SHIYAN), { kind: 'online_research', title: '补录网络研修', heldOn: '2026-11-05', reason: '用其他平台开展，附截图' });
    expect(c.status).toBe(201);
    const corr = await audit(auditor, { table: 'quota_corrections', rowId: c.body.id });
    expect(corr.entries[0]).toMatchObject({ op: 'insert', actor: { username: 'coord.shiyan' }, after: { reason: '用其他平台开展，附截图' } });
    const deleted = await coord.call(api.deleteCorrection, { params: { id: c.body.id! } });
    expect(deleted.ok).toBe(true);
    expect((await audit(auditor, { table: 'quota_corrections', rowId: c.body.id })).entries.map((e) => e.op)).toEqual(['delete', 'insert']);

    const rules = await admin.call(api.createQuotaRuleSet, { body: { region: 'county:zj-jx-haiyan', academicYear: '2026-2027', note: '海盐县提高网络研修要求' } });
    if (!rules.ok) throw new Error(rules.error.message);
    const raised = await admin.call(api.createQuotaRuleSet, {
      body: { region: 'county:zj-jx-haiyan', academicYear: '2026-2027', rules: rules.data.rules.map((r) => (r.ruleId === RuleIds.researchOnline ? { ...r, minimum: 10 } : r)), note: '网络研修 10 次' },
    });
    if (!raised.ok) throw new Error(raised.error.message);
    expect(raised.data.version).toBe(2);
    const ruleRows = await audit(auditor, { table: 'quota_rule_sets' });
    expect(ruleRows.entries.filter((e) => e.actor?.username === 'admin')).toHaveLength(2);
    // The county's communities are now judged by it (region lookup county → city → province → default).
    await settled(platform);
    const detail = await coord.call(api.communityQuota, { params: { communityId: dir.community(SHIYAN) }, query: { academicYear: '2026-2027' } });
    expect(detail.ok && detail.data.progress.ruleSet).toMatchObject({ region: 'county:zj-jx-haiyan', version: 2 });
    expect(detail.ok && detail.data.progress.rules.find((r) => r.ruleId === RuleIds.researchOnline)!.required).toBe(10);
    const resolved = await auditor.call(api.resolveQuotaRuleSet, { query: { countyId: auditor.me.account.countyId!, academicYear: '2025-2026' } });
    expect(resolved.ok && resolved.data.ruleSet).toMatchObject({ region: 'city:嘉兴市', version: 1 });

    const mine = await audit(coord, {});
    expect(mine.entries.every((e) => e.communityId === dir.community(SHIYAN))).toBe(true);
    expect((await coord.call(api.createQuotaRuleSet, { body: { region: 'default', academicYear: '2026-2027' } })).status).toBe(403);
  });

  it('the audit log itself is append-only', async () => {
    const db = platform.database.db;
    const update = await db.update(auditLog).set({ actorSource: 'forged' }).catch((e: unknown) => e);
    expect(isPgError(update, '23001', 'audit_log_append_only')).toBe(true);
    const del = await db.delete(auditLog).catch((e: unknown) => e);
    expect(isPgError(del, '23001', 'audit_log_append_only')).toBe(true);
    await expect(db.execute(sql`truncate audit_log`)).rejects.toThrow();
  });
});

describe('closing a year', () => {
  let closureId = '';
  let lateId = '';

  it('freezes the numbers with the rule-set version and refuses later changes to its counted items (409)', async () => {
    const [a, b] = await plan(coord, lesson(dir, '2026-03-02', { time: '08:00', recurrence: { count: 2 } }));
    await endSession(platform.database.db, a!, 'delivered');
    lateId = b!;
    await settled(platform);
    const closed = await admin.call(api.closeYear, { body: { countyId: auditor.me.account.countyId!, academicYear: '2025-2026', note: '2025-2026 学年报告已签发' } });
    if (!closed.ok) throw new Error(closed.error.message);
    closureId = closed.data.id;
    expect(closed.data).toMatchObject({ communities: 3, academicYear: '2025-2026', reopenedAt: null });

    const detail = await coord.call(api.communityQuota, { params: { communityId: dir.community(SHIYAN) }, query: { academicYear: '2025-2026' } });
    if (!detail.ok) throw new Error(detail.error.message);
    expect(detail.data.progress).toMatchObject({ frozen: true, ruleSet: { region: 'city:嘉兴市', version: 1 } });
    expect(detail.data.progress.rules.find((r) => r.ruleId === RuleIds.syncLessons)!.counted).toBe(1);
    expect(detail.data.closure).toMatchObject({ id: closureId });

    // Through the API: a 409 naming the closed year.
    const cancel = await coord.call(api.cancelSession, { params: { id: lateId }, body: { reason: '补课', scope: 'one' } as never });
    expect(cancel.status).toBe(409);
    expect(!cancel.ok && cancel.error.conflict).toMatchObject({ kind: 'year_closed', title: '2025-2026' });
    const correction = await postCorrection(platform, coord, dir.community(SHIYAN), { kind: 'offline_research', title: '补录', heldOn: '2026-04-01', reason: '关账后补录' });
    expect(correction.status).toBe(409);
    const research = await coord.call(api.createOfflineResearch, {
      body: { communityId: dir.community(SHIYAN), title: '线下教研', heldOn: '2026-04-02', place: '实验小学', hostSchoolId: dir.school('海盐县实验小学'), minutes: 'x' },
    });
    expect(research.status).toBe(409);
    // In the database, whoever writes (here: the live plane ending the session).
    const refused = await endSession(platform.database.db, lateId, 'delivered').catch((e: unknown) => e);
    expect(isPgError(refused, '23001', 'quota_year_closed')).toBe(true);
    const [row] = await platform.database.db.select().from(liveSessions).where(eq(liveSessions.id, lateId));
    expect(row!.status).toBe('scheduled');
    // The current year is not affected.
    expect((await coord.call(api.cancelSession, { params: { id: (await plan(coord, lesson(dir, '2026-12-09', { time: '08:00' })))[0]! }, body: { reason: '调课', scope: 'one' } as never })).ok).toBe(true);
    // Closing twice is a conflict; only admins close.
    expect((await admin.call(api.closeYear, { body: { countyId: auditor.me.account.countyId!, academicYear: '2025-2026' } })).status).toBe(409);
    expect((await auditor.call(api.closeYear, { body: { countyId: auditor.me.account.countyId!, academicYear: '2025-2026' } })).status).toBe(403);
  });

  it('reopening is recorded, and the year takes changes again', async () => {
    const reopened = await admin.call(api.reopenYear, { params: { id: closureId }, body: { reason: '教育局要求补录一节课' } });
    if (!reopened.ok) throw new Error(reopened.error.message);
    expect(reopened.data).toMatchObject({ reopenReason: '教育局要求补录一节课', reopenedBy: '系统管理员' });
    const trail = await audit(auditor, { table: 'quota_year_closures', rowId: closureId });
    expect(trail.entries.map((e) => e.op)).toEqual(['update', 'insert']);
    expect(trail.entries[0]).toMatchObject({ actor: { username: 'admin' }, before: { reopened_at: null }, after: { reopen_reason: '教育局要求补录一节课' } });
    await endSession(platform.database.db, lateId, 'delivered');
    // A closure is reopened once and never deleted.
    expect((await admin.call(api.reopenYear, { params: { id: closureId }, body: { reason: 'again!' } })).status).toBe(409);
    const del = await platform.database.db.delete(quotaYearClosures).catch((e: unknown) => e);
    expect(isPgError(del, '23001', 'quota_year_closures_append_only')).toBe(true);
  });
});
