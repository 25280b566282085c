import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { demoDirectory, type DemoDirectory } from '../support/schedule.ts';

let p: TestPlatform;
let dir: DemoDirectory;
let coord: SignedInClient;
let communityId: string;

beforeAll(async () => {
  p = await startTestPlatform();
  dir = await demoDirectory(p.database.db);
  coord = await p.signIn('coord.shiyan');
  communityId = dir.community('实验小学教育共同体');
});
afterAll(() => p?.close());

const HEADER = ['类型', '标题', '主题', '学科', '模式', '日期', '开始时间', '结束时间', '授课/主持教师', '主讲教室', '参与教室', '受邀教师', '每周重复至', '重复次数', '强制安排理由'];
const lesson = (title: string, date: string, start: string, end: string, extra: Partial<Record<string, string>> = {}) => {
  const row: Record<string, string> = {
    类型: '同步课堂', 标题: title, 主题: '', 学科: '数学', 模式: '互动', 日期: date, 开始时间: start, 结束时间: end,
    '授课/主持教师': '王丽华', 主讲教室: '海盐县实验小学/同步课堂录播教室', 参与教室: '海盐县澉浦小学/三年级(1)班', ...extra,
  };
  return HEADER.map((h) => row[h] ?? '');
};
const csv = (rows: string[][]) => [HEADER, ...rows].map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n');
const csvFile = (text: string) => Object.assign(new Blob([text], { type: 'text/csv' }), { name: 'plan.csv' });

async function count(from = '2027-02-01T00:00:00Z', to = '2027-08-01T00:00:00Z') {
  const res = await coord.call(api.listSessions, { query: { from, to, communityId } });
  return res.ok ? res.data.length : -1;
}

describe('bulk import', () => {
  it('serves the template: Chinese headers, English explanations, as XLSX and CSV', async () => {
    const xlsx = await coord.call(api.importTemplate, { query: { format: 'xlsx' } });
    expect(xlsx.ok).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await (xlsx.ok ? (xlsx.data as Blob) : new Blob()).arrayBuffer()) as ExcelJS.Buffer);
    const sheet = wb.getWorksheet('排课计划')!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(HEADER);
    expect(String(sheet.getRow(2).getCell(1).value)).toMatch(/^# Kind/);
    expect(wb.getWorksheet('Explanations')?.getRow(2).getCell(2).value).toContain('synchronized lesson');
    const csvTemplate = await coord.call(api.importTemplate, { query: { format: 'csv' } });
    const text = await (csvTemplate.ok ? (csvTemplate.data as Blob) : new Blob()).text();
    expect(text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(HEADER.join(','));
  });

  it('a dry run lists every row error and writes nothing', async () => {
    const file = csvFile(
      csv([
        lesson('好的一行', '2027-03-02', '09:00', '09:40', { 每周重复至: '2027-04-13' }),
        lesson('未知教师', '2027-03-03', '09:00', '09:40', { '授课/主持教师': '不存在的老师' }),
        lesson('日期错', '2027/03/04', '9点', '09:40'),
        lesson('清明节', '2027-04-05', '09:00', '09:40'),
        lesson('和第一行撞车', '2027-03-09', '09:20', '10:00', { 主讲教室: '海盐县实验小学/三年级(1)班', 参与教室: '海盐县六里小学/四年级(2)班' }),
      ]),
    );
    const before = await count();
    const res = await coord.call(api.importSchedule, { params: { communityId }, body: { dryRun: true }, file });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    if (!res.ok) return;
    expect(res.data).toMatchObject({ dryRun: true, rows: 5, committed: false });
    const byRow = (row: number) => res.data.errors.filter((e) => e.row === row);
    expect(byRow(2)).toEqual([]);
    expect(byRow(3)).toEqual([expect.objectContaining({ column: '授课/主持教师', message: expect.stringContaining('不存在的老师') })]);
    expect(byRow(4).map((e) => e.column).sort()).toEqual(['开始时间', '日期']);
    expect(byRow(5)).toEqual([expect.objectContaining({ column: '日期', message: expect.stringContaining('清明节') })]);
    expect(byRow(6)[0]).toMatchObject({ conflict: { kind: 'teacher_busy', title: '好的一行' } });
    expect(await count()).toBe(before);
  });

  it('a real import with one bad row writes nothing at all', async () => {
    const before = await count();
    const file = csvFile(csv([lesson('第一行', '2027-03-16', '10:00', '10:40'), lesson('坏行', '2027-03-17', '10:00', '10:40', { 学科: '炼金术' })]));
    const res = await coord.call(api.importSchedule, { params: { communityId }, body: { dryRun: false }, file });
    expect(res.ok && res.data).toMatchObject({ committed: false, sessions: 0, errors: [expect.objectContaining({ row: 3, column: '学科' })] });
    expect(await count()).toBe(before);
  });

  it('a clean XLSX imports every row in one go, series included, holidays skipped', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('排课计划');
    sheet.addRow(HEADER);
    sheet.addRow(['# Kind', 'Title']);
    sheet.addRow(lesson('每周二数学', '2027-03-30', '09:00', '09:40', { 每周重复至: '2027-04-20' }));
    // Dates and times as Excel stores them (a date cell, a time fraction of a day).
    const research = ['网络研修', '集体备课', '', '', '', '', '', '', '王丽华', '', '', '海盐县澉浦小学/张伟;周敏', '', '2', ''];
    const row = sheet.addRow(research);
    row.getCell(6).value = new Date(Date.UTC(2027, 2, 31));
    row.getCell(7).value = 15.5 / 24;
    row.getCell(8).value = 16.5 / 24;
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const file = Object.assign(new Blob([bytes], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), { name: 'plan.xlsx' });
    const before = await count();
    const res = await coord.call(api.importSchedule, { params: { communityId }, body: { dryRun: false }, file });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    if (!res.ok) return;
    // 30 Mar, 6 Apr, 13 Apr, 20 Apr (清明 3–5 Apr is a Saturday–Monday) + research on 31 Mar and 7 Apr.
    expect(res.data).toMatchObject({ committed: true, rows: 2, sessions: 6, errors: [] });
    expect(await count()).toBe(before + 6);
    const list = await coord.call(api.listSessions, { query: { from: '2027-03-31T00:00:00+08:00', to: '2027-04-01T00:00:00+08:00', communityId, kind: 'online_research' } });
    expect(list.ok && list.data[0]).toMatchObject({ title: '集体备课', startsAt: '2027-03-31T07:30:00.000Z', endsAt: '2027-03-31T08:30:00.000Z' });
    expect(list.ok && list.data[0]!.teachers.map((t) => t.name).sort()).toEqual(['周敏', '张伟', '王丽华'].sort());
  });

  it('impossible dates and times are refused, naming row and cell, never rolled over (31 February, month 13, 25:00)', async () => {
    const file = csvFile(
      csv([
        lesson('二月三十一日', '2027-02-31', '09:00', '09:40'),
        lesson('第十三个月', '2027-13-01', '09:00', '09:40'),
        lesson('二十五点', '2027-03-03', '25:00', '09:40'),
        lesson('六十分', '2027-03-03', '09:00', '09:60'),
        lesson('重复至不存在的日期', '2027-03-03', '09:00', '09:40', { 每周重复至: '2027-04-31' }),
        lesson('闰日之外', '2027-02-29', '09:00', '09:40'),
      ]),
    );
    const before = await count();
    const res = await coord.call(api.importSchedule, { params: { communityId }, body: { dryRun: false }, file });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    if (!res.ok) return;
    expect(res.data).toMatchObject({ committed: false, sessions: 0 });
    const cells = res.data.errors.map((e) => [e.row, e.column]);
    expect(cells).toEqual([[2, '日期'], [3, '日期'], [4, '开始时间'], [5, '结束时间'], [6, '每周重复至'], [7, '日期']]);
    expect(await count('2027-02-01T00:00:00Z', '2027-08-01T00:00:00Z')).toBe(before);
  });

  it('only the community\'s coordinators import', async () => {
    const file = csvFile(csv([lesson('x', '2027-03-23', '11:00', '11:40')]));
    expect((await (await p.signIn('teacher.wang')).call(api.importSchedule, { params: { communityId }, body: { dryRun: true }, file })).status).toBe(403);
    expect((await (await p.signIn('coord.junior')).call(api.importSchedule, { params: { communityId }, body: { dryRun: true }, file })).status).toBe(404);
  });
});
