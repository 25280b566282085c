import { and, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { jiaxingDefaultRules, QuotaRule } from '../../shared/quotas/rules.ts';
import type { QuotaRuleSet, QuotaRuleSetCreate } from '../../shared/schemas/quotas.ts';
import type { Actor } from '../accounts/actor.ts';
import { visibleCountiesWhere } from '../accounts/scope.ts';
import type { Db } from '../db/client.ts';
import { accounts, counties, quotaRuleSets } from '../db/schema/index.ts';
import { ConflictError, ForbiddenError, isPgError, NotFoundError, PgCode } from '../http/errors.ts';

/**
 * Rule sets are versioned per region and academic year. A community is judged by
 * the newest version of the first region that has one, in this order:
 *
 *     county:<county code>  →  city:<city name>  →  province:<province name>  →  default
 *
 * so a province sets its numbers once, a city or county overrides them, and the
 * platform default (Jiaxing's numbers, migration 0010) covers everyone else. A closed
 * year keeps the version it was judged by (stored with its snapshot).
 */
export type RuleSetRow = typeof quotaRuleSets.$inferSelect;

export function regionsOf(county: { code: string; city: string; province: string }): string[] {
  return [`county:${county.code}`, `city:${county.city}`, `province:${county.province}`, 'default'];
}

/** The newest version of each (region) for a year, from rows of that year. */
export function newestByRegion(rows: readonly RuleSetRow[]): Map<string, RuleSetRow> {
  const m = new Map<string, RuleSetRow>();
  for (const r of rows) {
    const cur = m.get(r.region);
    if (!cur || cur.version < r.version) m.set(r.region, r);
  }
  return m;
}

export function pickRuleSet(newest: Map<string, RuleSetRow>, regions: readonly string[]): RuleSetRow | null {
  for (const region of regions) {
    const r = newest.get(region);
    if (r) return r;
  }
  return null;
}

export const rulesOf = (row: RuleSetRow | null): QuotaRule[] => (row ? (row.rules as unknown[]).map((r) => QuotaRule.parse(r)) : []);

export async function ruleSetsOfYear(db: Db, academicYear: string): Promise<RuleSetRow[]> {
  return db.select().from(quotaRuleSets).where(eq(quotaRuleSets.academicYear, academicYear));
}

/** Rule sets of the year and of every earlier year (for the fallback of `pickInForce`). */
export async function ruleSetsUpTo(db: Db, academicYear: string): Promise<RuleSetRow[]> {
  return db.select().from(quotaRuleSets).where(lte(quotaRuleSets.academicYear, academicYear));
}

/**
 * The rule set judging a county's communities in a year: the year's own (region order as
 * above); a year with none of its own falls back to the most recent earlier year that has
 * one — its `academicYear` differs from the year asked for, which the caller shows as such
 * (`fallbackFrom`) until a version for the year is published.
 */
export function pickInForce(rows: readonly RuleSetRow[], regions: readonly string[], academicYear: string): RuleSetRow | null {
  const years = [...new Set(rows.map((r) => r.academicYear))].filter((y) => y <= academicYear).sort().reverse();
  for (const y of years) {
    const row = pickRuleSet(newestByRegion(rows.filter((r) => r.academicYear === y)), regions);
    if (row) return row;
  }
  return null;
}

async function toDtos(db: Db, rows: RuleSetRow[]): Promise<QuotaRuleSet[]> {
  const names = new Map((await db.select({ id: accounts.id, name: accounts.displayName }).from(accounts)).map((a) => [a.id, a.name]));
  const newest = new Map<string, number>();
  for (const r of rows) newest.set(`${r.region}|${r.academicYear}`, Math.max(newest.get(`${r.region}|${r.academicYear}`) ?? 0, r.version));
  return rows.map((r) => ({
    id: r.id,
    region: r.region,
    academicYear: r.academicYear,
    version: r.version,
    rules: rulesOf(r),
    note: r.note,
    createdBy: r.createdBy ? (names.get(r.createdBy) ?? null) : null,
    createdAt: r.createdAt.toISOString(),
    current: newest.get(`${r.region}|${r.academicYear}`) === r.version,
  }));
}

/**
 * The regions whose rules the actor may read (R-RULES-SCOPE): those that judge a county they see
 * (county, city, province, default); every region for administrators.
 */
export async function visibleRegions(db: Db, actor: Actor): Promise<string[] | 'all'> {
  if (actor.role === 'admin') return 'all';
  const rows = await db.select({ code: counties.code, city: counties.city, province: counties.province }).from(counties).where(visibleCountiesWhere(actor));
  return [...new Set(['default', ...rows.flatMap(regionsOf)])];
}

export async function listRuleSets(db: Db, actor: Actor, q: { academicYear?: string | undefined; region?: string | undefined }): Promise<QuotaRuleSet[]> {
  const regions = await visibleRegions(db, actor);
  const rows = await db
    .select()
    .from(quotaRuleSets)
    .where(
      and(
        q.academicYear ? eq(quotaRuleSets.academicYear, q.academicYear) : sql`true`,
        q.region ? eq(quotaRuleSets.region, q.region) : sql`true`,
        regions === 'all' ? sql`true` : inArray(quotaRuleSets.region, regions),
      ),
    )
    .orderBy(desc(quotaRuleSets.academicYear), quotaRuleSets.region, desc(quotaRuleSets.version));
  return toDtos(db, rows);
}

/** Which rule set judges a county's communities in a year; a county the actor may not see is a 404, like one that does not exist (R-RULES-SCOPE). */
export async function resolveRuleSet(db: Db, actor: Actor, countyId: string, academicYear: string) {
  const [county] = await db.select().from(counties).where(and(eq(counties.id, countyId), visibleCountiesWhere(actor)));
  if (!county) throw new NotFoundError('County');
  const tried = regionsOf(county);
  const row = pickInForce(await ruleSetsUpTo(db, academicYear), tried, academicYear);
  return { countyId, academicYear, tried, ruleSet: row ? (await toDtos(db, [row]))[0]! : null, fallbackFrom: row && row.academicYear !== academicYear ? row.academicYear : null };
}

/** The regions a region falls back to (itself first), for copying rules into a new version. */
async function fallbackRegions(db: Db, region: string): Promise<string[]> {
  const [kind, name] = [region.split(':')[0], region.slice(region.indexOf(':') + 1)];
  if (kind === 'county') {
    const [c] = await db.select().from(counties).where(eq(counties.code, name));
    return c ? regionsOf(c) : [region, 'default'];
  }
  if (kind === 'city') {
    const [c] = await db.select().from(counties).where(eq(counties.city, name)).limit(1);
    return c ? [region, `province:${c.province}`, 'default'] : [region, 'default'];
  }
  return region === 'default' ? ['default'] : [region, 'default'];
}

/** A new version for (region, year): the given rules, or a copy of what is in force there now (else the previous year's). */
export async function createRuleSet(db: Db, actor: Actor, input: z.output<typeof QuotaRuleSetCreate>): Promise<QuotaRuleSet> {
  if (actor.role !== 'admin') throw new ForbiddenError('Only an administrator changes quota rules');
  let rules = input.rules;
  if (!rules) {
    const regions = await fallbackRegions(db, input.region);
    const thisYear = pickRuleSet(newestByRegion(await ruleSetsOfYear(db, input.academicYear)), regions);
    const [y1, y2] = input.academicYear.split('-').map(Number);
    const previous = thisYear ?? pickRuleSet(newestByRegion(await ruleSetsOfYear(db, `${y1! - 1}-${y2! - 1}`)), regions);
    rules = previous ? rulesOf(previous) : jiaxingDefaultRules.map((r) => QuotaRule.parse(r));
  }
  const [{ next }] = (await db
    .select({ next: sql<number>`coalesce(max(${quotaRuleSets.version}), 0) + 1` })
    .from(quotaRuleSets)
    .where(and(eq(quotaRuleSets.region, input.region), eq(quotaRuleSets.academicYear, input.academicYear)))) as [{ next: number }];
  try {
    const [row] = await db
      .insert(quotaRuleSets)
      .values({ region: input.region, academicYear: input.academicYear, version: Number(next), rules, note: input.note, createdBy: actor.accountId })
      .returning();
    return (await toDtos(db, [row!]))[0]!;
  } catch (err) {
    if (isPgError(err, PgCode.uniqueViolation)) throw new ConflictError({ kind: 'quota_rule_set', title: input.region, description: `Another version of ${input.region} ${input.academicYear} was just saved; try again` });
    throw err;
  }
}
