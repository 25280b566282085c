import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { QuotaRule, QuotaStatus } from '../../shared/quotas/rules.ts';
import type { CommunityProgress, QuotaRollup } from '../../shared/schemas/quotas.ts';
import type { Db } from '../db/client.ts';
import { quotaProgress } from '../db/schema/index.ts';
import { evaluateTally, type CommunityYearProgress } from './evaluate.ts';
import { communitiesOf, tallies, type CommunityFilter, type CommunityInfo } from './facts.ts';
import { newestByRegion, pickRuleSet, regionsOf, ruleSetsOfYear, rulesOf, type RuleSetRow } from './ruleSets.ts';
import type { YearCalendar } from './years.ts';

/**
 * Progress of communities' years: gathered set-based (facts.ts `tallies`), judged by the
 * pure evaluation with each community's rule set, kept in `quota_progress`. The full
 * recompute and the incremental one (one community, after a change) are the same code
 * with a different filter.
 */

const severity: Record<QuotaStatus, number> = { will_miss: 0, at_risk: 1, on_track: 2, met: 3, not_applicable: 4 };

/** The worst status of the rules that apply. */
export function overallStatus(p: Pick<CommunityYearProgress, 'rules'>): QuotaStatus {
  return p.rules.reduce<QuotaStatus>((worst, r) => (severity[r.status] < severity[worst] ? r.status : worst), 'not_applicable');
}

export function progressDto(ci: CommunityInfo, year: string, ruleSet: RuleSetRow | null, p: CommunityYearProgress, computedAt: Date, frozen = false): CommunityProgress {
  return {
    communityId: ci.id,
    communityName: ci.name,
    typeCode: ci.typeCode,
    countyId: ci.countyId,
    countyName: ci.countyName,
    city: ci.city,
    province: ci.province,
    academicYear: year,
    ruleSet: ruleSet ? { id: ruleSet.id, region: ruleSet.region, version: ruleSet.version } : null,
    status: overallStatus(p),
    rules: p.rules,
    memberSchools: p.memberSchools,
    computedAt: computedAt.toISOString(),
    frozen,
  };
}

/** Rules of each community by its county's region chain (parsed once per rule set). */
export function ruleResolver(rows: readonly RuleSetRow[]) {
  const newest = newestByRegion(rows);
  const parsed = new Map<string, QuotaRule[]>();
  const byCounty = new Map<string, RuleSetRow | null>();
  return (ci: CommunityInfo): { row: RuleSetRow | null; rules: QuotaRule[] } => {
    let row = byCounty.get(ci.countyId);
    if (row === undefined) byCounty.set(ci.countyId, (row = pickRuleSet(newest, regionsOf({ code: ci.countyCode, city: ci.city, province: ci.province }))));
    if (!row) return { row: null, rules: [] };
    let rules = parsed.get(row.id);
    if (!rules) parsed.set(row.id, (rules = rulesOf(row)));
    return { row, rules };
  };
}

/** Computes (does not store) the progress of the filtered communities. */
export async function computeProgress(db: Db, filter: CommunityFilter, year: YearCalendar, today: string): Promise<{ progress: CommunityProgress[]; at: Date }> {
  const [communities, ruleRows] = await Promise.all([communitiesOf(db, filter), ruleSetsOfYear(db, year.label)]);
  if (!communities.length) return { progress: [], at: new Date() };
  const { tallies: byId, at } = await tallies(db, filter, year, today, communities);
  const rulesFor = ruleResolver(ruleRows);
  const progress: CommunityProgress[] = [];
  for (const ci of communities) {
    const t = byId.get(ci.id);
    if (!t) continue;
    const { row, rules } = rulesFor(ci);
    progress.push(progressDto(ci, year.label, row, evaluateTally(rules, t), at));
  }
  return { progress, at };
}

const digestOf = (p: CommunityProgress) => createHash('sha1').update(JSON.stringify({ ...p, computedAt: null })).digest('hex');

/**
 * Stores computed progress; an older computation never overwrites a newer one
 * (`computed_at` is the database time its facts were read at). Returns the ones whose
 * content changed (what dashboards must hear about).
 */
export async function storeProgress(db: Db, progress: readonly CommunityProgress[]): Promise<CommunityProgress[]> {
  if (!progress.length) return [];
  const changed: CommunityProgress[] = [];
  const BATCH = 2000;
  for (let i = 0; i < progress.length; i += BATCH) {
    const batch = progress.slice(i, i + BATCH);
    const year = batch[0]!.academicYear;
    const ids = batch.map((p) => p.communityId);
    const before = new Map(
      (await db.select({ id: quotaProgress.communityId, digest: quotaProgress.digest }).from(quotaProgress).where(and(eq(quotaProgress.academicYear, year), inArray(quotaProgress.communityId, ids)))).map((r) => [r.id, r.digest]),
    );
    const rows = batch.map((p) => ({ community_id: p.communityId, academic_year: p.academicYear, rule_set_id: p.ruleSet?.id ?? null, status: p.status, progress: { ...p, computedAt: undefined }, digest: digestOf(p), computed_at: p.computedAt }));
    const result = (await db.execute(
      // One statement per batch; a JSON array parameter works the same on node-postgres and PGlite.
      sqlUpsert(JSON.stringify(rows)),
    )) as unknown as { rows: { community_id: string }[] };
    const accepted = new Set(result.rows.map((r) => r.community_id));
    const digests = new Map(rows.map((r) => [r.community_id, r.digest]));
    for (const p of batch) if (accepted.has(p.communityId) && before.get(p.communityId) !== digests.get(p.communityId)) changed.push(p);
  }
  return changed;
}

const sqlUpsert = (json: string) => sql`
  insert into quota_progress (community_id, academic_year, rule_set_id, status, progress, digest, computed_at)
  select x.community_id, x.academic_year, x.rule_set_id, x.status, x.progress, x.digest, x.computed_at
    from jsonb_to_recordset(${json}::jsonb) as x(community_id uuid, academic_year text, rule_set_id uuid, status text, progress jsonb, digest text, computed_at timestamptz)
  on conflict (community_id, academic_year) do update
     set rule_set_id = excluded.rule_set_id, status = excluded.status, progress = excluded.progress, digest = excluded.digest, computed_at = excluded.computed_at
   where excluded.computed_at >= quota_progress.computed_at
  returning community_id`;

/** Stored progress of these communities for a year (missing ones are absent). */
export async function storedProgress(db: Db, communityIds: readonly string[], year: string): Promise<Map<string, CommunityProgress>> {
  if (!communityIds.length) return new Map();
  const rows = await db
    .select({ id: quotaProgress.communityId, progress: quotaProgress.progress, at: quotaProgress.computedAt })
    .from(quotaProgress)
    .where(and(eq(quotaProgress.academicYear, year), inArray(quotaProgress.communityId, [...communityIds])));
  return new Map(rows.map((r) => [r.id, { ...(r.progress as CommunityProgress), computedAt: r.at.toISOString() }]));
}

/** Recomputes and stores; answers what changed. */
export async function recompute(db: Db, filter: CommunityFilter, year: YearCalendar, today: string): Promise<{ computed: number; changed: CommunityProgress[] }> {
  const { progress } = await computeProgress(db, filter, year, today);
  return { computed: progress.length, changed: await storeProgress(db, progress) };
}

// ---- roll-ups ---------------------------------------------------------------------------------

export function rollups(progress: readonly CommunityProgress[]): QuotaRollup[] {
  const groups = new Map<string, { level: QuotaRollup['level']; name: string; key: string; items: CommunityProgress[] }>();
  for (const p of progress) {
    for (const [level, key, name] of [
      ['county', p.countyId, p.countyName],
      ['city', `${p.province}/${p.city}`, p.city],
      ['province', p.province, p.province],
    ] as const) {
      const k = `${level}|${key}`;
      const g = groups.get(k) ?? { level, name, key, items: [] };
      g.items.push(p);
      groups.set(k, g);
    }
  }
  const order = { province: 0, city: 1, county: 2 };
  return [...groups.values()]
    .sort((a, b) => order[a.level] - order[b.level] || a.name.localeCompare(b.name, 'zh-CN'))
    .map((g) => {
      const byStatus = { met: 0, on_track: 0, at_risk: 0, will_miss: 0, not_applicable: 0 };
      for (const p of g.items) byStatus[p.status]++;
      const rules = new Map<string, { ruleId: string; applicable: number; met: number; counted: number; required: number }>();
      for (const p of g.items) {
        for (const r of p.rules) {
          const e = rules.get(r.ruleId) ?? { ruleId: r.ruleId, applicable: 0, met: 0, counted: 0, required: 0 };
          if (r.status !== 'not_applicable') {
            e.applicable++;
            if (r.status === 'met') e.met++;
            e.counted += r.counted;
            e.required += r.required;
          }
          rules.set(r.ruleId, e);
        }
      }
      return { level: g.level, name: g.name, key: g.key, communities: g.items.length, byStatus, rules: [...rules.values()] };
    });
}
