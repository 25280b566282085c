/**
 * City and province auditors (C-AUDIT-REGION, shared/county/SPEC.md): the demo's city auditor
 * (auditor.jiaxing) sees the two counties of 嘉兴市 (海盐县, 秀洲区) and nothing of a county of
 * another city (西湖区, 杭州市) or province (吴江区, 江苏省); a province auditor sees the counties
 * of the province; a county auditor is unchanged. The live plane follows the region (patrol,
 * participation, recordings, evidence), and the county report puts the counties side by side
 * (C-AUDIT-COMPARE) in JSON, CSV, XLSX and print.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { io as connect, type Socket } from 'socket.io-client';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { api } from '../../shared/api/index.ts';
import { QUOTA_PROGRESS_EVENT, type QuotaProgressEvent } from '../../shared/schemas/quotas.ts';
import { hashPassword } from '../../server/accounts/password.ts';
import { accounts } from '../../server/db/schema/index.ts';
import { isPgError, PgCode } from '../../server/http/errors.ts';
import { createLiveSession, fakeDtls, liveService, liveSocket, signalingRefusal, tempDataDir, type LiveSocket } from '../support/live.ts';
import { DEMO_PASSWORD, startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { postCorrection, settled } from '../support/quotas.ts';
import { drained } from '../support/sockets.ts';
import { nextEvent } from '../support/waitFor.ts';

let platform: TestPlatform;
let pool: WorkerPool;
const data = tempDataDir();
const sockets: LiveSocket[] = [];
const dashboards: Socket[] = [];
let admin: SignedInClient;
let city: SignedInClient;
let county: SignedInClient;
const ids = { haiyan: '', xiuzhou: '', xihu: '', wujiang: '', xihuSchool: '' };

async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; status: number; error: { message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.status} ${r.error.message}`);
  return r.data;
}

const status = async (p: Promise<{ ok: boolean; status: number }>) => {
  const r = await p;
  return r.ok ? 200 : r.status;
};

async function download(user: SignedInClient, query: Record<string, string>) {
  const res = await fetch(`${platform.url}/api/county/report?${new URLSearchParams(query)}`, { headers: { cookie: user.cookie } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** An auditor account made by an administrator over the API, signed in. */
async function auditorOf(username: string, region: Record<string, string>): Promise<SignedInClient> {
  await ok(admin.call(api.createAccount, { body: { role: 'auditor', username, displayName: username, password: DEMO_PASSWORD, ...region } as never }));
  return platform.signIn(username);
}

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1 });
  platform = await startTestPlatform({ media: pool, env: { ...data.env } });
  await liveService(platform).whenReady();
  admin = await platform.signIn('admin');
  city = await platform.signIn('auditor.jiaxing');
  county = await platform.signIn('auditor.haiyan');
  const counties = await ok(admin.call(api.listCounties));
  ids.haiyan = counties.find((c) => c.name === '海盐县')!.id;
  ids.xiuzhou = counties.find((c) => c.name === '秀洲区')!.id;
  // A county of another city of the province, and one of another province, each with a school.
  ids.xihu = (await ok(admin.call(api.createCounty, { body: { code: 'zj-hz-xihu', name: '西湖区', city: '杭州市', province: '浙江省' } }))).id;
  ids.wujiang = (await ok(admin.call(api.createCounty, { body: { code: 'js-sz-wujiang', name: '吴江区', city: '苏州市', province: '江苏省' } }))).id;
  ids.xihuSchool = (await ok(admin.call(api.createSchool, { body: { countyId: ids.xihu, name: '西湖区文澜小学', stage: 'primary', locality: 'urban' } }))).id;
  await ok(admin.call(api.createSchool, { body: { countyId: ids.wujiang, name: '吴江区震泽小学', stage: 'primary', locality: 'rural' } }));
}, 180_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  for (const s of dashboards) s.disconnect();
  await platform?.close();
  data.cleanup();
  pool?.close();
});

describe('C-AUDIT-REGION: accounts', () => {
  it('C-AUDIT-REGION: an administrator creates city and province auditors; region fields that do not fit the level are a 400 naming the field', async () => {
    const base = { role: 'auditor', displayName: '督导', password: DEMO_PASSWORD } as const;
    const created = await ok(admin.call(api.createAccount, { body: { ...base, username: 'auditor.zj', auditLevel: 'province', auditProvince: '浙江省' } }));
    expect(created).toMatchObject({ role: 'auditor', auditLevel: 'province', auditProvince: '浙江省', auditCity: null, countyId: null });
    const fieldsOf = async (body: object) => {
      const r = await admin.call(api.createAccount, { body: { ...base, username: 'auditor.bad', ...body } as never });
      return r.ok ? 'created' : [r.status, (r.error.fields ?? []).map((f) => `${f.field}:${f.code}`)];
    };
    expect(await fieldsOf({ auditLevel: 'city', auditCity: '嘉兴市' })).toEqual([400, ['auditProvince:required']]);
    expect(await fieldsOf({ auditLevel: 'city', auditCity: '嘉兴市', auditProvince: '浙江省', countyId: ids.haiyan })).toEqual([400, ['countyId:not_applicable']]);
    expect(await fieldsOf({ auditLevel: 'city', auditCity: '宁波市', auditProvince: '浙江省' })).toEqual([400, ['auditCity:unknown']]);
    expect(await fieldsOf({ auditLevel: 'city', auditCity: '嘉兴市', auditProvince: '江苏省' })).toEqual([400, ['auditCity:unknown']]);
    expect(await fieldsOf({ auditLevel: 'province', auditProvince: '广东省' })).toEqual([400, ['auditProvince:unknown']]);
    expect(await fieldsOf({ auditLevel: 'county' })).toEqual([400, ['countyId:required']]);
    expect(await fieldsOf({ auditLevel: 'region', countyId: ids.haiyan })).toMatchObject([400, ['auditLevel:invalid_value']]);
    // A county auditor as before: the level defaults to county.
    expect(await ok(admin.call(api.createAccount, { body: { ...base, username: 'auditor.xihu', countyId: ids.xihu } }))).toMatchObject({ auditLevel: 'county', countyId: ids.xihu });
    // A coordinator creates no auditor of any level.
    const coord = await platform.signIn('coord.shiyan');
    expect(await status(coord.call(api.createAccount, { body: { ...base, username: 'auditor.sneaky', auditLevel: 'city', auditCity: '嘉兴市', auditProvince: '浙江省' } }))).toBe(403);
  });

  it('C-AUDIT-REGION: the database refuses an auditor whose region does not fit its level (accounts_auditor_region_ck)', async () => {
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const refusal = async (row: Partial<typeof accounts.$inferInsert>) => {
      try {
        await platform.database.db.insert(accounts).values({ username: `x.${Math.random().toString(36).slice(2, 8)}`, displayName: 'x', passwordHash, role: 'auditor', ...row });
        return 'inserted';
      } catch (err) {
        return ['accounts_audit_level_ck', 'accounts_auditor_region_ck'].find((c) => isPgError(err, PgCode.checkViolation, c)) ?? String(err);
      }
    };
    expect(await refusal({ auditLevel: 'city', auditCity: '嘉兴市' })).toBe('accounts_auditor_region_ck');
    expect(await refusal({ auditLevel: 'county', countyId: ids.haiyan, auditProvince: '浙江省' })).toBe('accounts_auditor_region_ck');
    expect(await refusal({ countyId: ids.haiyan })).toBe('accounts_audit_level_ck');
    expect(await refusal({ role: 'admin', auditLevel: 'province', auditProvince: '浙江省' })).toBe('accounts_audit_level_ck');
  });
});

describe('C-AUDIT-REGION: what an auditor sees', () => {
  it('C-AUDIT-REGION: the city auditor sees both counties of 嘉兴市, their communities and schools; a county of another city is a 404', async () => {
    expect((await ok(city.call(api.listCounties))).map((c) => c.name).sort()).toEqual(['海盐县', '秀洲区'].sort());
    const communities = await ok(city.call(api.listCommunities));
    expect(new Set(communities.map((c) => c.countyId))).toEqual(new Set([ids.haiyan, ids.xiuzhou]));
    expect(communities.map((c) => c.name)).toContain('秀洲区实验小学教育共同体');
    const schools = await ok(city.call(api.listSchools, {}));
    expect(new Set(schools.map((s) => s.countyId))).toEqual(new Set([ids.haiyan, ids.xiuzhou]));
    expect(schools.filter((s) => s.countyId === ids.xiuzhou)).toHaveLength(5);
    expect(await status(city.call(api.getSchool, { params: { id: ids.xihuSchool } }))).toBe(404);
    const reports = await ok(city.call(api.countyReports, {}));
    expect(reports.counties.map((c) => c.countyName).sort()).toEqual(['海盐县', '秀洲区'].sort());
    expect((await ok(city.call(api.countyReports, { query: { countyId: ids.xiuzhou } }))).counties.map((c) => c.countyName)).toEqual(['秀洲区']);
    expect(await status(city.call(api.countyReports, { query: { countyId: ids.xihu } }))).toBe(404);
    expect((await download(city, { countyId: ids.xihu, format: 'csv' })).status).toBe(404);
    const overview = await ok(city.call(api.quotaOverview, {}));
    expect(new Set(overview.communities.map((c) => c.countyName))).toEqual(new Set(['海盐县', '秀洲区']));
    expect(overview.rollups.find((r) => r.level === 'city')).toMatchObject({ name: '嘉兴市', communities: 4 });
    expect(await status(city.call(api.quotaOverview, { query: { countyId: ids.xihu } }))).toBe(404);
  });

  it('C-AUDIT-REGION: a province auditor sees every county of the province, not another province\'s; an auditor of that province sees none of Zhejiang', async () => {
    const zj = await platform.signIn('auditor.zj');
    expect((await ok(zj.call(api.listCounties))).map((c) => c.name).sort()).toEqual(['海盐县', '秀洲区', '西湖区'].sort());
    expect((await ok(zj.call(api.getSchool, { params: { id: ids.xihuSchool } }))).name).toBe('西湖区文澜小学');
    expect(await status(zj.call(api.countyReports, { query: { countyId: ids.wujiang } }))).toBe(404);
    const js = await auditorOf('auditor.js', { auditLevel: 'province', auditProvince: '江苏省' });
    expect((await ok(js.call(api.countyReports, {}))).counties.map((c) => c.countyName)).toEqual(['吴江区']);
    expect(await ok(js.call(api.listCommunities))).toEqual([]);
    expect(await status(js.call(api.countyReports, { query: { countyId: ids.haiyan } }))).toBe(404);
  });

  it('C-AUDIT-REGION: a county auditor is unchanged: their county only, the neighbouring county of the same city a 404', async () => {
    expect((await ok(county.call(api.listCounties))).map((c) => c.name)).toEqual(['海盐县']);
    expect((await ok(county.call(api.countyReports, {}))).counties.map((c) => c.countyName)).toEqual(['海盐县']);
    expect(await status(county.call(api.countyReports, { query: { countyId: ids.xiuzhou } }))).toBe(404);
    const schools = await ok(county.call(api.listSchools, {}));
    expect(schools.every((s) => s.countyId === ids.haiyan)).toBe(true);
    const xiuzhouSchool = (await ok(admin.call(api.listSchools, {}))).find((s) => s.name === '秀洲区王店小学')!;
    expect(await status(county.call(api.getSchool, { params: { id: xiuzhouSchool.id } }))).toBe(404);
    // The city auditor reads that school's figures; the county auditor may not see them.
    const year = (await ok(city.call(api.countyReports, {}))).academicYear;
    expect((await ok(city.call(api.getSchoolResources, { params: { schoolId: xiuzhouSchool.id, academicYear: year } }))).pupils).toBe(540);
    expect(await status(county.call(api.getSchoolResources, { params: { schoolId: xiuzhouSchool.id, academicYear: year } }))).toBe(404);
  });

  it('C-AUDIT-REGION: the audit trail shows the city auditor the rows of both counties, not another city\'s', async () => {
    const wangdian = (await ok(admin.call(api.listSchools, {}))).find((s) => s.name === '秀洲区王店小学')!;
    await ok(admin.call(api.updateSchool, { params: { id: wangdian.id }, body: { name: '秀洲区王店镇中心小学' } }));
    await ok(admin.call(api.updateSchool, { params: { id: ids.xihuSchool }, body: { name: '西湖区文澜实验小学' } }));
    const rows = (await ok(city.call(api.auditLog, { query: { table: 'schools', op: 'update' } }))).entries.map((e) => e.rowId);
    expect(rows).toContain(wangdian.id);
    expect(rows).not.toContain(ids.xihuSchool);
    const haiyanOnly = (await ok(county.call(api.auditLog, { query: { table: 'schools', op: 'update' } }))).entries.map((e) => e.rowId);
    expect(haiyanOnly).not.toContain(wangdian.id);
  });

  it('C-AUDIT-REGION: quota progress of a 秀洲区 community reaches the city auditor\'s open dashboard, not the 海盐县 auditor\'s', async () => {
    await settled(platform);
    const open = async (user: SignedInClient) => {
      const socket = connect(platform.url, { transports: ['websocket'], extraHeaders: { cookie: user.cookie }, reconnection: false });
      dashboards.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const heard: QuotaProgressEvent[] = [];
      socket.on(QUOTA_PROGRESS_EVENT, (e: QuotaProgressEvent) => heard.push(e));
      return { socket, heard };
    };
    const [cityBoard, countyBoard] = [await open(city), await open(county)];
    const community = (await ok(admin.call(api.listCommunities))).find((c) => c.name === '秀洲区实验小学教育共同体')!;
    const school = (await ok(admin.call(api.listSchools, {}))).find((x) => x.countyId === ids.xiuzhou && x.locality === 'rural')!;
    const heard = nextEvent(`${QUOTA_PROGRESS_EVENT} of 秀洲区`, (on: (e: QuotaProgressEvent) => void) => {
      cityBoard.socket.on(QUOTA_PROGRESS_EVENT, on);
      return () => void cityBoard.socket.off(QUOTA_PROGRESS_EVENT, on);
    }, (e) => e.progress.communityId === community.id);
    const posted = await postCorrection(platform, admin, community.id, { kind: 'sync_lesson', title: '补录同步课', heldOn: '2026-11-19', subjectCode: 'math', mode: 'dedicated', reason: '停电改用手机直播', schoolIds: [school.id] });
    expect(posted.status).toBe(201);
    expect((await heard).progress.countyName).toBe('秀洲区');
    await drained(platform.server.io, countyBoard.socket);
    expect(countyBoard.heard.filter((e) => e.progress.communityId === community.id)).toEqual([]);
  });
});

describe('C-AUDIT-REGION: the live plane follows the region', () => {
  let sessionId: string;
  let teacher: LiveSocket;

  async function open(username: string) {
    const s = await liveSocket(platform, username);
    sockets.push(s);
    return s;
  }

  beforeAll(async () => {
    sessionId = await createLiveSession(platform, { members: ['ganpu'] });
    teacher = await open('teacher.wang');
    await teacher.signaling.request('join', { sessionId });
    const send = await teacher.signaling.request('createTransport', { direction: 'send' });
    await teacher.signaling.request('connectTransport', { transportId: send.id, dtlsParameters: fakeDtls });
  });

  it('C-AUDIT-REGION: the city auditor patrols a lesson of 海盐县 as an observer who may not end it; an auditor of another city or province may not join (not_found)', async () => {
    const patrol = await open('auditor.jiaxing');
    const joined = await patrol.signaling.request('join', { sessionId });
    expect(joined.permissions).toEqual({ role: 'observer', publish: [], moderate: false, endSession: false });
    expect((await signalingRefusal(patrol.signaling.request('endSession', {}))).code).toBe('forbidden');
    await patrol.signaling.request('leave', {});
    const xihu = await open('auditor.xihu');
    expect((await signalingRefusal(xihu.signaling.request('join', { sessionId }))).code).toBe('not_found');
    const js = await open('auditor.js');
    expect((await signalingRefusal(js.signaling.request('join', { sessionId }))).code).toBe('not_found');
  });

  it('C-AUDIT-REGION: the patrol list, participation, recordings and evidence: the city and province auditors of the region see the session, the others get nothing or 404', async () => {
    for (const who of ['auditor.jiaxing', 'auditor.zj', 'auditor.haiyan']) {
      const user = await platform.signIn(who);
      expect((await ok(user.call(api.livePatrol))).map((i) => i.session.id), who).toContain(sessionId);
      expect(await status(user.call(api.liveParticipation, { params: { sessionId } })), who).toBe(200);
      expect(await status(user.call(api.listRecordings, { params: { sessionId } })), who).toBe(200);
      expect(await status(user.call(api.liveEvidence, { params: { sessionId } })), who).toBe(200);
    }
    for (const who of ['auditor.xihu', 'auditor.js']) {
      const user = await platform.signIn(who);
      expect((await ok(user.call(api.livePatrol))).map((i) => i.session.id), who).not.toContain(sessionId);
      expect(await status(user.call(api.liveParticipation, { params: { sessionId } })), who).toBe(404);
      expect(await status(user.call(api.listRecordings, { params: { sessionId } })), who).toBe(404);
      expect(await status(user.call(api.liveEvidence, { params: { sessionId } })), who).toBe(404);
    }
  });
});

describe('C-AUDIT-COMPARE: the counties side by side', () => {
  it('C-AUDIT-COMPARE: the city auditor\'s report compares 海盐县 and 秀洲区 from the figures of each county and the quotas of each community', async () => {
    const r = await ok(city.call(api.countyReports, {}));
    const cmp = r.comparison!;
    expect(cmp.counties.map((c) => c.countyName)).toEqual(r.counties.map((c) => c.countyName));
    for (const c of r.counties) {
      const row = cmp.counties.find((x) => x.countyId === c.countyId)!;
      expect(row.coverageRural).toBe(c.coverage.rural.status);
      expect(row.combinedPrimary.value).toBe(c.balance.stages[0]!.combined.value);
      expect(row.combinedJuniorMiddle.value).toBe(c.balance.stages[1]!.combined.value);
      expect(row.rotationShare.value).toBe(c.rotation.share.value);
    }
    const haiyan = cmp.counties.find((x) => x.countyName === '海盐县')!;
    const xiuzhou = cmp.counties.find((x) => x.countyName === '秀洲区')!;
    // 秦山小学 is in no community; every rural school of 秀洲区 is.
    expect([haiyan.coverageRural, haiyan.schoolsLeftOut, xiuzhou.coverageRural, xiuzhou.schoolsLeftOut]).toEqual(['not_met', 1, 'met', 0]);
    expect([haiyan.communities, xiuzhou.communities]).toEqual([3, 1]);
    // Quota attainment agrees with the quota overview the auditor reads.
    const overview = await ok(city.call(api.quotaOverview, {}));
    expect(cmp.communities.map((c) => c.communityId).sort()).toEqual(overview.communities.map((c) => c.communityId).sort());
    for (const p of overview.communities) {
      const row = cmp.communities.find((c) => c.communityId === p.communityId)!;
      const applicable = p.rules.filter((x) => x.status !== 'not_applicable');
      expect([row.status, row.rulesApplicable, row.rulesMet]).toEqual([p.status, applicable.length, applicable.filter((x) => x.status === 'met').length]);
      const mean = applicable.reduce((s, x) => s + (x.required > 0 ? Math.min(1, x.counted / x.required) : 1), 0) / applicable.length;
      expect(row.attainment.value).toBeCloseTo(mean, 10);
    }
    expect(haiyan.rulesApplicable).toBe(cmp.communities.filter((c) => c.countyName === '海盐县').reduce((s, c) => s + c.rulesApplicable, 0));
    // A county auditor's report holds one county: no comparison.
    expect((await ok(county.call(api.countyReports, {}))).comparison).toBeNull();
  });

  it('C-AUDIT-COMPARE: CSV `compare`, the XLSX sheet 区县对比 and the print view carry the comparison; a one-county report refuses the CSV (400 naming sheet)', async () => {
    const r = await ok(city.call(api.countyReports, {}));
    const csv = await download(city, { format: 'csv', sheet: 'compare' });
    expect(csv.status).toBe(200);
    const rows = parseCsv(csv.bytes, { bom: true, columns: true }) as Record<string, string>[];
    const countyRows = rows.filter((x) => x['层级 Level'] === '区县 county');
    expect(countyRows.map((x) => x['区县 County'])).toEqual(r.comparison!.counties.map((c) => c.countyName));
    expect(countyRows.map((x) => x['农村学校覆盖 C-COVERAGE-RURAL'])).toEqual(r.comparison!.counties.map((c) => (c.coverageRural === 'met' ? '达标' : '未达标')));
    expect(rows.filter((x) => x['层级 Level'] === '教共体 community').map((x) => x['教共体 Community']).sort()).toEqual(r.comparison!.communities.map((c) => c.communityName).sort());

    const xlsx = await download(city, { format: 'xlsx' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['报告信息', '区县对比', '覆盖情况', '校际差异系数', '各校指标', '交流轮岗']);
    expect(String(wb.getWorksheet('报告信息')!.getCell('B1').value)).toContain('嘉兴市（');
    const html = (await download(city, { format: 'html' })).bytes.toString('utf8');
    expect(html).toContain('区县对比 Counties side by side');
    expect(html).toContain('秀洲区实验小学教育共同体');

    const refused = await county.call(api.countyReportFile, { query: { format: 'csv', sheet: 'compare' } });
    expect(refused.ok ? 200 : [refused.status, refused.error.fields?.map((f) => f.field)]).toEqual([400, ['sheet']]);
    const single = new ExcelJS.Workbook();
    await single.xlsx.load((await download(county, { format: 'xlsx' })).bytes as unknown as ArrayBuffer);
    expect(single.worksheets.map((w) => w.name)).not.toContain('区县对比');
  });
});
