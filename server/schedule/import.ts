import ExcelJS from 'exceljs';
import { z } from 'zod';
import { eq, inArray } from 'drizzle-orm';
import type { ImportResult } from '../../shared/schemas/schedule.ts';
import { SessionCreate } from '../../shared/schemas/schedule.ts';
import type { ConflictDetail, FieldError } from '../../shared/schemas/errors.ts';
import { fromZoned, parseLocalDate, parseLocalTime } from '../../shared/schedule/time.ts';
import type { Actor } from '../accounts/actor.ts';
import { requireCommunity } from '../accounts/scope.ts';
import type { Db } from '../db/client.ts';
import { classrooms, communityMemberships, schools, subjects, teachers } from '../db/schema/index.ts';
import { ConflictError, HttpError, ValidationError } from '../http/errors.ts';
import { fieldErrorOf } from '../http/fieldIssue.ts';
import type { UploadedFile } from '../http/route.ts';
import { csvFile } from '../http/spreadsheetCell.ts';
import { addExplanationsSheet, addTemplateSheet, decodeText, isXlsx, loadWorkbook, parseCsv, sheetGrid, XLSX_TYPE } from '../http/spreadsheetRead.ts';
import { insertPlanned, planDraft } from './sessions.ts';

/** zod's English wording for the row errors' messages; the client words them from code and parameters. */
const enLocaleError = z.locales.en().localeError;

/**
 * Bulk import of a term's plan from CSV or XLSX. Columns have Chinese headers (what
 * coordinators write); the template explains each in English too. Every row is
 * checked (names resolved in the community, times, the academic calendar, clashes
 * with what exists and with earlier rows); a dry run reports and writes nothing, a
 * real import writes every row in one transaction or none at all.
 */
export const COLUMNS = [
  { key: 'kind', zh: '类型', en: 'Kind: 同步课堂 (synchronized lesson) or 网络研修 (online research)', example: '同步课堂' },
  { key: 'title', zh: '标题', en: 'Title', example: '分数的初步认识' },
  { key: 'topic', zh: '主题', en: 'Topic (optional)', example: '三年级数学 第八单元' },
  { key: 'subject', zh: '学科', en: 'Subject, by Chinese name or code (数学 / math); required for lessons', example: '数学' },
  { key: 'mode', zh: '模式', en: 'Lessons: 互动 (interactive mixed), 专递 (dedicated delivery) or 名师 (master-teacher broadcast)', example: '互动' },
  { key: 'date', zh: '日期', en: 'Date of the (first) session, YYYY-MM-DD', example: '2027-03-02' },
  { key: 'start', zh: '开始时间', en: 'Start time HH:MM, local time of the host school', example: '09:00' },
  { key: 'end', zh: '结束时间', en: 'End time HH:MM', example: '09:40' },
  { key: 'host', zh: '授课/主持教师', en: 'Teacher who teaches or hosts: name, or 学校/姓名 (school/name) when names repeat', example: '王丽华' },
  { key: 'hostRoom', zh: '主讲教室', en: 'Lessons: classroom taught from, 学校/教室 (school/classroom)', example: '海盐县实验小学/同步课堂录播教室' },
  { key: 'rooms', zh: '参与教室', en: 'Lessons: member-school classrooms taking part, 学校/教室, separated by ;', example: '海盐县澉浦小学/三年级(1)班;海盐县六里小学/四年级(2)班' },
  { key: 'invited', zh: '受邀教师', en: 'Research: invited teachers (name or 学校/姓名), separated by ;', example: '' },
  { key: 'until', zh: '每周重复至', en: 'Optional: repeat weekly until this date (YYYY-MM-DD); holidays are skipped', example: '2027-06-29' },
  { key: 'count', zh: '重复次数', en: 'Optional: or repeat weekly this many times', example: '' },
  { key: 'override', zh: '强制安排理由', en: 'Optional: reason to plan on a holiday, outside the terms or in the past (coordinators)', example: '' },
] as const;
type ColumnKey = (typeof COLUMNS)[number]['key'];
type RawRow = { row: number; values: Partial<Record<ColumnKey, string>> };

// ---- the template ----

export async function importTemplate(format: 'xlsx' | 'csv') {
  if (format === 'csv') {
    const bytes = csvFile([COLUMNS.map((c) => c.zh), COLUMNS.map((c, i) => (i === 0 ? `# ${c.en}` : c.en))]);
    return { contentType: 'text/csv; charset=utf-8', filename: '排课导入模板.csv', bytes };
  }
  const wb = new ExcelJS.Workbook();
  wb.creator = 'tongbu';
  addTemplateSheet(wb, '排课计划', COLUMNS);
  addExplanationsSheet(wb, [{ columns: COLUMNS }], ['Rows whose first cell starts with # are ignored. Dates YYYY-MM-DD, times HH:MM (24 h). One row per session or weekly series.']);
  return { contentType: XLSX_TYPE, filename: '排课导入模板.xlsx', bytes: Buffer.from(await wb.xlsx.writeBuffer()) };
}

// ---- reading files ----

async function readGrid(file: UploadedFile): Promise<string[][]> {
  if (!isXlsx(file.bytes)) return parseCsv(decodeText(file.bytes));
  const wb = await loadWorkbook(file.bytes);
  const sheet = wb.getWorksheet('排课计划') ?? wb.worksheets[0];
  if (!sheet) throw ValidationError.field('file', 'the workbook has no sheet', 'empty');
  return sheetGrid(sheet, COLUMNS.length + 5);
}

function toRows(grid: string[][]): RawRow[] {
  const header = (grid[0] ?? []).map((h) => h.trim().replace(/^\uFEFF/, ''));
  const index = new Map<ColumnKey, number>();
  const missing: string[] = [];
  for (const c of COLUMNS) {
    const i = header.indexOf(c.zh);
    if (i >= 0) index.set(c.key, i);
    else if (['kind', 'title', 'date', 'start', 'end', 'host'].includes(c.key)) missing.push(c.zh);
  }
  if (missing.length) throw ValidationError.field('file', `missing columns: ${missing.join(', ')} (download the template)`, 'columns');
  const rows: RawRow[] = [];
  grid.slice(1).forEach((cells, i) => {
    if (cells.every((c) => !c || !c.trim()) || (cells[0] ?? '').trim().startsWith('#')) return;
    const values: Partial<Record<ColumnKey, string>> = {};
    for (const [key, at] of index) values[key] = (cells[at] ?? '').trim();
    rows.push({ row: i + 2, values });
  });
  return rows;
}

// ---- names in the community ----

const KINDS: Record<string, 'sync_lesson' | 'online_research'> = { 同步课堂: 'sync_lesson', sync_lesson: 'sync_lesson', lesson: 'sync_lesson', 网络研修: 'online_research', online_research: 'online_research', research: 'online_research' };
const MODES: Record<string, 'interactive' | 'dedicated' | 'master'> = {
  互动: 'interactive', 同步互动混合课堂: 'interactive', 混合: 'interactive', interactive: 'interactive',
  专递: 'dedicated', 专递课堂: 'dedicated', 同步互动专递课堂: 'dedicated', dedicated: 'dedicated',
  名师: 'master', 名师课堂: 'master', master: 'master',
};
const COLUMN_OF_FIELD: Record<string, ColumnKey> = {
  kind: 'kind', title: 'title', topic: 'topic', subjectCode: 'subject', mode: 'mode', startsAt: 'start', endsAt: 'end',
  hostTeacherId: 'host', hostClassroomId: 'hostRoom', memberClassroomIds: 'rooms', invitedTeacherIds: 'invited', recurrence: 'until', override: 'override',
};
const zhOf = (key: ColumnKey) => COLUMNS.find((c) => c.key === key)!.zh;

async function directory(db: Db, communityId: string) {
  const schoolRows = await db
    .selectDistinct({ id: schools.id, name: schools.name, timeZone: schools.timeZone })
    .from(communityMemberships)
    .innerJoin(schools, eq(schools.id, communityMemberships.schoolId))
    .where(eq(communityMemberships.communityId, communityId));
  const schoolIds = schoolRows.map((s) => s.id);
  const [ts, cs, subs] = await Promise.all([
    schoolIds.length ? db.select().from(teachers).where(inArray(teachers.schoolId, schoolIds)) : [],
    schoolIds.length ? db.select().from(classrooms).where(inArray(classrooms.schoolId, schoolIds)) : [],
    db.select().from(subjects),
  ]);
  const schoolName = new Map(schoolRows.map((s) => [s.id, s.name]));
  const lookup = <T extends { id: string; name: string; schoolId: string }>(list: T[], what: string, allowBare: boolean) => (text: string): string => {
    const [a, b] = text.includes('/') ? text.split('/').map((x) => x.trim()) : [null, text.trim()];
    const found = list.filter((x) => x.name === b && (a === null || schoolName.get(x.schoolId) === a));
    if (found.length === 1) return found[0]!.id;
    if (found.length > 1 || (a === null && !allowBare)) throw new Error(found.length > 1 ? `"${text}" names several ${what}s; write 学校/${what === 'teacher' ? '姓名' : '教室'}` : `write ${what} as 学校/教室`);
    throw new Error(`no ${what} "${text}" in this community`);
  };
  return {
    teacher: lookup(ts, 'teacher', true),
    classroom: lookup(cs, 'classroom', true),
    subject: (text: string) => {
      const s = subs.find((x) => x.code === text || x.nameZh === text || x.nameEn.toLowerCase() === text.toLowerCase());
      if (!s) throw new Error(`unknown subject "${text}"`);
      return s.code;
    },
    zoneOfTeacher: (teacherId: string) => schoolRows.find((s) => s.id === ts.find((t) => t.id === teacherId)?.schoolId)?.timeZone ?? 'Asia/Shanghai',
  };
}

class Rollback extends Error {}

export async function importSchedule(db: Db, actor: Actor, communityId: string, dryRun: boolean, file: UploadedFile | null, now = new Date()): Promise<ImportResult> {
  await requireCommunity(db, actor, communityId, 'manage');
  if (!file) throw ValidationError.field('file', 'attach the filled-in template (XLSX or CSV)', 'required');
  const rows = toRows(await readGrid(file));
  if (rows.length === 0) throw ValidationError.field('file', 'no rows to import', 'empty');
  if (rows.length > 2000) throw ValidationError.field('file', 'at most 2000 rows at a time', 'too_big');
  const names = await directory(db, communityId);
  const errors: ImportResult['errors'] = [];
  const rowError = (row: number, column: ColumnKey | null, message: string, conflict?: ConflictDetail, check?: FieldError) =>
    errors.push({ row, column: column ? zhOf(column) : null, message, ...(conflict ? { conflict } : {}), ...(check?.params ? { code: check.code, params: check.params } : {}) });
  let created = 0;

  try {
    await db.transaction(async (tx) => {
      const txDb = tx as unknown as Db;
      for (const { row, values: v } of rows) {
        // Names → ids; every unresolvable cell of the row is reported.
        const resolved: Record<string, unknown> = {};
        const resolve = (key: ColumnKey, fn: () => unknown) => {
          try {
            return fn();
          } catch (err) {
            rowError(row, key, (err as Error).message);
            return undefined;
          }
        };
        const before = errors.length;
        const kind = resolve('kind', () => KINDS[v.kind ?? ''] ?? (() => { throw new Error('write 同步课堂 or 网络研修'); })());
        const host = resolve('host', () => names.teacher(v.host ?? ''));
        resolved.subjectCode = v.subject ? resolve('subject', () => names.subject(v.subject!)) : null;
        resolved.mode = v.mode ? resolve('mode', () => MODES[v.mode!] ?? (() => { throw new Error('write 互动, 专递 or 名师'); })()) : null;
        resolved.hostClassroomId = v.hostRoom ? resolve('hostRoom', () => names.classroom(v.hostRoom!)) : null;
        const split = (s: string | undefined) => (s ?? '').split(/[;；、\n]/).map((x) => x.trim()).filter(Boolean);
        resolved.memberClassroomIds = split(v.rooms).map((r) => resolve('rooms', () => names.classroom(r)));
        resolved.invitedTeacherIds = split(v.invited).map((t) => resolve('invited', () => names.teacher(t)));
        // Impossible dates and times are refused, never rolled over (31 February is not 3 March).
        const date = parseLocalDate(v.date ?? '');
        const start = parseLocalTime(v.start ?? '');
        const end = parseLocalTime(v.end ?? '');
        if (!date) rowError(row, 'date', 'write an existing date as YYYY-MM-DD');
        if (!start) rowError(row, 'start', 'write an existing time as HH:MM (00:00–23:59)');
        if (!end) rowError(row, 'end', 'write an existing time as HH:MM (00:00–23:59)');
        if (v.until && !parseLocalDate(v.until)) rowError(row, 'until', 'write an existing date as YYYY-MM-DD');
        if (v.count && !/^\d+$/.test(v.count)) rowError(row, 'count', 'a whole number');
        if (errors.length > before) continue;

        const tz = names.zoneOfTeacher(host as string);
        const draftInput = {
          communityId,
          kind,
          title: v.title ?? '',
          topic: v.topic ?? '',
          ...resolved,
          startsAt: fromZoned(date!, start!, tz).toISOString(),
          endsAt: fromZoned(date!, end!, tz).toISOString(),
          timeZone: tz,
          hostTeacherId: host,
          recurrence: v.until || v.count ? { intervalWeeks: 1, ...(v.until ? { until: parseLocalDate(v.until)! } : {}), ...(v.count ? { count: Number(v.count) } : {}) } : null,
          override: v.override ? { reason: v.override } : null,
        };
        const parsed = SessionCreate.safeParse(draftInput, { error: enLocaleError, reportInput: true });
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            const check = fieldErrorOf(issue, String(issue.path[0] ?? ''), enLocaleError);
            rowError(row, COLUMN_OF_FIELD[String(issue.path[0])] ?? null, issue.message, undefined, check);
          }
          continue;
        }
        const d = parsed.data;
        if (d.override && actor.role !== 'admin' && actor.role !== 'coordinator') {
          rowError(row, 'override', 'only a coordinator may plan outside the terms, on a holiday or in the past');
          continue;
        }
        try {
          const plan = await planDraft(txDb, actor, d, '', now);
          if (plan.occurrences.length === 0) {
            rowError(row, 'until', 'every date falls on a holiday or outside the terms');
            continue;
          }
          const issue = plan.calendarIssues[0];
          if (issue && !d.override) {
            rowError(row, 'date', `${issue.description}（可在"强制安排理由"列填写理由）`);
            continue;
          }
          const ids = await insertPlanned(txDb, actor, { ...d, override: issue ? d.override : null }, plan, 'import');
          created += ids.length;
        } catch (err) {
          if (err instanceof ValidationError) for (const f of err.fields) rowError(row, COLUMN_OF_FIELD[f.field.split('.')[0]!] ?? null, f.message);
          else if (err instanceof ConflictError) rowError(row, 'date', err.message, err.conflict);
          else if (err instanceof HttpError) rowError(row, null, err.message);
          else throw err;
        }
      }
      if (dryRun || errors.length) throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  const committed = !dryRun && errors.length === 0;
  return { dryRun, rows: rows.length, sessions: errors.length && !dryRun ? 0 : created, errors, committed };
}
