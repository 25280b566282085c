import ExcelJS from 'exceljs';
import { ValidationError } from './errors.ts';
import { spreadsheetCell } from './spreadsheetCell.ts';

/**
 * Reading what people upload as spreadsheets (the term-plan import, the county roster):
 * XLSX (exceljs) or CSV in UTF-8 with or without a BOM, else GB18030 — what Excel on a
 * Chinese Windows saves. The writing side (formula-injection guard) is spreadsheetCell.ts.
 */

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** RFC 4180 CSV (quotes, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** UTF-8 (with or without BOM), else GB18030 (a superset of GBK). */
export function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A cell as text: dates YYYY-MM-DD, times of day HH:MM, formulas by their result, rich text joined. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // Excel keeps times as a fraction of a day since 1899-12-30; exceljs gives them as such dates.
    if (value.getUTCFullYear() <= 1900) return `${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}`;
    return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
  }
  if (typeof value === 'number') {
    if (value > 0 && value < 1) {
      const minutes = Math.round(value * 24 * 60);
      return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
    }
    return String(value);
  }
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
  }
  return String(value);
}

/** Whether the bytes are a ZIP container (XLSX) rather than text (CSV). */
export const isXlsx = (bytes: Buffer) => bytes.subarray(0, 2).toString('latin1') === 'PK';

/** An uploaded XLSX workbook; a 400 naming `field` when it cannot be read. */
export async function loadWorkbook(bytes: Buffer, field = 'file'): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch {
    throw ValidationError.field(field, 'not a readable XLSX workbook', 'unreadable');
  }
  return wb;
}

/** A worksheet's cells as trimmed text, row by row (row n of the sheet at index n − 1). */
export function sheetGrid(sheet: ExcelJS.Worksheet, columns: number): string[][] {
  const grid: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    for (let c = 1; c <= columns; c++) cells.push(cellText(row.getCell(c).value).trim());
    grid[n - 1] = cells;
  });
  return Array.from(grid, (r) => r ?? []);
}

/** A template column: its Chinese header (what people write), English explanation and an example. */
export interface TemplateColumn {
  readonly zh: string;
  readonly en: string;
  readonly example: string;
}

/**
 * A template sheet: Chinese headers, then an English explanation row whose first cell starts
 * with `#` (importers skip such rows), frozen under both.
 */
export function addTemplateSheet(wb: ExcelJS.Workbook, name: string, columns: readonly TemplateColumn[], examples: readonly (readonly string[])[] = []): ExcelJS.Worksheet {
  const sheet = wb.addWorksheet(name);
  sheet.addRow(columns.map((c) => spreadsheetCell(c.zh))).font = { bold: true };
  const note = sheet.addRow(columns.map((c, i) => spreadsheetCell(i === 0 ? `# ${c.en}` : c.en)));
  note.font = { italic: true, color: { argb: 'FF666666' } };
  for (const row of examples) sheet.addRow(row.map(spreadsheetCell));
  sheet.columns.forEach((col) => (col.width = 22));
  sheet.views = [{ state: 'frozen', ySplit: 2 }];
  return sheet;
}

/** The explanations sheet: every column of every sheet with its meaning and an example, then notes. */
export function addExplanationsSheet(wb: ExcelJS.Workbook, groups: readonly { sheet?: string; columns: readonly TemplateColumn[] }[], notes: readonly string[]): void {
  const help = wb.addWorksheet('Explanations');
  help.addRow(['列 Column', 'Meaning', '示例 Example']).font = { bold: true };
  for (const g of groups) {
    if (g.sheet) help.addRow([g.sheet]).font = { bold: true };
    for (const c of g.columns) help.addRow([c.zh, c.en, c.example].map(spreadsheetCell));
  }
  help.addRow([]);
  for (const n of notes) help.addRow(['', n]);
  help.columns = [{ width: 18 }, { width: 90 }, { width: 50 }];
}
