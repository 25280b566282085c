/**
 * X-CSV-FORMULA: text a user typed never reaches a spreadsheet as a formula. Excel and
 * LibreOffice evaluate a cell that begins with = + - @ (and, after a tab or carriage
 * return, whatever follows), so an exported title like `=HYPERLINK(...)` would run in the
 * auditor's spreadsheet. Such text is written with a leading apostrophe, which spreadsheets
 * read as "this is text"; numbers stay numbers.
 */
export type SpreadsheetValue = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function spreadsheetText(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** A cell for an XLSX row (exceljs): neutralised text, numbers as they are, empty for null. */
export function spreadsheetCell(value: SpreadsheetValue): string | number {
  if (value === null || value === undefined) return '';
  return typeof value === 'number' ? value : spreadsheetText(value);
}

/** A cell of an RFC 4180 CSV line: neutralised, then quoted when it holds a quote, comma or line break. */
export function csvCell(value: SpreadsheetValue): string {
  const s = typeof value === 'number' ? String(value) : spreadsheetText(value ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole CSV file: a BOM (so Excel reads UTF-8), CRLF lines. */
export function csvFile(rows: readonly (readonly SpreadsheetValue[])[]): Buffer {
  return Buffer.from('\ufeff' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n', 'utf8');
}
