import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { wholeWeeksLeft } from '../../shared/quotas/progress.ts';
import { RuleIds } from '../../shared/quotas/rules.ts';
import { hashPassword } from '../../server/accounts/password.ts';
import { accounts, communities, communityMemberships, counties, schools } from '../../server/db/schema/index.ts';
import { localTime, ruleSetLabel } from '../../server/quotas/report.ts';
import { DEMO_PASSWORD, startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { endSession, lesson, plan, PNG, postCorrection, settled, SHIYAN, XIANGYANG } from '../support/quotas.ts';
import { demoDirectory, type DemoDirectory } from '../support/schedule.ts';

/**
 * The county's yearly report read back with real parsers (exceljs, csv-parse, a DOM),
 * the evidence behind a counted item, and who may see what: an auditor of one county
 * sees nothing of another (404), a coordinator of A nothing of B.
 */
let platform: TestPlatform;
let dir: DemoDirectory;
let admin: SignedInClient;
let coord: SignedInClient;
let coordX: SignedInClient;
let auditor: SignedInClient;
let otherAuditor: SignedInClient;
let sessionId = '';
let correctionId = '';
let attachmentId = '';

beforeAll(async () => {
  platform = await startTestPlatform({ env: { QUOTA_TODAY: '2026-11-23' } });
  dir = await demoDirectory(platform.database.db);
  const db = platform.database.db;
  // A second county (Pinghu) with one community and its own auditor.
  const [county] = await db.insert(counties).values({ code: 'zj-jx-pinghu', name: '平湖市', city: '嘉兴市', province: '浙江省' }).returning();
  const [core, member] = await db.insert(schools).values([
    { countyId: county!.id, name: '平湖市实验小学', stage: 'primary', locality: 'urban' },
    { countyId: county!.id, name: '平湖市新埭小学', stage: 'primary', locality: 'rural' },
  ]).returning();
  const [community] = await db.insert(communities).values({ countyId: county!.id, name: '平湖市实验小学教育共同体', typeCode: 'co_built' }).returning();
  await db.insert(communityMemberships).values([
    { communityId: community!.id, schoolId: core!.id, role: 'core', validFrom: '2025-09-01' },
    { communityId: community!.id, schoolId: member!.id, role: 'member', validFrom: '2025-09-01' },
  ]);
  await db.insert(accounts).values({ username: 'auditor.pinghu', displayName: '平湖市教育局督导', passwordHash: await hashPassword(DEMO_PASSWORD), role: 'auditor', auditLevel: 'county', countyId: county!.id });
  [admin, coord, coordX, auditor, otherAuditor] = (await Promise.all(['admin', 'coord.shiyan', 'coord.xiangyang', 'auditor.haiyan', 'auditor.pinghu'].map((u) => platform.signIn(u)))) as [SignedInClient, SignedInClient, SignedInClient, SignedInClient, SignedInClient];

  const ids = await plan(coord, lesson(dir, '2026-09-14', { recurrence: { count: 6 } }));
  for (const id of ids) await endSession(db, id, 'delivered');
  sessionId = ids[0]!;
  const c = await postCorrection(platform, coord, dir.community(SHIYAN), {
    kind: 'sync_lesson', title: '台风停课期间的线上同步课', heldOn: '2026-10-09', subjectCode: 'chinese', mode: 'interactive', reason: '台风期间用其他直播工具授课，附截图', schoolIds: [dir.school('海盐县六里小学')],
  });
  correctionId = c.body.id!;
  attachmentId = (c.body as { attachments: { id: string }[] }).attachments[0]!.id;
  await settled(platform);
});
afterAll(() => platform?.close());

/** Now in Asia/Shanghai as the report writes it, and a minute later (a download may straddle a minute). */
function shanghaiMinutes(): string[] {
  const at = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
  const now = Date.now();
  return [at(now - 60_000), at(now), at(now + 60_000)];
}

async function download(user: SignedInClient, query: Record<string, string>): Promise<{ status: number; type: string; bytes: Buffer }> {
  const res = await fetch(`${platform.url}/api/quotas/report?${new URLSearchParams(query)}`, { headers: { cookie: user.cookie } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('the county report', () => {
  it('Q-SYNC-LESSONS: XLSX has a row per community × rule and evidence sheets, read back with exceljs', async () => {
    const file = await download(auditor, { academicYear: '2026-2027', format: 'xlsx' });
    expect(file.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.bytes as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['报告信息', '指标汇总', '计数明细', '更正记录', '成员校参与']);
    // The generation time in the schools' zone, as people read it (not a UTC ISO string).
    const info = Object.fromEntries(wb.getWorksheet('报告信息')!.getSheetValues().filter(Boolean).map((r) => [String((r as unknown[])[1]), String((r as unknown[])[2])]));
    expect(info['生成时间 Generated']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(shanghaiMinutes()).toContain(info['生成时间 Generated']);
    const rows = (name: string) => {
      const ws = wb.getWorksheet(name)!;
      const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
      const out: Record<string, unknown>[] = [];
      ws.eachRow((row, n) => {
        if (n > 1) out.push(Object.fromEntries(header.map((h, i) => [h, (row.values as unknown[])[i + 1]])));
      });
      return out;
    };
    const summary = rows('指标汇总');
    expect(summary).toHaveLength(3 * 5);
    const lessons = summary.find((r) => r['教共体 Community'] === '海盐县实验小学教育共同体' && r['规则编号 Rule ID'] === RuleIds.syncLessons)!;
    expect(lessons).toMatchObject({ '要求 Required': 20, '已计数 Counted': 7, '其中更正 From corrections': 1, '状态码 Status code': 'at_risk' });
    // The rule set as the client names it, not the raw region key "city:嘉兴市".
    expect(lessons['规则版本 Rule set']).toBe('嘉兴市 v1');
    expect(Number.isInteger(lessons['剩余教学周 Weeks left'])).toBe(true);
    expect(String(lessons['建议 Advice'])).toBe('还需 13 节同步课，须在 2027-01-22 前完成');
    const items = rows('计数明细');
    const session = items.find((r) => r['证据编号 Evidence reference'] === `session/${sessionId}`)!;
    expect(session).toMatchObject({ '判定规则 Verdict rules passed': 'E-TEACHER-PUBLISHED E-CLASSROOM-RECEIVED', '计入规则 Counts for': 'Q-SYNC-LESSONS Q-SYNC-SUBJECTS' });
    expect(Number(session['证据区间数 Evidence intervals'])).toBeGreaterThan(0);
    expect(items.find((r) => r['证据编号 Evidence reference'] === `correction/${correctionId}`)).toMatchObject({ '来源 Source': '更正 correction' });
    expect(rows('更正记录').map((r) => r['编号 ID'])).toEqual([correctionId]);
    const participation = rows('成员校参与').filter((r) => r['教共体 Community'] === '海盐县实验小学教育共同体');
    expect(participation.find((r) => r['成员校 Member school'] === '海盐县澉浦小学')).toMatchObject({ '参与同步课节数 Lessons taken part in': 6 });
    expect(participation.find((r) => r['成员校 Member school'] === '海盐县明德新居民子女学校')).toMatchObject({ '未参与预警 Flagged': '是 yes' });
  });

  it('Q-SYNC-LESSONS: the report shows the dashboard\'s weeks left (whole weeks, one function) and lists the counted item IDs', async () => {
    const records = parseCsv((await download(auditor, { academicYear: '2026-2027', format: 'csv' })).bytes, { bom: true, columns: true }) as Record<string, string>[];
    const detail = await coord.call(api.communityQuota, { params: { communityId: dir.community(SHIYAN) }, query: { academicYear: '2026-2027' } });
    if (!detail.ok) throw new Error(detail.error.message);
    for (const ruleId of [RuleIds.syncLessons, RuleIds.syncSubjects]) {
      const row = records.find((r) => r['教共体 Community'] === '海盐县实验小学教育共同体' && r['规则编号 Rule ID'] === ruleId)!;
      const shown = detail.data.progress.rules.find((r) => r.ruleId === ruleId)!;
      expect(shown.termWeeksLeft % 1).not.toBe(0);
      expect(row['剩余教学周 Weeks left']).toBe(String(wholeWeeksLeft(shown.termWeeksLeft)));
      const counted = detail.data.items.filter((i) => i.ruleIds.includes(ruleId)).map((i) => i.id);
      expect(counted).toHaveLength(7);
      expect(row['计数项 Counted item IDs']!.split(' ').sort()).toEqual(counted.sort());
    }
  });

  it('Q-SYNC-SUBJECTS: CSV (UTF-8 with BOM) parses with csv-parse, one table per file', async () => {
    const file = await download(auditor, { academicYear: '2026-2027', format: 'csv' });
    expect(file.type).toContain('text/csv');
    const records = parseCsv(file.bytes, { bom: true, columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(15);
    const subjects = records.find((r) => r['教共体 Community'] === '海盐县实验小学教育共同体' && r['规则编号 Rule ID'] === RuleIds.syncSubjects)!;
    expect(subjects).toMatchObject({ '已计数 Counted': '2', '其中更正 From corrections': '1', '状态码 Status code': 'met' });
    const items = parseCsv(await download(auditor, { academicYear: '2026-2027', format: 'csv', sheet: 'items' }).then((f) => f.bytes), { bom: true, columns: true }) as Record<string, string>[];
    expect(items).toHaveLength(7);
  });

  it('printable HTML: one summary row per community, rule cells, print CSS, signature lines', async () => {
    const file = await download(auditor, { academicYear: '2026-2027', format: 'html' });
    expect(file.type).toContain('text/html');
    const { document } = parseHTML(file.bytes.toString('utf8'));
    expect(document.querySelector('h1')!.textContent).toContain('海盐县 2026-2027 学年');
    const rows = document.querySelectorAll('table.summary tbody tr');
    expect(rows.length).toBe(3);
    const shiyan = [...rows].find((r) => r.getAttribute('data-community') === dir.community(SHIYAN))!;
    expect(shiyan.querySelector(`[data-rule="${RuleIds.syncLessons}"]`)!.textContent).toBe('7/20');
    expect(document.querySelector('style')!.textContent).toContain('@media print');
    expect(document.querySelector('.sign')!.textContent).toContain('审核人签字');
    const meta = document.querySelector('.meta')!.textContent!;
    const generated = /生成 Generated (\S+ \S+)/.exec(meta)?.[1];
    expect(shanghaiMinutes()).toContain(generated);
    expect(meta).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect([...document.querySelectorAll('table.rules tbody tr')].every((r) => r.textContent!.includes('嘉兴市 v1'))).toBe(true);
  });

  it('times are shown in Asia/Shanghai and rule sets by region name and version', () => {
    expect(localTime('2026-12-04T08:05:59.000Z')).toBe('2026-12-04 16:05');
    expect(localTime('2026-12-31T16:30:00.000Z')).toBe('2027-01-01 00:30');
    expect(ruleSetLabel({ countyName: '海盐县', ruleSet: { id: '00000000-0000-0000-0000-000000000000', region: 'city:嘉兴市', version: 1 } })).toBe('嘉兴市 v1');
    expect(ruleSetLabel({ countyName: '海盐县', ruleSet: { id: '00000000-0000-0000-0000-000000000000', region: 'county:zj-jx-haiyan', version: 3 } })).toBe('海盐县 v3');
    expect(ruleSetLabel({ countyName: '海盐县', ruleSet: { id: '00000000-0000-0000-0000-000000000000', region: 'default', version: 2 } })).toBe('默认 v2');
    expect(ruleSetLabel({ countyName: '海盐县', ruleSet: null })).toBe('');
  });

  it('an auditor of another county gets a 404 for this county\'s report; a coordinator\'s report has only their community', async () => {
    expect((await download(otherAuditor, { countyId: auditor.me.account.countyId!, format: 'csv' })).status).toBe(404);
    const own = parseCsv((await download(otherAuditor, { format: 'csv' })).bytes, { bom: true, columns: true }) as Record<string, string>[];
    expect(new Set(own.map((r) => r['教共体 Community']))).toEqual(new Set(['平湖市实验小学教育共同体']));
    const mine = parseCsv((await download(coordX, { format: 'csv' })).bytes, { bom: true, columns: true }) as Record<string, string>[];
    expect(new Set(mine.map((r) => r['教共体 Community']))).toEqual(new Set(['海盐县向阳小学教育共同体']));
  });
});

describe('evidence and permissions', () => {
  it('the evidence of a counted lesson: intervals, verdict rule IDs, classrooms that attended, status history', async () => {
    const res = await auditor.call(api.quotaEvidence, { params: { kind: 'session', id: sessionId } });
    if (!res.ok) throw new Error(res.error.message);
    const s = res.data.session!;
    expect(s.intervals.length).toBeGreaterThanOrEqual(5);
    expect(s.verdict!.outcomes.map((o) => o.ruleId)).toEqual(['E-TEACHER-PUBLISHED', 'E-CLASSROOM-RECEIVED']);
    expect(s.classrooms.find((c) => c.role === 'member')).toMatchObject({ schoolName: '海盐县澉浦小学', attended: true });
    expect(s.history.map((h) => h.to)).toEqual(['scheduled', 'delivered']);
  });

  it('the evidence of a correction: its reason and file (downloadable by the county\'s auditor)', async () => {
    const res = await auditor.call(api.quotaEvidence, { params: { kind: 'correction', id: correctionId } });
    if (!res.ok) throw new Error(res.error.message);
    expect(res.data.correction!.reason).toContain('台风');
    const file = await fetch(`${platform.url}${res.data.correction!.attachments[0]!.url}`, { headers: { cookie: auditor.cookie } });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('an auditor of another county sees nothing of this one: 404', async () => {
    expect((await otherAuditor.call(api.communityQuota, { params: { communityId: dir.community(SHIYAN) }, query: {} })).status).toBe(404);
    expect((await otherAuditor.call(api.quotaEvidence, { params: { kind: 'session', id: sessionId } })).status).toBe(404);
    expect((await otherAuditor.call(api.quotaEvidence, { params: { kind: 'correction', id: correctionId } })).status).toBe(404);
    expect((await otherAuditor.call(api.downloadCorrectionAttachment, { params: { id: correctionId, attachmentId } })).status).toBe(404);
    expect((await otherAuditor.call(api.quotaOverview, { query: { countyId: auditor.me.account.countyId! } })).status).toBe(404);
    const own = await otherAuditor.call(api.quotaOverview, { query: {} });
    expect(own.ok && own.data.communities.map((c) => c.communityName)).toEqual(['平湖市实验小学教育共同体']);
    const corrections = await otherAuditor.call(api.listCorrections, { query: {} });
    expect(corrections.ok && corrections.data).toEqual([]);
    const trail = await otherAuditor.call(api.auditLog, { query: { table: 'live_sessions' } });
    expect(trail.ok && trail.data.entries).toEqual([]);
  });

  it('a coordinator of community A sees nothing of community B: 404', async () => {
    expect((await coordX.call(api.communityQuota, { params: { communityId: dir.community(SHIYAN) }, query: {} })).status).toBe(404);
    expect((await coordX.call(api.quotaEvidence, { params: { kind: 'session', id: sessionId } })).status).toBe(404);
    expect((await coordX.call(api.downloadCorrectionAttachment, { params: { id: correctionId, attachmentId } })).status).toBe(404);
    expect((await coordX.call(api.deleteCorrection, { params: { id: correctionId } })).status).toBe(404);
    const overview = await coordX.call(api.quotaOverview, { query: {} });
    expect(overview.ok && overview.data.communities.map((c) => c.communityName)).toEqual(['海盐县向阳小学教育共同体']);
    const res = await postCorrection(platform, coordX, dir.community(SHIYAN), { kind: 'online_research', title: 'x', heldOn: '2026-10-10', reason: '不是我的教共体' });
    expect(res.status).toBe(404);
    // Auditors read but never correct; classroom terminals see no quotas.
    expect((await postCorrection(platform, auditor, dir.community(XIANGYANG), { kind: 'online_research', title: 'x', heldOn: '2026-10-10', reason: '审核员不能更正' })).status).toBe(403);
    const terminal = await platform.signIn('class.ganpu');
    expect((await terminal.call(api.quotaOverview, { query: {} })).status).toBe(403);
    expect((await admin.call(api.quotaOverview, { query: {} })).ok).toBe(true);
  });
});
