import ExcelJS from 'exceljs';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import type { RosterResult } from '../../shared/schemas/roster.ts';
import { accountCommunities, accounts, auditLog, classrooms, communities, counties, schoolResources, schools, teacherSubjects, teachers } from '../../server/db/schema/index.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { fileOf, gbk, rosterCsv, rosterXlsx, XLSX, type RosterRows } from '../support/roster.ts';

let p: TestPlatform;
let admin: SignedInClient;
let countyId: string;
let otherCountyId: string;
/** The demo county's schools by name → the code the roster gives them. */
const codes = new Map<string, string>();
const db = () => p.database.db;

beforeAll(async () => {
  p = await startTestPlatform();
  admin = await p.signIn('admin');
  const [haiyan] = await db().select().from(counties).where(eq(counties.code, 'zj-jx-haiyan'));
  countyId = haiyan!.id;
  const [pinghu] = await db().insert(counties).values({ code: 'zj-jx-pinghu', name: '平湖市', city: '嘉兴市', province: '浙江省' }).returning();
  otherCountyId = pinghu!.id;
  await db().insert(schools).values({ countyId: otherCountyId, code: '3304820001', name: '平湖市当湖小学', stage: 'primary', locality: 'urban' });
  const [pinghuSchool] = await db().select().from(schools).where(eq(schools.code, '3304820001'));
  await db().insert(teachers).values({ schoolId: pinghuSchool!.id, name: '平湖老师', staffNo: 'PH0001' });
  const demo = await db().select().from(schools).where(eq(schools.countyId, countyId)).orderBy(schools.name);
  demo.forEach((s, i) => codes.set(s.name, `33042400${String(i + 10)}`));
});
afterAll(() => p?.close());

const code = (name: string) => codes.get(name)!;
const NEW_SCHOOL = '3304240099';
const STAGE_ZH = { primary: '小学', junior_middle: '初中', nine_year: '九年一贯制' } as const;

/** The demo county as a roster, plus a new school with its classrooms, teachers and accounts. */
async function countyRoster(): Promise<RosterRows> {
  const demo = (await db().select().from(schools).where(eq(schools.countyId, countyId)).orderBy(schools.name)).filter((s) => codes.has(s.name));
  return {
    schools: [
      ...demo.map((s) => ({ 学校标识码: code(s.name), 学校名称: s.name, 区县代码: 'zj-jx-haiyan', 学段: STAGE_ZH[s.stage as keyof typeof STAGE_ZH], 城乡: s.locality === 'urban' ? '城区' : '乡村', 新居民子女学校: s.newResident ? '是' : '否' })),
      { 学校标识码: NEW_SCHOOL, 学校名称: '海盐县于城小学', 区县代码: 'zj-jx-haiyan', 学段: '小学', 城乡: '乡村', 新居民子女学校: '否', 在校生数: '420' },
    ],
    classrooms: [
      { 学校标识码: NEW_SCHOOL, 教室名称: '一年级(1)班', 接入终端: '是', 容纳人数: '40' },
      { 学校标识码: NEW_SCHOOL, 教室名称: '二年级(1)班', 接入终端: '否', 容纳人数: '' },
    ],
    teachers: [
      { 工号: 'T0001', 姓名: '王丽华', 学校标识码: code('海盐县实验小学'), 任教学科: '数学', 骨干级别: '市级', 学历: '硕士' },
      { 工号: 'T0100', 姓名: '钱小雨', 学校标识码: NEW_SCHOOL, 任教学科: '语文;道德与法治', 骨干级别: '', 学历: '本科' },
      { 工号: 'T0101', 姓名: '赵一鸣', 学校标识码: NEW_SCHOOL, 任教学科: 'math', 骨干级别: '县级', 学历: '本科' },
    ],
    accounts: [
      { 用户名: 'qian.xiaoyu', 角色: '教师', 教师工号: 'T0100' },
      { 用户名: 'zhao.yiming', 角色: '教师', 教师工号: 'T0101', 显示名称: '赵一鸣老师' },
      { 用户名: 'class.yucheng1', 角色: '教室终端', 学校标识码: NEW_SCHOOL, 教室名称: '一年级(1)班' },
    ],
  };
}

async function importFile(who: SignedInClient, file: Blob, body: { dryRun: boolean; fingerprint?: string }, county = countyId) {
  return who.call(api.importRoster, { params: { countyId: county }, body, file });
}
async function dryRun(who: SignedInClient, file: Blob, county = countyId): Promise<RosterResult> {
  const res = await importFile(who, file, { dryRun: true }, county);
  if (!res.ok) throw new Error(`dry run refused: ${res.status} ${JSON.stringify(res.error)}`);
  return res.data;
}
/** Dry run, then commit what it showed. */
async function commit(who: SignedInClient, file: Blob): Promise<RosterResult> {
  const preview = await dryRun(who, file);
  const res = await importFile(who, file, { dryRun: false, fingerprint: preview.fingerprint });
  if (!res.ok) throw new Error(`commit refused: ${res.status} ${JSON.stringify(res.error)}`);
  return res.data;
}
const xlsxFile = async (rows: RosterRows) => fileOf(await rosterXlsx(rows), 'roster.xlsx', XLSX);
const auditCount = async () => (await db().select({ n: sql<number>`count(*)::int` }).from(auditLog))[0]!.n;
const schoolCount = async () => (await db().select({ n: sql<number>`count(*)::int` }).from(schools))[0]!.n;

describe('county roster import', () => {
  it('serves the template: five sheets with Chinese headers and English explanations; CSV one sheet at a time', async () => {
    const res = await admin.call(api.rosterTemplate, { query: { format: 'xlsx' } });
    expect(res.ok).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await (res.ok ? (res.data as Blob) : new Blob()).arrayBuffer()) as ExcelJS.Buffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['学校', '教室', '教师', '账号', '资源指标', 'Explanations']);
    expect(wb.getWorksheet('学校')!.getRow(1).getCell(1).value).toBe('学校标识码');
    expect(String(wb.getWorksheet('学校')!.getRow(2).getCell(1).value)).toMatch(/^# The ten-digit/);
    const csv = await admin.call(api.rosterTemplate, { query: { format: 'csv', sheet: 'teachers' } });
    const text = await (csv.ok ? (csv.data as Blob) : new Blob()).text();
    expect(text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('工号,姓名,学校标识码,任教学科,骨干级别,学历');
  });

  it('C-ROSTER-DRY-RUN: every bad row is named with its sheet, row, column and reason, and nothing is written', async () => {
    const rows = await countyRoster();
    rows.schools!.push(
      { 学校标识码: '33042', 学校名称: '短码学校', 学段: '小学', 城乡: '乡村' },
      { 学校标识码: '3304820001', 学校名称: '别县的学校', 学段: '小学', 城乡: '城区' },
      { 学校标识码: NEW_SCHOOL, 学校名称: '重复的学校', 学段: '小学', 城乡: '城区' },
    );
    rows.teachers!.push(
      { 工号: 'T0100', 姓名: '重复工号', 学校标识码: NEW_SCHOOL },
      { 工号: 'T0200', 姓名: '无校教师', 学校标识码: '3304249999' },
      { 工号: 'T0201', 姓名: '外县学校', 学校标识码: '3304820001' },
      { 工号: 'PH0001', 姓名: '平湖老师', 学校标识码: NEW_SCHOOL },
      { 工号: 'T0202', 姓名: '未知学科', 学校标识码: NEW_SCHOOL, 任教学科: '炼金术' },
    );
    const before = { schools: await schoolCount(), audit: await auditCount() };
    const result = await dryRun(admin, await xlsxFile(rows));
    expect(result).toMatchObject({ dryRun: true, committed: false, importId: null });
    const errs = result.errors.map((e) => [e.sheetName, e.row, e.column, e.code, e.params['value']]);
    const n = rows.schools!.length;
    expect(errs).toEqual([
      ['学校', n, '学校标识码', 'roster.code_format', '33042'],
      ['学校', n + 1, '学校标识码', 'roster.other_county', '3304820001'],
      ['学校', n + 2, '学校标识码', 'roster.duplicate', NEW_SCHOOL],
      ['教师', 6, '工号', 'roster.duplicate', 'T0100'],
      ['教师', 7, '学校标识码', 'roster.unknown_school', '3304249999'],
      ['教师', 8, '学校标识码', 'roster.other_county', '3304820001'],
      ['教师', 9, '工号', 'roster.other_county', 'PH0001'],
      ['教师', 10, '任教学科', 'roster.unknown_subject', '炼金术'],
    ]);
    expect(result.errors.find((e) => e.code === 'roster.duplicate' && e.sheet === 'teachers')!.params['row']).toBe(4);
    // The planned changes of the good rows: the demo schools take their codes, the new school, its rooms, teachers and accounts.
    expect(result.summary.schools).toEqual({ create: 1, update: codes.size, unchanged: 0 });
    expect(result.summary.accounts).toEqual({ create: 3, update: 0, unchanged: 0 });
    expect(result.changes.find((c) => c.key === code('海盐县实验小学'))).toMatchObject({ action: 'update', fields: [{ field: 'code', before: null, after: code('海盐县实验小学') }] });
    expect(result.changes.find((c) => c.sheet === 'teachers' && c.key === 'T0001')).toMatchObject({
      action: 'update',
      fields: expect.arrayContaining([{ field: 'staffNo', before: null, after: 'T0001' }, { field: 'backboneLevel', before: null, after: 'city' }]),
    });
    expect({ schools: await schoolCount(), audit: await auditCount() }).toEqual(before);
  });

  it('C-ROSTER-ALL-OR-NOTHING: a commit with one bad row writes nothing at all', async () => {
    const rows = await countyRoster();
    rows.teachers!.push({ 工号: 'T0300', 姓名: '无校教师', 学校标识码: '3304249999' });
    const file = await xlsxFile(rows);
    const preview = await dryRun(admin, file);
    const before = { schools: await schoolCount(), audit: await auditCount() };
    const res = await importFile(admin, file, { dryRun: false, fingerprint: preview.fingerprint });
    expect(res.ok && res.data).toMatchObject({ committed: false, importId: null, credentials: null, errors: [expect.objectContaining({ sheet: 'teachers', code: 'roster.unknown_school' })] });
    expect({ schools: await schoolCount(), audit: await auditCount() }).toEqual(before);
    expect(await db().select().from(teachers).where(eq(teachers.staffNo, 'T0100'))).toEqual([]);
  });

  it('C-ROSTER-PREVIEWED: a commit names its dry run; another fingerprint is a 409 and writes nothing', async () => {
    const file = await xlsxFile(await countyRoster());
    const missing = await importFile(admin, file, { dryRun: false });
    expect(missing.ok || missing.status).toBe(400);
    const stale = await importFile(admin, file, { dryRun: false, fingerprint: 'a'.repeat(64) });
    expect(stale.ok || [stale.status, stale.error.conflict?.kind]).toEqual([409, 'roster_changed']);
    expect(await db().select().from(schools).where(eq(schools.code, NEW_SCHOOL))).toEqual([]);
  });

  let firstImport: RosterResult;
  it('C-ROSTER-ALL-OR-NOTHING: a good file commits every change in one transaction, in the audit trail under the importer', async () => {
    const [{ last }] = (await db().select({ last: sql<number>`coalesce(max(${auditLog.id}), 0)` }).from(auditLog)) as [{ last: number }];
    firstImport = await commit(admin, await xlsxFile(await countyRoster()));
    expect(firstImport).toMatchObject({ committed: true, errors: [], credentials: { accounts: 3 } });
    const [school] = await db().select().from(schools).where(eq(schools.code, NEW_SCHOOL));
    expect(school).toMatchObject({ name: '海盐县于城小学', countyId, locality: 'rural' });
    expect(await db().select({ name: classrooms.name, t: classrooms.hasJoinTerminal, c: classrooms.capacity }).from(classrooms).where(eq(classrooms.schoolId, school!.id)).orderBy(classrooms.name)).toEqual([
      { name: '一年级(1)班', t: true, c: 40 },
      { name: '二年级(1)班', t: false, c: null },
    ]);
    const [qian] = await db().select().from(teachers).where(eq(teachers.staffNo, 'T0100'));
    expect((await db().select().from(teacherSubjects).where(eq(teacherSubjects.teacherId, qian!.id))).map((s) => s.subjectCode).sort()).toEqual(['chinese', 'morality']);
    const [wang] = await db().select().from(teachers).where(eq(teachers.staffNo, 'T0001'));
    expect(wang).toMatchObject({ name: '王丽华', backboneLevel: 'city', isBackbone: true, qualification: 'master' });
    expect((await db().select().from(schoolResources).where(eq(schoolResources.schoolId, school!.id)))[0]).toMatchObject({ pupils: 420 });
    // Every change is in the audit trail, attributed to the administrator; no password or code hash in it.
    const trail = await db().select().from(auditLog).where(sql`${auditLog.id} > ${last}`);
    const tables = new Set(trail.map((t) => t.tableName));
    for (const t of ['schools', 'classrooms', 'teachers', 'teacher_subjects', 'accounts', 'account_activations', 'school_resources', 'roster_imports']) expect(tables, t).toContain(t);
    expect(trail.every((t) => t.actorAccountId === admin.me.account.id)).toBe(true);
    const newAccounts = await db().select().from(accounts).where(inArray(accounts.username, ['qian.xiaoyu', 'zhao.yiming', 'class.yucheng1']));
    expect(newAccounts.map((a) => a.displayName).sort()).toEqual(['海盐县于城小学 一年级(1)班', '赵一鸣老师', '钱小雨']);
    const accountEntry = trail.find((t) => t.tableName === 'accounts')!;
    expect(accountEntry.countyId).toBe(countyId);
    expect(String((accountEntry.after as Record<string, unknown>)['password_hash'])).toMatch(/^[0-9a-f]{8}$/);
  });

  it('C-ROSTER-UNCHANGED: re-importing the same file changes nothing', async () => {
    const file = await xlsxFile(await countyRoster());
    const again = await dryRun(admin, file);
    expect(again.errors).toEqual([]);
    expect(again.changes).toEqual([]);
    expect(again.summary).toEqual({
      schools: { create: 0, update: 0, unchanged: codes.size + 1 },
      classrooms: { create: 0, update: 0, unchanged: 2 },
      teachers: { create: 0, update: 0, unchanged: 3 },
      accounts: { create: 0, update: 0, unchanged: 3 },
      resources: { create: 0, update: 0, unchanged: 0 },
    });
    const before = await db().select({ n: sql<number>`count(*)::int` }).from(auditLog).where(inArray(auditLog.tableName, ['schools', 'classrooms', 'teachers', 'teacher_subjects', 'accounts']));
    const committed = await importFile(admin, file, { dryRun: false, fingerprint: again.fingerprint });
    expect(committed.ok && committed.data).toMatchObject({ committed: true, credentials: null });
    const after = await db().select({ n: sql<number>`count(*)::int` }).from(auditLog).where(inArray(auditLog.tableName, ['schools', 'classrooms', 'teachers', 'teacher_subjects', 'accounts']));
    expect(after).toEqual(before);
  });

  it('C-ROSTER-BY-CODE: a changed file updates by school code and staff number, and says what it will change first', async () => {
    const rows = await countyRoster();
    rows.schools!.find((s) => s['学校标识码'] === NEW_SCHOOL)!['学校名称'] = '海盐县于城中心小学';
    Object.assign(rows.teachers!.find((t) => t['工号'] === 'T0101')!, { 学校标识码: code('海盐县澉浦小学'), 骨干级别: '省级', 任教学科: 'math;science' });
    rows.classrooms![1]!['接入终端'] = '是';
    const file = await xlsxFile(rows);
    const preview = await dryRun(admin, file);
    expect(preview.changes).toEqual([
      { sheet: 'schools', row: codes.size + 3, action: 'update', key: NEW_SCHOOL, fields: [{ field: 'name', before: '海盐县于城小学', after: '海盐县于城中心小学' }] },
      { sheet: 'classrooms', row: 4, action: 'update', key: `${NEW_SCHOOL}/二年级(1)班`, fields: [{ field: 'hasJoinTerminal', before: 'no', after: 'yes' }] },
      {
        sheet: 'teachers', row: 5, action: 'update', key: 'T0101',
        fields: [
          { field: 'school', before: '海盐县于城中心小学', after: '海盐县澉浦小学' },
          { field: 'backboneLevel', before: 'county', after: 'province' },
          { field: 'subjects', before: 'math', after: 'math;science' },
        ],
      },
      // A classroom terminal's default name follows its school's.
      { sheet: 'accounts', row: 5, action: 'update', key: 'class.yucheng1', fields: [{ field: 'displayName', before: '海盐县于城小学 一年级(1)班', after: '海盐县于城中心小学 一年级(1)班' }] },
    ]);
    const [zhao] = await db().select().from(teachers).where(eq(teachers.staffNo, 'T0101'));
    expect(zhao!.backboneLevel).toBe('county');
    const res = await importFile(admin, file, { dryRun: false, fingerprint: preview.fingerprint });
    expect(res.ok && res.data.committed).toBe(true);
    const [moved] = await db().select({ t: teachers, school: schools.name }).from(teachers).innerJoin(schools, eq(schools.id, teachers.schoolId)).where(eq(teachers.staffNo, 'T0101'));
    expect(moved).toMatchObject({ school: '海盐县澉浦小学', t: { backboneLevel: 'province', name: '赵一鸣' } });
    expect((await db().select().from(schools).where(eq(schools.code, NEW_SCHOOL)))[0]!.name).toBe('海盐县于城中心小学');
    const [entry] = await db().select().from(auditLog).where(and(eq(auditLog.tableName, 'teachers'), eq(auditLog.rowId, zhao!.id), eq(auditLog.op, 'update')));
    expect(entry).toMatchObject({ actorAccountId: admin.me.account.id, before: { backbone_level: 'county' }, after: { backbone_level: 'province' } });
  });

  it('C-ROSTER-ENCODING: a GBK CSV (what Chinese Excel writes) and a UTF-8 CSV with a BOM read the same', async () => {
    const sheet = [{ 工号: 'T0400', 姓名: '欧阳晓燕', 学校标识码: code('海盐县六里小学'), 任教学科: '音乐', 骨干级别: '县级', 学历: '大专' }];
    const text = rosterCsv('teachers', sheet);
    const fromGbk = await dryRun(admin, fileOf(gbk(text), 'teachers.csv', 'text/csv'));
    const fromBom = await dryRun(admin, fileOf(Buffer.from('\ufeff' + text, 'utf8'), 'teachers.csv', 'text/csv'));
    const expected = [{ sheet: 'teachers', row: 2, action: 'create', key: 'T0400', fields: expect.arrayContaining([{ field: 'name', before: null, after: '欧阳晓燕' }, { field: 'qualification', before: null, after: 'associate' }]) }];
    expect(fromGbk.errors).toEqual([]);
    expect(fromGbk.changes).toEqual(expected);
    expect(fromBom.changes).toEqual(fromGbk.changes);
    const committed = await importFile(admin, fileOf(gbk(text), 'teachers.csv', 'text/csv'), { dryRun: false, fingerprint: fromGbk.fingerprint });
    expect(committed.ok && committed.data.summary.teachers).toEqual({ create: 1, update: 0, unchanged: 0 });
    expect((await db().select().from(teachers).where(eq(teachers.staffNo, 'T0400')))[0]!.name).toBe('欧阳晓燕');
  });

  it('C-ROSTER-SCOPE: a coordinator imports for their communities\' schools only; other roles and other counties are refused', async () => {
    const coord = await p.signIn('coord.shiyan');
    const schoolsCsv = rosterCsv('schools', [
      { 学校标识码: code('海盐县澉浦小学'), 学校名称: '海盐县澉浦小学', 学段: '小学', 城乡: '乡村', 新居民子女学校: '否' },
      { 学校标识码: code('海盐县向阳小学'), 学校名称: '海盐县向阳小学', 学段: '小学', 城乡: '城区', 新居民子女学校: '否' },
      { 学校标识码: '3304240098', 学校名称: '协调员新建的学校', 学段: '小学', 城乡: '乡村' },
    ]);
    const result = await dryRun(coord, fileOf(schoolsCsv, 'schools.csv', 'text/csv'));
    expect(result.errors.map((e) => [e.row, e.code])).toEqual([
      [3, 'roster.scope'],
      [4, 'roster.scope_create'],
    ]);
    const rooms = rosterCsv('classrooms', [{ 学校标识码: code('海盐县澉浦小学'), 教室名称: '六年级(9)班', 接入终端: '是' }, { 学校标识码: code('海盐县沈荡小学'), 教室名称: '一年级(1)班', 接入终端: '是' }]);
    const roomResult = await dryRun(coord, fileOf(rooms, 'rooms.csv', 'text/csv'));
    expect(roomResult.errors.map((e) => [e.row, e.column, e.code])).toEqual([[3, '学校标识码', 'roster.scope']]);
    expect(roomResult.summary.classrooms.create).toBe(1);
    // County figures and auditor accounts are an administrator's.
    const figures = rosterCsv('schools', [{ 学校标识码: code('海盐县澉浦小学'), 学校名称: '海盐县澉浦小学', 学段: '小学', 城乡: '乡村', 新居民子女学校: '否', 在校生数: '999' }]);
    expect((await dryRun(coord, fileOf(figures, 'schools.csv', 'text/csv'))).errors.map((e) => [e.column, e.code])).toEqual([['在校生数', 'roster.admin_only']]);
    const auditorCsv = rosterCsv('accounts', [{ 用户名: 'auditor.second', 角色: '审计员', 显示名称: '第二督导' }]);
    expect((await dryRun(coord, fileOf(auditorCsv, 'accounts.csv', 'text/csv'))).errors.map((e) => [e.column, e.code])).toEqual([['角色', 'roster.admin_only']]);
    expect((await commit(admin, fileOf(auditorCsv, 'accounts.csv', 'text/csv'))).summary.accounts.create).toBe(1);
    expect((await db().select().from(accounts).where(eq(accounts.username, 'auditor.second')))[0]).toMatchObject({ role: 'auditor', countyId, displayName: '第二督导' });
    const auditorRes = await importFile(await p.signIn('auditor.haiyan'), fileOf(rooms, 'rooms.csv', 'text/csv'), { dryRun: true });
    expect(auditorRes.ok || auditorRes.status).toBe(403);
    const elsewhere = await importFile(coord, fileOf(rooms, 'rooms.csv', 'text/csv'), { dryRun: true }, otherCountyId);
    expect(elsewhere.ok || elsewhere.status).toBe(404);
  });

  it('C-ROSTER-CREDENTIALS: the sign-in codes come once as a printable sheet per school; the owner chooses a password with one', async () => {
    const sheet = await admin.call(api.rosterCredentials, { params: { importId: firstImport.importId! }, body: { key: firstImport.credentials!.key, format: 'html' } });
    expect(sheet.ok).toBe(true);
    const html = await (sheet.ok ? (sheet.data as Blob) : new Blob()).text();
    expect(html).toContain('海盐县于城');
    for (const u of ['qian.xiaoyu', 'zhao.yiming', 'class.yucheng1']) expect(html).toContain(u);
    const codesOnSheet = [...html.matchAll(/<code>([0-9a-f]{32})<\/code>/g)].map((m) => m[1]!);
    expect(codesOnSheet).toHaveLength(3);
    // Once: the second fetch finds nothing.
    const again = await admin.call(api.rosterCredentials, { params: { importId: firstImport.importId! }, body: { key: firstImport.credentials!.key, format: 'xlsx' } });
    expect(again.ok || again.status).toBe(404);
    // The codes are nowhere in the database or its audit trail.
    const dump = JSON.stringify(await db().select().from(auditLog)) + JSON.stringify(await db().execute(sql`select * from roster_imports`));
    for (const c of codesOnSheet) expect(dump).not.toContain(c);
    // Before activation nobody signs in; with the code the owner sets a password, once.
    const qianCode = codesOnSheet[[...html.matchAll(/<td>([a-z0-9._-]+)<\/td><td><code>/g)].findIndex((m) => m[1] === 'qian.xiaoyu')]!;
    const anon = p.anonymous();
    expect((await anon(api.signIn, { body: { username: 'qian.xiaoyu', password: '!activation-pending' } })).ok).toBe(false);
    const activated = await anon(api.activateAccount, { body: { code: qianCode, password: 'a-long-first-password' } });
    expect(activated.ok, JSON.stringify(activated)).toBe(true);
    const qian = await p.signIn('qian.xiaoyu', 'a-long-first-password');
    expect(qian.me.account).toMatchObject({ role: 'teacher', displayName: '钱小雨' });
    const reused = await anon(api.activateAccount, { body: { code: qianCode, password: 'another-long-password' } });
    expect(reused.ok || [reused.status, reused.error.fields?.[0]?.field]).toEqual([400, 'code']);
    // A password an administrator sets voids the account's code.
    const usernames = [...html.matchAll(/<td>([a-z0-9._-]+)<\/td><td><code>/g)].map((m) => m[1]);
    const zhaoCode = codesOnSheet[usernames.indexOf('zhao.yiming')]!;
    const [zhao] = await db().select().from(accounts).where(eq(accounts.username, 'zhao.yiming'));
    expect((await admin.call(api.updateAccount, { params: { id: zhao!.id }, body: { password: 'set-by-the-admin-1' } })).ok).toBe(true);
    const voided = await anon(api.activateAccount, { body: { code: zhaoCode, password: 'another-long-password' } });
    expect(voided.ok || voided.status).toBe(400);
    await p.signIn('zhao.yiming', 'set-by-the-admin-1');
  });
});

describe('C-ROSTER-RESOURCES: the 资源指标 sheet, per school and academic year', () => {
  const resourcesFile = (rows: Record<string, string>[]) => xlsxFile({ resources: rows });
  const figuresOf = async (schoolCode: string, year: string) => {
    const [row] = await db().select({ r: schoolResources }).from(schoolResources).innerJoin(schools, eq(schools.id, schoolResources.schoolId)).where(and(eq(schools.code, schoolCode), eq(schoolResources.academicYear, year)));
    return row?.r ?? null;
  };

  it('a dry run names every bad row by sheet, row, column and reason: an unknown school, not a number, negative, a year out of range, a school and year twice; nothing is written', async () => {
    const before = await auditCount();
    const res = await dryRun(admin, await resourcesFile([
      { 学校标识码: '3304249999', 学年: '2026-2027', 在校生数: '500' },
      { 学校标识码: code('海盐县实验小学'), 学年: '2026-2027', 高于规定学历教师数: '六十' },
      { 学校标识码: code('海盐县实验小学'), 学年: '2025-2026', '体育运动场馆面积（平方米）': '-20' },
      { 学校标识码: code('海盐县实验小学'), 学年: '2019-2020', 在校生数: '900' },
      { 学校标识码: code('海盐县澉浦小学'), 学年: '2026-2027', 在校生数: '300' },
      { 学校标识码: code('海盐县澉浦小学'), 学年: '2026-2027', 在校生数: '310' },
      { 学校标识码: '3304820001', 学年: '2026-2027', 在校生数: '310' },
      { 学校标识码: code('海盐县澉浦小学'), 学年: '2025-2026', '教学仪器设备值（元）': '100.555', 县级及以上骨干教师数: '2.5' },
    ]));
    expect(res.errors.map((e) => [e.sheetName, e.row, e.column, e.code])).toEqual([
      ['资源指标', 3, '学校标识码', 'roster.unknown_school'],
      ['资源指标', 4, '高于规定学历教师数', 'roster.number'],
      ['资源指标', 5, '体育运动场馆面积（平方米）', 'roster.negative'],
      ['资源指标', 6, '学年', 'roster.year'],
      ['资源指标', 8, '学年', 'roster.duplicate'],
      ['资源指标', 9, '学校标识码', 'roster.other_county'],
      ['资源指标', 10, '县级及以上骨干教师数', 'roster.whole'],
      ['资源指标', 10, '教学仪器设备值（元）', 'roster.decimals'],
    ]);
    expect(res.errors.find((e) => e.code === 'roster.year')!.params).toEqual({ value: '2019-2020', from: '2025-2026', to: '2026-2027' });
    expect(res.errors.find((e) => e.code === 'roster.duplicate')!.params).toEqual({ value: `${code('海盐县澉浦小学')}/2026-2027`, row: 7 });
    expect(await auditCount()).toBe(before);
  });

  it('a good sheet says what will change (before → after, by school code and year), commits in the audit trail under the importer; re-importing it changes nothing; an empty cell is "not entered"', async () => {
    const shiyan = code('海盐县实验小学');
    const old = (await figuresOf(shiyan, '2026-2027'))!;
    const cell = (v: number | null) => (v === null ? '' : String(v));
    // A sheet's columns are all present in every row: an empty cell is "not entered".
    const rows: Record<string, string>[] = [
      {
        学校标识码: shiyan, 学年: '2026-2027', 在校生数: cell(old.pupils), 高于规定学历教师数: String(old.teachersAboveQualification! + 5), 县级及以上骨干教师数: '', 体育艺术专任教师数: cell(old.peArtsTeachers),
        '教学及辅助用房面积（平方米）': cell(old.teachingFloorArea), '体育运动场馆面积（平方米）': '12000.5', '教学仪器设备值（元）': cell(old.equipmentValue), 网络多媒体教室数: cell(old.multimediaClassrooms),
      },
      { 学校标识码: NEW_SCHOOL, 学年: '2025-2026', 在校生数: '400', '教学及辅助用房面积（平方米）': '1800.25', '教学仪器设备值（元）': '900000' },
      // the pupils the first import gave it this year, nothing else entered: unchanged
      { 学校标识码: NEW_SCHOOL, 学年: '2026-2027', 在校生数: '420' },
    ];
    const file = await resourcesFile(rows);
    const preview = await dryRun(admin, file);
    expect(preview.errors).toEqual([]);
    expect(preview.summary.resources).toEqual({ create: 1, update: 1, unchanged: 1 });
    expect(preview.changes).toEqual([
      {
        sheet: 'resources', row: 3, action: 'update', key: `${shiyan}/2026-2027`,
        fields: [
          { field: 'teachersAboveQualification', before: String(old.teachersAboveQualification), after: String(old.teachersAboveQualification! + 5) },
          ...(old.backboneTeachers === null ? [] : [{ field: 'backboneTeachers', before: String(old.backboneTeachers), after: null }]),
          { field: 'sportsGroundArea', before: String(old.sportsGroundArea), after: '12000.5' },
        ],
      },
      {
        sheet: 'resources', row: 4, action: 'create', key: `${NEW_SCHOOL}/2025-2026`,
        fields: [{ field: 'pupils', before: null, after: '400' }, { field: 'teachingFloorArea', before: null, after: '1800.25' }, { field: 'equipmentValue', before: null, after: '900000' }],
      },
    ]);
    const [{ last }] = (await db().select({ last: sql<number>`coalesce(max(${auditLog.id}), 0)` }).from(auditLog)) as [{ last: number }];
    const res = await importFile(admin, file, { dryRun: false, fingerprint: preview.fingerprint });
    expect(res.ok && res.data.committed).toBe(true);
    expect(await figuresOf(shiyan, '2026-2027')).toMatchObject({ pupils: old.pupils, teachersAboveQualification: old.teachersAboveQualification! + 5, sportsGroundArea: 12000.5, backboneTeachers: null, equipmentValue: old.equipmentValue });
    expect(await figuresOf(NEW_SCHOOL, '2025-2026')).toMatchObject({ pupils: 400, teachingFloorArea: 1800.25, equipmentValue: 900000, sportsGroundArea: null });
    const trail = await db().select().from(auditLog).where(and(sql`${auditLog.id} > ${last}`, eq(auditLog.tableName, 'school_resources')));
    expect(trail.map((t) => [t.op, t.actorAccountId, t.countyId])).toEqual([
      ['update', admin.me.account.id, countyId],
      ['insert', admin.me.account.id, countyId],
    ]);

    const again = await dryRun(admin, file);
    expect([again.changes, again.summary.resources]).toEqual([[], { create: 0, update: 0, unchanged: 3 }]);
    const before = await auditCount();
    const committed = await importFile(admin, file, { dryRun: false, fingerprint: again.fingerprint });
    expect(committed.ok && committed.data.committed).toBe(true);
    // only the import's own record
    expect(await auditCount()).toBe(before + 1);
  });

  it('a coordinator may not change the county\'s figures; pupils given on both the 学校 and the 资源指标 sheet for the same year are refused', async () => {
    const coord = await p.signIn('coord.shiyan');
    const shiyan = code('海盐县实验小学');
    const res = await dryRun(coord, await resourcesFile([{ 学校标识码: shiyan, 学年: '2026-2027', 在校生数: '1' }]));
    expect(res.errors.map((e) => [e.row, e.column, e.code])).toEqual([[3, null, 'roster.admin_only']]);
    const rows = await countyRoster();
    rows.resources = [{ 学校标识码: NEW_SCHOOL, 学年: '2026-2027', 在校生数: '421' }];
    rows.schools!.find((s) => s['学校标识码'] === NEW_SCHOOL)!['在校生数'] = '430';
    const both = await dryRun(admin, await xlsxFile(rows));
    expect(both.errors.map((e) => [e.sheet, e.row, e.column, e.code, e.params])).toEqual([['resources', 3, '在校生数', 'roster.pupils_twice', { row: codes.size + 3 }]]);
  });
});

describe('C-ROSTER-COORDINATORS: coordinator accounts on the 账号 sheet, by their communities\' names', () => {
  const SHIYAN = '海盐县实验小学教育共同体';
  const XIANGYANG = '海盐县向阳小学教育共同体';
  const accountsFile = (rows: Record<string, string>[]) => xlsxFile({ accounts: rows });
  const linksOf = async (username: string) =>
    (await db().select({ name: communities.name }).from(accountCommunities).innerJoin(accounts, eq(accounts.id, accountCommunities.accountId)).innerJoin(communities, eq(communities.id, accountCommunities.communityId)).where(eq(accounts.username, username)))
      .map((r) => r.name)
      .sort();

  it('bad rows are named (an unknown community, none given); a coordinator may not create one', async () => {
    const res = await dryRun(admin, await accountsFile([
      { 用户名: 'coord.ok', 角色: '协调员', 教共体: SHIYAN },
      { 用户名: 'coord.nowhere', 角色: '协调员', 教共体: '不存在的教育共同体' },
      { 用户名: 'coord.none', 角色: '协调员', 教共体: '' },
    ]));
    expect(res.errors.map((e) => [e.row, e.column, e.code, e.params])).toEqual([
      [4, '教共体', 'roster.unknown_community', { value: '不存在的教育共同体' }],
      [5, '教共体', 'roster.required', {}],
    ]);
    const byCoordinator = await dryRun(await p.signIn('coord.shiyan'), await accountsFile([{ 用户名: 'coord.ok', 角色: '协调员', 教共体: SHIYAN }]));
    expect(byCoordinator.errors.map((e) => [e.row, e.column, e.code])).toEqual([[3, '角色', 'roster.admin_only']]);
  });

  it('a new coordinator gets a one-time sign-in code, signs in coordinating the communities named; a changed list updates them (audited), the same file changes nothing', async () => {
    const file = await accountsFile([{ 用户名: 'coord.county', 角色: '协调员', 教共体: `${SHIYAN};${XIANGYANG}`, 显示名称: '县教共体协调员' }]);
    const preview = await dryRun(admin, file);
    expect(preview.changes).toEqual([
      {
        sheet: 'accounts', row: 3, action: 'create', key: 'coord.county',
        fields: [{ field: 'username', before: null, after: 'coord.county' }, { field: 'role', before: null, after: 'coordinator' }, { field: 'displayName', before: null, after: '县教共体协调员' }, { field: 'communities', before: null, after: [SHIYAN, XIANGYANG].sort().join(';') }],
      },
    ]);
    const res = await importFile(admin, file, { dryRun: false, fingerprint: preview.fingerprint });
    if (!res.ok) throw new Error(res.error.message);
    expect(res.data.credentials?.accounts).toBe(1);
    expect(await linksOf('coord.county')).toEqual([SHIYAN, XIANGYANG].sort());
    const sheet = await admin.call(api.rosterCredentials, { params: { importId: res.data.importId! }, body: { key: res.data.credentials!.key, format: 'html' } });
    const html = await (sheet.ok ? (sheet.data as Blob) : new Blob()).text();
    const [, codeOnSheet] = /<code>([0-9a-f]{32})<\/code>/.exec(html)!;
    expect((await p.anonymous()(api.activateAccount, { body: { code: codeOnSheet!, password: 'coordinator-first-password' } })).ok).toBe(true);
    const coord = await p.signIn('coord.county', 'coordinator-first-password');
    expect(coord.me.account).toMatchObject({ role: 'coordinator', displayName: '县教共体协调员' });
    expect(coord.me.account.communityIds).toHaveLength(2);

    const [{ last }] = (await db().select({ last: sql<number>`coalesce(max(${auditLog.id}), 0)` }).from(auditLog)) as [{ last: number }];
    const changed = await accountsFile([{ 用户名: 'coord.county', 角色: '协调员', 教共体: XIANGYANG, 显示名称: '县教共体协调员' }]);
    const again = await dryRun(admin, changed);
    expect(again.changes).toEqual([{ sheet: 'accounts', row: 3, action: 'update', key: 'coord.county', fields: [{ field: 'communities', before: [SHIYAN, XIANGYANG].sort().join(';'), after: XIANGYANG }] }]);
    const committed = await importFile(admin, changed, { dryRun: false, fingerprint: again.fingerprint });
    expect(committed.ok && committed.data.credentials).toBeNull();
    expect(await linksOf('coord.county')).toEqual([XIANGYANG]);
    const trail = await db().select().from(auditLog).where(and(sql`${auditLog.id} > ${last}`, eq(auditLog.tableName, 'account_communities')));
    expect(trail.map((t) => [t.op, t.actorAccountId])).toEqual([['delete', admin.me.account.id]]);
    const same = await dryRun(admin, changed);
    expect([same.changes, same.summary.accounts]).toEqual([[], { create: 0, update: 0, unchanged: 1 }]);
  });
});
