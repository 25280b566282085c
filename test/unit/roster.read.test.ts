import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../server/http/errors.ts';
import { readRoster, rosterTemplate } from '../../server/roster/read.ts';
import { gbk, rosterCsv, rosterXlsx } from '../support/roster.ts';

const teacher = { 工号: 'T1', 姓名: '欧阳晓燕', 学校标识码: '3304240001', 任教学科: '音乐' };

describe('roster files', () => {
  it('C-ROSTER-ENCODING: a CSV sheet is told by its header and read in UTF-8, UTF-8 with BOM or GBK alike', async () => {
    const text = rosterCsv('teachers', [teacher]);
    const expected = { teachers: [{ row: 2, values: { staffNo: 'T1', name: '欧阳晓燕', schoolCode: '3304240001', subjects: '音乐', backbone: '', qualification: '' } }] };
    expect(await readRoster(Buffer.from(text, 'utf8'))).toEqual(expected);
    expect(await readRoster(Buffer.from('\ufeff' + text, 'utf8'))).toEqual(expected);
    expect(await readRoster(gbk(text))).toEqual(expected);
    expect(Object.keys(await readRoster(Buffer.from(rosterCsv('accounts', [{ 用户名: 'a.b', 角色: '教师', 教室名称: '' }]))))).toEqual(['accounts']);
    expect(Object.keys(await readRoster(Buffer.from(rosterCsv('classrooms', [{ 学校标识码: '3304240001', 教室名称: '一班' }]))))).toEqual(['classrooms']);
  });

  it('C-ROSTER-DRY-RUN: a sheet without a required column, a file of no roster sheet, or no rows is a 400 on the file', async () => {
    const refusal = (bytes: Buffer) => readRoster(bytes).then(() => null, (err: unknown) => (err instanceof ValidationError ? err.fields[0] : err));
    expect(await refusal(Buffer.from('工号,姓名\r\nT1,王\r\n'))).toMatchObject({ field: 'file', code: 'columns', message: expect.stringContaining('学校标识码') });
    expect(await refusal(Buffer.from('a,b\r\n1,2\r\n'))).toMatchObject({ field: 'file', code: 'columns' });
    expect(await refusal(Buffer.from(rosterCsv('teachers', [])))).toMatchObject({ field: 'file', code: 'empty' });
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').addRow(['x']);
    expect(await refusal(Buffer.from(await wb.xlsx.writeBuffer()))).toMatchObject({ field: 'file', code: 'columns' });
    expect(await refusal(Buffer.from('PK not a zip'))).toMatchObject({ field: 'file', code: 'unreadable' });
  });

  it('the template reads back as an empty roster: explanation rows are skipped, rows keep their spreadsheet numbers', async () => {
    const template = await rosterTemplate('xlsx', 'schools');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(template.bytes as unknown as ExcelJS.Buffer);
    wb.getWorksheet('教师')!.addRow(['T9', '王', '3304240001']);
    const read = await readRoster(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(read).toEqual({ schools: [], classrooms: [], teachers: [{ row: 3, values: expect.objectContaining({ staffNo: 'T9', name: '王' }) }], accounts: [], resources: [] });
    const both = await readRoster(await rosterXlsx({ teachers: [teacher] }));
    expect(both.teachers?.[0]?.row).toBe(3);
  });
});
