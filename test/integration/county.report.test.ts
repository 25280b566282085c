import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { hashPassword } from '../../server/accounts/password.ts';
import { accounts, counties, schoolResources, schools, teachers } from '../../server/db/schema/index.ts';
import { teachingDays } from '../../server/quotas/teachingCalendar.ts';
import { loadYears, pickYear } from '../../server/quotas/years.ts';
import { DEMO_PASSWORD, startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';

/**
 * The county report (coverage, balance, rotation) computed from the demo county's data, read
 * back as JSON and with real parsers (exceljs, csv-parse), and who may see it.
 */
let platform: TestPlatform;
let admin: SignedInClient;
let auditor: SignedInClient;
let otherAuditor: SignedInClient;
let coord: SignedInClient;
let pinghuId = '';

beforeAll(async () => {
  platform = await startTestPlatform({ env: { QUOTA_TODAY: '2026-11-23' } });
  const db = platform.database.db;
  // A second county with a single, rural school in no community and no figures entered.
  const [county] = await db.insert(counties).values({ code: 'zj-jx-pinghu', name: '平湖市', city: '嘉兴市', province: '浙江省' }).returning();
  pinghuId = county!.id;
  await db.insert(schools).values({ countyId: pinghuId, name: '平湖市新埭小学', stage: 'primary', locality: 'rural' });
  await db.insert(accounts).values({ username: 'auditor.pinghu', displayName: '平湖市教育局督导', passwordHash: await hashPassword(DEMO_PASSWORD), role: 'auditor', auditLevel: 'county', countyId: pinghuId });
  [admin, auditor, otherAuditor, coord] = (await Promise.all(['admin', 'auditor.haiyan', 'auditor.pinghu', 'coord.shiyan'].map((u) => platform.signIn(u)))) as [SignedInClient, SignedInClient, SignedInClient, SignedInClient];
}, 180_000);
afterAll(() => platform?.close());

async function haiyanReport() {
  const r = await auditor.call(api.countyReports, { query: { academicYear: '2026-2027' } });
  if (!r.ok) throw new Error(r.error.message);
  expect(r.data.counties.map((c) => c.countyName)).toEqual(['海盐县']);
  return r.data.counties[0]!;
}

async function download(user: SignedInClient, query: Record<string, string>) {
  const res = await fetch(`${platform.url}/api/county/report?${new URLSearchParams(query)}`, { headers: { cookie: user.cookie } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('county report', () => {
  it('C-COVERAGE-RURAL: 秦山小学 belongs to no community and is listed with every school day so far; C-COVERAGE-NEW-RESIDENT is met', async () => {
    const c = await haiyanReport();
    const year = pickYear(await loadYears(platform.database.db), '2026-11-23', '2026-2027');
    const days = teachingDays(year.calendar, year.startsOn, year.endsOn);
    expect(c.coverage.rural.status).toBe('not_met');
    expect(c.coverage.rural.schoolDays).toBe(days.length);
    expect(c.coverage.rural.gaps.map((g) => g.name)).toEqual(['海盐县秦山小学']);
    const gap = c.coverage.rural.gaps[0]!;
    expect(gap.daysOut).toBe(days.filter((d) => d <= '2026-11-23').length);
    expect(gap.daysOut + gap.daysOutAhead).toBe(days.length);
    expect(gap.ranges[0]!.from).toBe(days[0]);
    expect(c.coverage.newResident).toMatchObject({ status: 'met', schoolsChecked: 2, gaps: [] });
  });

  it('B-CV-COMBINED / B-SCHOOL-STANDARD: the demo county\'s coefficients per stage are the mean of the seven, within the thresholds; the two rural junior-middle schools with sports grounds above 85 % still meet six of seven', async () => {
    const c = await haiyanReport();
    expect(c.balance.standardId).toBe('B-STD-2017');
    const [primary, junior] = c.balance.stages;
    expect(primary!.stage).toBe('primary');
    // nine primary schools and the nine-year new-resident school, which is assessed in both stages
    expect(primary!.schools).toHaveLength(10);
    expect(junior!.schools.map((s) => s.name).sort()).toEqual(['海盐县于城中学', '海盐县实验中学', '海盐县澉浦中学', '海盐县百步中学', '海盐县育才新居民子女学校'].sort());
    for (const s of [primary!, junior!]) {
      const mean = s.indicators.reduce((a, i) => a + i.value!, 0) / 7;
      expect(s.combined.value).toBeCloseTo(mean, 12);
      expect(s.combinedStatus).toBe('met');
      expect(s.pullingUp.length).toBeGreaterThan(0);
    }
    const yucheng = junior!.schools.find((s) => s.name === '海盐县于城中学')!;
    expect([yucheng.meets, yucheng.belowFloor, yucheng.schoolRuleMet]).toEqual([6, 0, true]);
    expect(yucheng.values.find((v) => v.code === 'sportsGroundArea')).toMatchObject({ meetsStandard: false, source: 'entered' });
    // the figures of the latest year are tighter than the year before (rural schools caught up)
    const before = await auditor.call(api.countyReports, { query: { academicYear: '2025-2026' } });
    expect(before.ok && before.data.counties[0]!.balance.stages[0]!.combined.value!).toBeGreaterThan(primary!.combined.value!);
    // …and the report carries the coefficient over the years up to the one reported
    expect(c.balance.history.map((h) => h.academicYear)).toEqual(['2025-2026', '2026-2027']);
    expect(c.balance.history[1]).toEqual({ academicYear: '2026-2027', primary: primary!.combined.value, juniorMiddle: junior!.combined.value });
    expect(before.ok && c.balance.history[0]!.primary).toBe(before.ok && before.data.counties[0]!.balance.stages[0]!.combined.value);
  });

  it('what the county did not enter is counted by the platform, and says so', async () => {
    const db = platform.database.db;
    const [qinshan] = await db.select().from(schools).where(eq(schools.name, '海盐县秦山小学'));
    await db.update(schoolResources).set({ backboneTeachers: null, multimediaClassrooms: null }).where(and(eq(schoolResources.schoolId, qinshan!.id), eq(schoolResources.academicYear, '2026-2027')));
    try {
      const s = (await haiyanReport()).balance.stages[0]!.schools.find((x) => x.schoolId === qinshan!.id)!;
      // no backbone teacher on the platform at 秦山小学; one classroom, without a join terminal
      expect(s.values.find((v) => v.code === 'backboneTeachers')).toMatchObject({ value: 0, source: 'platform', meetsStandard: false });
      expect(s.values.find((v) => v.code === 'multimediaClassrooms')).toMatchObject({ value: 0, source: 'platform' });
    } finally {
      await db.update(schoolResources).set({ backboneTeachers: 3, multimediaClassrooms: 8 }).where(and(eq(schoolResources.schoolId, qinshan!.id), eq(schoolResources.academicYear, '2026-2027')));
    }
  });

  it('R-ROTATION-SHARE / R-ROTATION-BACKBONE: the year\'s rotations over the county\'s teachers, backbone share among them', async () => {
    const r = (await haiyanReport()).rotation;
    expect(r.standardId).toBe('R-STD-2014');
    expect(r.eligible).toBe(26);
    expect([r.rotated, r.backboneRotated]).toEqual([3, 1]);
    expect(r.share.value).toBeCloseTo(3 / 26, 12);
    expect(r.backboneShare.value).toBeCloseTo(1 / 3, 12);
    expect([r.shareStatus, r.backboneStatus]).toEqual(['met', 'met']);
    expect(r.entries.map((e) => e.teacherName)).toContain('王丽华');
  });

  it('a county with one school of a stage and no figures: not computable, with the reason — never a 0', async () => {
    const r = await otherAuditor.call(api.countyReports, {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = r.data.counties[0]!;
    expect(c.countyName).toBe('平湖市');
    expect(c.balance.stages[0]!.schools[0]!.values.every((v) => v.value === null && v.reason === 'no_pupils')).toBe(true);
    expect(c.balance.stages[0]!.combined).toEqual({ value: null, reason: 'too_few_schools' });
    expect(c.balance.stages[0]!.combinedStatus).toBe('not_computable');
    expect(c.balance.stages[1]!.combined).toEqual({ value: null, reason: 'too_few_schools' });
    expect([c.rotation.share, c.rotation.backboneShare]).toEqual([{ value: null, reason: 'no_eligible_teachers' }, { value: null, reason: 'no_rotations' }]);
    expect(c.coverage.rural.gaps.map((g) => g.name)).toEqual(['平湖市新埭小学']);
  });

  it('an admin sees the counties side by side; an auditor of another county gets 404; a coordinator may not', async () => {
    const all = await admin.call(api.countyReports, { query: { academicYear: '2026-2027' } });
    expect(all.ok && all.data.counties.map((c) => c.countyName).sort()).toEqual(['平湖市', '海盐县', '秀洲区'].sort());
    const other = await otherAuditor.call(api.countyReports, { query: { countyId: auditor.me.account.countyId! } });
    expect(other.ok ? 200 : other.status).toBe(404);
    const c = await coord.call(api.countyReports, {});
    expect(c.ok ? 200 : c.status).toBe(403);
    expect((await download(otherAuditor, { countyId: auditor.me.account.countyId!, format: 'csv' })).status).toBe(404);
  });

  it('XLSX, CSV and print: the same figures', async () => {
    const c = await haiyanReport();
    const xlsx = await download(auditor, { academicYear: '2026-2027', format: 'xlsx' });
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['报告信息', '覆盖情况', '校际差异系数', '各校指标', '交流轮岗']);
    const balance = wb.getWorksheet('校际差异系数')!;
    const combined = balance.getSheetValues().filter((r) => Array.isArray(r) && String(r[9]).includes('B-CV-COMBINED')) as unknown[][];
    expect(combined.map((r) => r[4])).toEqual(c.balance.stages.map((s) => Number(s.combined.value!.toFixed(3))));

    const csv = parseCsv((await download(auditor, { academicYear: '2026-2027', format: 'csv', sheet: 'coverage' })).bytes, { bom: true, columns: true }) as Record<string, string>[];
    const qinshan = csv.find((r) => r['未入共同体学校 School left out'] === '海盐县秦山小学')!;
    expect(qinshan['规则编号 Rule ID']).toBe('C-COVERAGE-RURAL');
    expect(Number(qinshan['至今未覆盖教学日 Days out so far'])).toBe(c.coverage.rural.gaps[0]!.daysOut);

    const html = await download(auditor, { academicYear: '2026-2027', format: 'html' });
    expect(html.type).toContain('text/html');
    const text = html.bytes.toString('utf8');
    expect(text).toContain('海盐县秦山小学');
    expect(text).toContain('R-ROTATION-SHARE');
    expect(text).toContain(String(Number(c.balance.stages[1]!.combined.value!.toFixed(3))));
  });
});

describe('the county enters its figures and rotations', () => {
  it('an admin sets a school\'s figures for a year: the report computes from them, the audit trail records who; bad input is a 400 naming the field; an auditor may not', async () => {
    const db = platform.database.db;
    const [wuyuan] = await db.select().from(schools).where(eq(schools.name, '海盐县武原小学'));
    const figures = { pupils: 1000, teachersAboveQualification: 50, backboneTeachers: 10, peArtsTeachers: 9, teachingFloorArea: 4500, sportsGroundArea: 7500, equipmentValue: 2_000_000, multimediaClassrooms: 23 };
    const put = await admin.call(api.putSchoolResources, { params: { schoolId: wuyuan!.id, academicYear: '2026-2027' }, body: figures });
    expect(put.ok).toBe(true);
    const s = (await haiyanReport()).balance.stages[0]!.schools.find((x) => x.schoolId === wuyuan!.id)!;
    // exactly at every standard value: 5.0, 1.0, 0.9 per 100 pupils, 4.5 m², 7.5 m², 2000 yuan, 2.3 per 100
    expect(s.values.map((v) => Number(v.value!.toFixed(6)))).toEqual([5, 1, 0.9, 4.5, 7.5, 2000, 2.3]);
    expect([s.meets, s.schoolRuleMet]).toEqual([7, true]);
    const trail = await admin.call(api.auditLog, { query: { table: 'school_resources', rowId: `${wuyuan!.id}/2026-2027` } });
    expect(trail.ok && trail.data.entries.some((e) => e.op === 'update' && e.actor?.id === admin.me.account.id)).toBe(true);

    const bad = await admin.call(api.putSchoolResources, { params: { schoolId: wuyuan!.id, academicYear: '2026-2027' }, body: { ...figures, pupils: -3 } });
    expect(bad.ok ? 200 : [bad.status, bad.error.fields?.map((f) => f.field)]).toEqual([400, ['pupils']]);
    const byAuditor = await auditor.call(api.putSchoolResources, { params: { schoolId: wuyuan!.id, academicYear: '2026-2027' }, body: figures });
    expect(byAuditor.ok ? 200 : byAuditor.status).toBe(403);
  });

  it('a school\'s entered figures are read back by admins and the county\'s auditors (null = not entered); anyone else gets 404', async () => {
    const db = platform.database.db;
    const [wuyuan] = await db.select().from(schools).where(eq(schools.name, '海盐县武原小学'));
    const [xindai] = await db.select().from(schools).where(eq(schools.name, '平湖市新埭小学'));
    const params = { schoolId: wuyuan!.id, academicYear: '2026-2027' };
    const figures = { pupils: 800, teachersAboveQualification: null, backboneTeachers: 7, peArtsTeachers: null, teachingFloorArea: 3600.5, sportsGroundArea: null, equipmentValue: 1_500_000, multimediaClassrooms: null };
    expect((await admin.call(api.putSchoolResources, { params, body: figures })).ok).toBe(true);
    for (const reader of [admin, auditor]) {
      const got = await reader.call(api.getSchoolResources, { params });
      expect(got.ok && got.data).toEqual({ ...figures, ...params });
    }
    for (const outsider of [otherAuditor, coord]) expect((await outsider.call(api.getSchoolResources, { params })).status).toBe(404);
    const none = await otherAuditor.call(api.getSchoolResources, { params: { schoolId: xindai!.id, academicYear: '2026-2027' } });
    expect(none.ok && none.data.pupils).toBeNull();
  });

  it('R-ROTATION-SHARE: a recorded rotation counts; one to the teacher\'s own school or another county is a 400 naming toSchoolId', async () => {
    const db = platform.database.db;
    const [lin] = await db.select().from(teachers).where(eq(teachers.name, '林国华'));
    const [baibu] = await db.select().from(schools).where(eq(schools.name, '海盐县百步中学'));
    const [xindai] = await db.select().from(schools).where(eq(schools.name, '平湖市新埭小学'));
    const before = (await haiyanReport()).rotation;
    const created = await admin.call(api.createTeacherRotation, { body: { teacherId: lin!.id, toSchoolId: baibu!.id, startsOn: '2027-02-22', endsOn: '2027-07-02' } });
    expect(created.ok ? created.status : created.status).toBe(201);
    const after = (await haiyanReport()).rotation;
    expect([after.rotated, after.backboneRotated]).toEqual([before.rotated + 1, before.backboneRotated + 1]);
    for (const toSchoolId of [lin!.schoolId, xindai!.id]) {
      const r = await admin.call(api.createTeacherRotation, { body: { teacherId: lin!.id, toSchoolId, startsOn: '2027-02-22', endsOn: '2027-07-02' } });
      expect(r.ok ? 201 : [r.status, r.error.fields?.[0]?.field]).toEqual([400, 'toSchoolId']);
    }
  });
});

describe('C-STANDARD-VERSIONS: the standard values and thresholds are versioned data', () => {
  it('the seeded versions are the published national values, under the IDs the report cites; anyone signed in reads them', async () => {
    const r = await coord.call(api.listCountyStandards, {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.map((s) => [s.kind, s.id, s.effectiveFrom])).toEqual([['balance', 'B-STD-2017', '2017-04-19'], ['rotation', 'R-STD-2014', '2014-08-13']]);
    const b = r.data[0]!;
    expect(b.kind === 'balance' && [b.values.standards.qualifiedTeachers, b.values.standards.equipmentValue, b.values.cvThreshold, b.values.schoolRule]).toEqual([
      { primary: 4.2, junior_middle: 5.3 },
      { primary: 2000, junior_middle: 2500 },
      { primary: 0.5, junior_middle: 0.45 },
      { atLeast: 6, floorShare: 0.85 },
    ]);
    expect(r.data[1]!.values).toEqual({ minShare: 0.1, minBackboneShare: 0.2, dispatchMinDays: 90 });
  });

  it('an admin adds a version from a date: the years from then are judged by it and the report names it, earlier years keep theirs; audited; 409 for a date or an ID taken, 400 naming the field, 403 for others', async () => {
    const listed = await admin.call(api.listCountyStandards, {});
    if (!listed.ok || listed.data[0]!.kind !== 'balance') throw new Error('no balance standard');
    const base = listed.data[0]!;
    const year = pickYear(await loadYears(platform.database.db), '2026-11-23', '2026-2027');
    const stricter = {
      ...base,
      id: 'B-STD-TEST-2026',
      effectiveFrom: year.startsOn,
      title: '测试：更严的差异系数上限',
      values: { ...base.values, standards: { ...base.values.standards, qualifiedTeachers: { primary: 9, junior_middle: 9 } }, cvThreshold: { primary: 0.01, junior_middle: 0.01 } },
    };
    expect((await auditor.call(api.addCountyStandard, { body: stricter })).status).toBe(403);
    const added = await admin.call(api.addCountyStandard, { body: stricter });
    expect(added.ok ? added.status : added.error.message).toBe(201);

    const c = await haiyanReport();
    expect(c.balance.standardId).toBe('B-STD-TEST-2026');
    expect(c.balance.stages.map((s) => [s.threshold, s.combinedStatus, s.indicators[0]!.standard])).toEqual([[0.01, 'not_met', 9], [0.01, 'not_met', 9]]);
    const before = await auditor.call(api.countyReports, { query: { academicYear: '2025-2026' } });
    expect(before.ok && [before.data.counties[0]!.balance.standardId, before.data.counties[0]!.balance.stages[0]!.threshold]).toEqual(['B-STD-2017', 0.5]);
    const file = await download(auditor, { academicYear: '2026-2027', format: 'csv', sheet: 'balance' });
    expect(file.bytes.toString('utf8')).toContain('B-STD-TEST-2026 B-CV-COMBINED');

    const trail = await admin.call(api.auditLog, { query: { table: 'county_standards', rowId: `balance/${year.startsOn}` } });
    expect(trail.ok && trail.data.entries.map((e) => [e.op, e.actor?.id])).toEqual([['insert', admin.me.account.id]]);

    const sameDate = await admin.call(api.addCountyStandard, { body: { ...stricter, id: 'B-STD-TEST-2026B' } });
    expect(sameDate.ok ? 201 : [sameDate.status, sameDate.error.message]).toEqual([409, `the balance standard already has a version effective from ${year.startsOn}`]);
    const sameId = await admin.call(api.addCountyStandard, { body: { ...stricter, effectiveFrom: '2030-09-01' } });
    expect(sameId.ok ? 201 : [sameId.status, sameId.error.message]).toEqual([409, 'a county standard is already named B-STD-TEST-2026']);
    const bad = await admin.call(api.addCountyStandard, { body: { ...stricter, id: 'B-STD-2031', effectiveFrom: '2031-09-01', values: { ...stricter.values, cvThreshold: { primary: 1.5, junior_middle: 0.4 } } } });
    expect(bad.ok ? 201 : [bad.status, bad.error.fields?.map((f) => f.field)]).toEqual([400, ['values.cvThreshold.primary']]);
  });
});
