import { and, inArray } from 'drizzle-orm';
import type { RosterChange } from '../../shared/schemas/roster.ts';
import type { Db } from '../db/client.ts';
import { schoolResources } from '../db/schema/index.ts';
import { loadYears, pickYear } from '../quotas/years.ts';
import type { RosterRow } from './read.ts';

/**
 * The 资源指标 sheet (C-ROSTER-RESOURCES): per school and academic year, the figures of the
 * balance assessment the platform cannot count itself, and any the county sets over the
 * platform's count. Matched by (学校标识码, 学年); a column present is the truth (an empty cell:
 * not entered, the platform's count is used where it has one), a column left out keeps the figure.
 */

export const RESOURCE_FIGURES = [
  { key: 'pupils', whole: true, max: 100_000 },
  { key: 'teachersAboveQualification', whole: true, max: 100_000 },
  { key: 'backboneTeachers', whole: true, max: 100_000 },
  { key: 'peArtsTeachers', whole: true, max: 100_000 },
  { key: 'teachingFloorArea', whole: false, max: 1e9 },
  { key: 'sportsGroundArea', whole: false, max: 1e9 },
  { key: 'equipmentValue', whole: false, max: 1e11 },
  { key: 'multimediaClassrooms', whole: true, max: 100_000 },
] as const;
type FigureKey = (typeof RESOURCE_FIGURES)[number]['key'];
export type ResourceFigures = Partial<Record<FigureKey, number | null>>;

export interface PlannedResources {
  readonly schoolId: string;
  readonly academicYear: string;
  /** Only the figures that change. */
  readonly set: ResourceFigures;
}

export interface ResourcesContext {
  readonly db: Db;
  readonly isAdmin: boolean;
  readonly today: string;
  readonly countySchoolIds: readonly string[];
  /** The county's school a row names by its 学校标识码 (reported when it is not one). */
  schoolOf(r: RosterRow): { id: string } | null;
  fail(r: RosterRow, column: string | null, code: string, params: Record<string, string | number>, message: string): void;
  duplicate(r: RosterRow, column: string, key: string): boolean;
  record(r: RosterRow, key: string, existed: boolean, fields: RosterChange['fields']): void;
  /** The pupils the 学校 sheet sets: school → its row, for that sheet's academic year. */
  readonly pupilsFromSchools: { readonly academicYear: string | null; readonly rows: ReadonlyMap<string, number> };
}

const YEAR = /^\d{4}-\d{4}$/;
/** Whole numbers, or decimals of at most two places (what the database keeps: a longer one would never compare equal on re-import). */
const WHOLE = /^[0-9]+$/;
const DECIMAL = /^[0-9]+(\.[0-9]{1,2})?$/;
const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;

export async function planResources(ctx: ResourcesContext, rows: readonly RosterRow[]): Promise<PlannedResources[]> {
  if (!rows.length) return [];
  const years = await loadYears(ctx.db);
  const labels = years.map((y) => y.label).sort();
  const current = years.length ? pickYear(years, ctx.today).label : null;
  const allowed = labels.filter((l) => current !== null && l <= current);
  const existing = ctx.countySchoolIds.length
    ? await ctx.db.select().from(schoolResources).where(and(inArray(schoolResources.schoolId, [...ctx.countySchoolIds]), inArray(schoolResources.academicYear, allowed.length ? allowed : [''])))
    : [];
  const out: PlannedResources[] = [];
  for (const r of rows) {
    const v = r.values;
    let bad = false;
    const fail: ResourcesContext['fail'] = (...args) => {
      bad = true;
      ctx.fail(...args);
    };
    const school = ctx.schoolOf(r);
    if (!school) bad = true;
    const year = v['year'] ?? '';
    if (!year) fail(r, 'year', 'roster.required', {}, 'required');
    else if (!YEAR.test(year) || !allowed.includes(year)) {
      fail(r, 'year', 'roster.year', { value: year, from: allowed[0] ?? '', to: current ?? '' }, `not an academic year of the platform from ${allowed[0] ?? '—'} to ${current ?? '—'}`);
    }
    const next: ResourceFigures = {};
    for (const f of RESOURCE_FIGURES) {
      const text = v[f.key];
      if (text === undefined) continue;
      if (text === '') {
        next[f.key] = null;
        continue;
      }
      const n = Number(text);
      if (!NUMBER.test(text)) fail(r, f.key, 'roster.number', { value: text, max: f.max }, 'not a number');
      else if (n < 0) fail(r, f.key, 'roster.negative', { value: text }, 'must not be negative');
      else if (f.whole && !WHOLE.test(text)) fail(r, f.key, 'roster.whole', { value: text }, 'a whole number');
      else if (!DECIMAL.test(text)) fail(r, f.key, 'roster.decimals', { value: text }, 'at most two decimal places');
      else if (n > f.max) fail(r, f.key, 'roster.number', { value: text, max: f.max }, `at most ${f.max}`);
      else next[f.key] = n;
    }
    if (bad || !school) continue;
    if (ctx.duplicate(r, 'year', `${v['schoolCode']}/${year}`)) continue;
    const fromSchools = ctx.pupilsFromSchools.academicYear === year ? ctx.pupilsFromSchools.rows.get(school.id) : undefined;
    if (fromSchools !== undefined && next.pupils !== undefined) {
      ctx.fail(r, 'pupils', 'roster.pupils_twice', { row: fromSchools }, `在校生数 is already given on row ${fromSchools} of the 学校 sheet`);
      continue;
    }
    const row = existing.find((x) => x.schoolId === school.id && x.academicYear === year);
    const fields: RosterChange['fields'] = [];
    for (const [key, value] of Object.entries(next) as [FigureKey, number | null][]) {
      const was = row ? row[key] : null;
      if (was !== value) fields.push({ field: key, before: was === null ? null : String(was), after: value === null ? null : String(value) });
    }
    if (fields.length && !ctx.isAdmin) {
      ctx.fail(r, null, 'roster.admin_only', {}, 'the county\'s figures are entered by an administrator');
      continue;
    }
    if (fields.length) out.push({ schoolId: school.id, academicYear: year, set: Object.fromEntries(fields.map((f) => [f.field, next[f.field as FigureKey]])) });
    // Nothing entered for a school and year without figures is no change either.
    ctx.record(r, `${v['schoolCode']}/${year}`, !!row || !fields.length, fields);
  }
  return out;
}
