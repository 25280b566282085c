import ExcelJS from 'exceljs';
import { SHEETS } from '../../server/roster/columns.ts';
import type { RosterSheet } from '../../shared/schemas/roster.ts';

/** A roster sheet's rows by Chinese header (what a county bureau fills in). */
export type RosterRows = Partial<Record<RosterSheet, Record<string, string>[]>>;

const headersOf = (sheet: RosterSheet) => SHEETS.find((s) => s.key === sheet)!.columns.map((c) => c.zh);

/** The roster as an XLSX workbook with the template's sheets (and its English explanation row). */
export async function rosterXlsx(rows: RosterRows): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const spec of SHEETS) {
    const list = rows[spec.key];
    if (!list) continue;
    const sheet = wb.addWorksheet(spec.zh);
    sheet.addRow(headersOf(spec.key));
    sheet.addRow(['# explanation row']);
    for (const r of list) sheet.addRow(headersOf(spec.key).map((h) => r[h] ?? ''));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** One sheet as CSV text (RFC 4180), header first. */
export function rosterCsv(sheet: RosterSheet, rows: Record<string, string>[]): string {
  const cell = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return [headersOf(sheet), ...rows.map((r) => headersOf(sheet).map((h) => r[h] ?? ''))].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

let gbkTable: Map<string, number[]> | undefined;
/** Text as GBK bytes, what Excel on a Chinese Windows saves (built from the platform's GB18030 decoder: no encoder ships with Node). */
export function gbk(text: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const ch = decoder.decode(Uint8Array.of(lead, trail));
        if (ch.length === 1 && ch !== '\ufffd' && !gbkTable.has(ch)) gbkTable.set(ch, [lead, trail]);
      }
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else {
      const pair = gbkTable.get(ch);
      if (!pair) throw new Error(`${ch} has no GBK encoding`);
      bytes.push(...pair);
    }
  }
  return Buffer.from(bytes);
}

export const fileOf = (bytes: Buffer | string, name: string, type: string) => Object.assign(new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type }), { name });
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
