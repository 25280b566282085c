import ExcelJS from 'exceljs';
import type { RosterSheet } from '../../shared/schemas/roster.ts';
import { ValidationError } from '../http/errors.ts';
import { csvFile } from '../http/spreadsheetCell.ts';
import { addExplanationsSheet, addTemplateSheet, decodeText, isXlsx, loadWorkbook, parseCsv, sheetGrid, XLSX_TYPE } from '../http/spreadsheetRead.ts';
import { SHEETS, sheetSpec, type SheetSpec } from './columns.ts';

/** One data row of a sheet: its number as the spreadsheet shows it and its cells by column key (absent columns absent). */
export interface RosterRow {
  readonly row: number;
  readonly values: Readonly<Record<string, string>>;
}

export type RosterFile = Partial<Record<RosterSheet, RosterRow[]>>;

const MAX_ROWS = 20_000;

export async function rosterTemplate(format: 'xlsx' | 'csv', sheet: RosterSheet) {
  if (format === 'csv') {
    const spec = sheetSpec(sheet);
    const bytes = csvFile([spec.columns.map((c) => c.zh), spec.columns.map((c, i) => (i === 0 ? `# ${c.en}` : c.en))]);
    return { contentType: 'text/csv; charset=utf-8', filename: `名册导入模板-${spec.zh}.csv`, bytes };
  }
  const wb = new ExcelJS.Workbook();
  wb.creator = 'tongbu';
  for (const spec of SHEETS) addTemplateSheet(wb, spec.zh, spec.columns);
  addExplanationsSheet(
    wb,
    SHEETS.map((s) => ({ sheet: `${s.zh} (${s.key})`, columns: s.columns })),
    [
      'Rows whose first cell starts with # are ignored. Sheets may be left out; CSV: one file per sheet, in the order 学校, 教室, 教师, 账号, 资源指标.',
      'Schools are matched by 学校标识码, teachers by 工号, accounts by 用户名, classrooms by school and name: a changed file updates them, an unchanged one changes nothing.',
      'New accounts get a one-time sign-in code each, handed out once as a printable sheet per school; their owners choose their password with it.',
      '资源指标: the balance assessment\'s figures per school and academic year, matched by 学校标识码 and 学年 (administrators).',
    ],
  );
  return { contentType: XLSX_TYPE, filename: '名册导入模板.xlsx', bytes: Buffer.from(await wb.xlsx.writeBuffer()) };
}

/** Rows of one sheet's grid by its header; a 400 naming the sheet's missing required columns. */
function rowsOf(spec: SheetSpec, grid: string[][]): RosterRow[] {
  const header = (grid[0] ?? []).map((h) => h.trim().replace(/^\uFEFF/, ''));
  const index = new Map<string, number>();
  const missing: string[] = [];
  for (const c of spec.columns) {
    const i = header.indexOf(c.zh);
    if (i >= 0) index.set(c.key, i);
    else if (c.required) missing.push(c.zh);
  }
  if (missing.length) throw ValidationError.field('file', `sheet ${spec.zh}: missing columns ${missing.join(', ')} (download the template)`, 'columns');
  const rows: RosterRow[] = [];
  grid.slice(1).forEach((cells, i) => {
    if (cells.every((c) => !c || !c.trim()) || (cells[0] ?? '').trim().startsWith('#')) return;
    const values: Record<string, string> = {};
    for (const [key, at] of index) values[key] = (cells[at] ?? '').trim();
    rows.push({ row: i + 2, values });
  });
  return rows;
}

/** The sheet a CSV file holds, told by its header. */
function csvSheet(grid: string[][]): SheetSpec {
  const header = new Set((grid[0] ?? []).map((h) => h.trim().replace(/^\uFEFF/, '')));
  // Most specific first: an accounts sheet also has 教室名称, a teachers sheet 学校标识码; only 资源指标 has 学年.
  const order: RosterSheet[] = ['resources', 'accounts', 'teachers', 'classrooms', 'schools'];
  const spec = order.map(sheetSpec).find((s) => s.marker.every((m) => header.has(m)));
  if (!spec) throw ValidationError.field('file', 'not a roster sheet: the header names none of 学校名称, 教室名称, 工号/姓名, 用户名, 学年 (download the template)', 'columns');
  return spec;
}

/** An uploaded roster: an XLSX workbook (sheets 学校, 教室, 教师, 账号, 资源指标, any left out) or one sheet as CSV (UTF-8 or GB18030). */
export async function readRoster(bytes: Buffer): Promise<RosterFile> {
  const out: RosterFile = {};
  if (!isXlsx(bytes)) {
    const grid = parseCsv(decodeText(bytes));
    const spec = csvSheet(grid);
    out[spec.key] = rowsOf(spec, grid);
  } else {
    const wb = await loadWorkbook(bytes);
    for (const spec of SHEETS) {
      const sheet = wb.getWorksheet(spec.zh) ?? wb.getWorksheet(spec.key);
      if (sheet) out[spec.key] = rowsOf(spec, sheetGrid(sheet, spec.columns.length + 5));
    }
    if (!Object.keys(out).length) throw ValidationError.field('file', 'the workbook has none of the sheets 学校, 教室, 教师, 账号, 资源指标 (download the template)', 'columns');
  }
  const total = Object.values(out).reduce((n, rows) => n + rows.length, 0);
  if (total === 0) throw ValidationError.field('file', 'no rows to import', 'empty');
  if (total > MAX_ROWS) throw ValidationError.field('file', `at most ${MAX_ROWS} rows at a time`, 'too_big');
  return out;
}
