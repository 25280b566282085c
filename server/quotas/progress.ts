import { hash } from 'node:crypto';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { QuotaRule, QuotaStatus } from '../../shared/quotas/rules.ts';
import type { CommunityProgress, QuotaRollup } from '../../shared/schemas/quotas.ts';
import type { Db } from '../db/client.ts';
import { quotaProgress } from '../db/schema/index.ts';
import { evaluateTally, type CommunityYearProgress } from './evaluate.ts';
import { communitiesOf, rowsOf, tallies, type CommunityFilter, type CommunityInfo } from './facts.ts';
import { pickInForce, regionsOf, ruleSetsUpTo, rulesOf, type RuleSetRow } from './ruleSets.ts';
import type { YearCalendar } from './years.ts';

/**
 * Progress of communities' years: the facts read from the maintained tallies (facts.ts
 * `tallies`), judged by the pure evaluation with each community's rule set, kept in
 * `quota_progress` (only what changed is written). The full recompute and the incremental
 * one (one community, after a change) are the same code with a different filter.
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
    ruleSet: ruleSet ? { id: ruleSet.id, region: ruleSet.region, version: ruleSet.version, fallbackFrom: ruleSet.academicYear !== year ? ruleSet.academicYear : null } : null,
    status: overallStatus(p),
    rules: p.rules,
    memberSchools: p.memberSchools,
    computedAt: computedAt.toISOString(),
    frozen,
  };
}

/** Rules of each community by its county's region chain, for `academicYear` or its fallback (parsed once per rule set). */
export function ruleResolver(rows: readonly RuleSetRow[], academicYear: string) {
  const parsed = new Map<string, QuotaRule[]>();
  const byCounty = new Map<string, RuleSetRow | null>();
  return (ci: CommunityInfo): { row: RuleSetRow | null; rules: QuotaRule[] } => {
    let row = byCounty.get(ci.countyId);
    if (row === undefined) byCounty.set(ci.countyId, (row = pickInForce(rows, regionsOf({ code: ci.countyCode, city: ci.city, province: ci.province }), academicYear)));
    if (!row) return { row: null, rules: [] };
    let rules = parsed.get(row.id);
    if (!rules) parsed.set(row.id, (rules = rulesOf(row)));
    return { row, rules };
  };
}

/**
 * Computes (does not store) the progress of the filtered communities; `timings` splits
 * the time between gathering the facts (communities, rule sets, tallies) and judging them.
 */
export async function computeProgress(
  db: Db,
  filter: CommunityFilter,
  year: YearCalendar,
  today: string,
): Promise<{ progress: CommunityProgress[]; at: Date; timings: { gatherMs: number; evaluateMs: number } }> {
  const t0 = performance.now();
  const [communities, ruleRows] = await Promise.all([communitiesOf(db, filter), ruleSetsUpTo(db, year.label)]);
  if (!communities.length) return { progress: [], at: new Date(), timings: { gatherMs: performance.now() - t0, evaluateMs: 0 } };
  const { tallies: byId, at } = await tallies(db, filter, year, today, communities);
  const t1 = performance.now();
  const rulesFor = ruleResolver(ruleRows, year.label);
  const progress: CommunityProgress[] = [];
  for (const ci of communities) {
    const t = byId.get(ci.id);
    if (!t) continue;
    const { row, rules } = rulesFor(ci);
    progress.push(progressDto(ci, year.label, row, evaluateTally(rules, t), at));
  }
  return { progress, at, timings: { gatherMs: t1 - t0, evaluateMs: performance.now() - t1 } };
}

/** The stored JSON of a progress (without `computedAt`, kept in its column). */
const bodyOf = (p: CommunityProgress): string => JSON.stringify({ ...p, computedAt: undefined });
const digestOf = (body: string): string => hash('sha1', body);

/** Array parameters as one array literal each (one bind parameter on node-postgres and PGlite alike). */
const uuidArray = (ids: readonly string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;
/** For values with neither quotes nor backslashes (statuses, digests). */
const textArray = (xs: readonly string[]) => sql`${`{${xs.map((x) => `"${x}"`).join(',')}}`}::text[]`;

/**
 * Stores computed progress; an older computation never overwrites a newer one
 * (`computed_at` is the database time its facts were read at). Returns the ones whose
 * content changed (what dashboards must hear about).
 *
 * Only what changed is written, in chunks of 2,000. In each chunk, first every row whose
 * stored digest equals the new one only has its `computed_at` moved forward (a narrow
 * update; the JSON is not sent): the figures are confirmed as of this computation, so the
 * time guard keeps holding for the next writer and dashboards show when they were last
 * computed. The rest — new, changed, or stored by a newer computation — is upserted,
 * guarded by `computed_at`; a row the upsert accepts had other content (or none), so it
 * is what changed.
 */
export async function storeProgress(db: Db, progress: readonly CommunityProgress[]): Promise<CommunityProgress[]> {
  const changed: CommunityProgress[] = [];
  // Statements are per (year, computation time): usually one group.
  const groups = new Map<string, CommunityProgress[]>();
  for (const p of progress) {
    const key = `${p.academicYear}|${p.computedAt}`;
    const list = groups.get(key);
    if (list) list.push(p);
    else groups.set(key, [p]);
  }
  const CHUNK = 2000;
  const chunks: { year: string; at: string; list: CommunityProgress[] }[] = [];
  for (const all of groups.values()) {
    const { academicYear: year, computedAt: at } = all[0]!;
    for (let k = 0; k < all.length; k += CHUNK) chunks.push({ year, at, list: all.slice(k, k + CHUNK) });
  }
  const store = async ({ year, at, list }: (typeof chunks)[number]) => {
    // Digests only: each body is dropped as soon as it is hashed (garbage that dies young
    // costs the collector nothing; 20 MB of bodies kept through the round trips did).
    const digests = list.map((p) => digestOf(bodyOf(p)));
    const confirmed = new Set(
      (
        await rowsOf<{ id: string }>(
          db,
          sql`update quota_progress q set computed_at = ${at}::timestamptz
                from unnest(${uuidArray(list.map((p) => p.communityId))}, ${textArray(digests)}) as u(id, digest)
               where q.academic_year = ${year} and q.community_id = u.id and q.digest = u.digest and q.computed_at <= ${at}::timestamptz
              returning q.community_id as id`,
        )
      ).map((r) => r.id),
    );
    const write = list.flatMap((p, i) => (confirmed.has(p.communityId) ? [] : [i]));
    if (!write.length) return;
    const ps = write.map((i) => list[i]!);
    // Column arrays and one JSON array of the bodies (made again for these rows only):
    // PostgreSQL reads each body once, where json(b)_to_recordset over one document of
    // rows took two to three times as long.
    const query = sqlUpsert(
      year,
      at,
      uuidArray(ps.map((p) => p.communityId)),
      sql`${`{${ps.map((p) => p.ruleSet?.id ?? 'NULL').join(',')}}`}::uuid[]`,
      textArray(ps.map((p) => p.status)),
      textArray(write.map((i) => digests[i]!)),
      `[${ps.map(bodyOf).join(',')}]`,
    );
    const accepted = new Set((await rowsOf<{ id: string }>(db, query)).map((r) => r.id));
    for (const p of ps) if (accepted.has(p.communityId)) changed.push(p);
  };
  // Two chunks in flight on the platform's pool: while the database writes one, the next
  // one's JSON is made, and on PostgreSQL a second connection writes too (chunks hold
  // different communities). Inside a caller's transaction (one connection), one at a time.
  const lanes = '$client' in db ? 2 : 1;
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < chunks.length) await store(chunks[next++]!);
    }),
  );
  return changed;
}

const sqlUpsert = (year: string, at: string, ids: SQL, ruleSets: SQL, statuses: SQL, digests: SQL, bodies: string) => sql`
  insert into quota_progress (community_id, academic_year, rule_set_id, status, progress, digest, computed_at)
  select u.id, ${year}, u.rule_set_id, u.status, b.body, u.digest, ${at}::timestamptz
    from unnest(${ids}, ${ruleSets}, ${statuses}, ${digests}) with ordinality as u(id, rule_set_id, status, digest, i)
    join json_array_elements(${bodies}::json) with ordinality as b(body, i) using (i)
  on conflict (community_id, academic_year) do update
     set rule_set_id = excluded.rule_set_id, status = excluded.status, progress = excluded.progress, digest = excluded.digest, computed_at = excluded.computed_at
   where excluded.computed_at >= quota_progress.computed_at
  returning community_id as id`;

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
