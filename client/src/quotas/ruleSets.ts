import { regionParts, type RegionLevel } from '../../../shared/quotas/regions.ts';
import type { QuotaRule } from '../../../shared/quotas/rules.ts';
import type { QuotaRuleSet } from '../../../shared/schemas/quotas.ts';
import type { County } from '../../../shared/schemas/places.ts';
import type { Translate } from '../i18n/index.ts';

/**
 * Rule sets on the client: what changed between two versions, which version a new one
 * starts from (the server's fallback order), and the regions an admin can pick.
 */

export type RuleChange =
  | { kind: 'minimum' | 'maxPerWeek'; ruleId: string; from: number; to: number }
  | { kind: 'name'; ruleId: string; to: string }
  | { kind: 'added'; ruleId: string; to: number }
  | { kind: 'removed'; ruleId: string }
  | { kind: 'other'; ruleId: string };

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});

/** The differences from `before` to `after`, rule by rule (in `after`'s order, removals last). */
export function diffRules(before: readonly QuotaRule[], after: readonly QuotaRule[]): RuleChange[] {
  const out: RuleChange[] = [];
  const old = new Map(before.map((r) => [r.ruleId, r]));
  for (const r of after) {
    const o = old.get(r.ruleId);
    if (!o) {
      out.push({ kind: 'added', ruleId: r.ruleId, to: r.minimum });
      continue;
    }
    if (o.minimum !== r.minimum) out.push({ kind: 'minimum', ruleId: r.ruleId, from: o.minimum, to: r.minimum });
    if (o.maxPerWeek !== r.maxPerWeek) out.push({ kind: 'maxPerWeek', ruleId: r.ruleId, from: o.maxPerWeek, to: r.maxPerWeek });
    if (o.nameZh !== r.nameZh || o.nameEn !== r.nameEn) out.push({ kind: 'name', ruleId: r.ruleId, to: r.nameZh });
    if (o.metric !== r.metric || !same(o.appliesTo, r.appliesTo) || !same(o.filter, r.filter)) out.push({ kind: 'other', ruleId: r.ruleId });
  }
  const kept = new Set(after.map((r) => r.ruleId));
  for (const r of before) if (!kept.has(r.ruleId)) out.push({ kind: 'removed', ruleId: r.ruleId });
  return out;
}

export function changeText(t: Translate, c: RuleChange): string {
  switch (c.kind) {
    case 'minimum':
      return t('rules.change.minimum', { ruleId: c.ruleId, from: c.from, to: c.to });
    case 'maxPerWeek':
      return t('rules.change.maxPerWeek', { ruleId: c.ruleId, from: c.from, to: c.to });
    case 'name':
      return t('rules.change.name', { ruleId: c.ruleId, to: c.to });
    case 'added':
      return t('rules.change.added', { ruleId: c.ruleId, to: c.to });
    case 'removed':
      return t('rules.change.removed', { ruleId: c.ruleId });
    case 'other':
      return t('rules.change.other', { ruleId: c.ruleId });
  }
}

/** The version before this one (same region and year), if any. */
export function previousVersion(all: readonly QuotaRuleSet[], rs: Pick<QuotaRuleSet, 'region' | 'academicYear' | 'version'>): QuotaRuleSet | undefined {
  return all
    .filter((x) => x.region === rs.region && x.academicYear === rs.academicYear && x.version < rs.version)
    .sort((a, b) => b.version - a.version)[0];
}

/** The newest version of a region in a year. */
export function newestOf(all: readonly QuotaRuleSet[], region: string, academicYear: string): QuotaRuleSet | undefined {
  return all.filter((x) => x.region === region && x.academicYear === academicYear).sort((a, b) => b.version - a.version)[0];
}

/** The regions a region falls back to, itself first (as server/quotas/ruleSets.ts copies rules). */
export function fallbackRegions(region: string, counties: readonly County[]): string[] {
  const { level, key } = regionParts(region);
  if (level === 'county') {
    const c = counties.find((x) => x.code === key);
    return c ? [region, `city:${c.city}`, `province:${c.province}`, 'default'] : [region, 'default'];
  }
  if (level === 'city') {
    const c = counties.find((x) => x.city === key);
    return c ? [region, `province:${c.province}`, 'default'] : [region, 'default'];
  }
  return region === 'default' ? ['default'] : [region, 'default'];
}

export const previousYear = (label: string) => {
  const [a, b] = label.split('-').map(Number);
  return `${a! - 1}-${b! - 1}`;
};
export const nextYear = (label: string) => {
  const [a, b] = label.split('-').map(Number);
  return `${a! + 1}-${b! + 1}`;
};

/** What a new version of (region, year) starts from: the version in force there now, else the previous year's. */
export function baseFor(all: readonly QuotaRuleSet[], region: string, academicYear: string, counties: readonly County[]): QuotaRuleSet | undefined {
  const regions = fallbackRegions(region, counties);
  for (const year of [academicYear, previousYear(academicYear)]) {
    for (const r of regions) {
      const found = newestOf(all, r, year);
      if (found) return found;
    }
  }
  return undefined;
}

/** The names an admin may pick for a level: county codes, cities, provinces. */
export function regionKeys(level: RegionLevel, counties: readonly County[]): { value: string; label: string }[] {
  const uniq = (xs: string[]) => [...new Set(xs)].sort((a, b) => a.localeCompare(b, 'zh-CN'));
  if (level === 'county') return counties.map((c) => ({ value: c.code, label: `${c.name}（${c.city}）` }));
  if (level === 'city') return uniq(counties.map((c) => c.city)).map((x) => ({ value: x, label: x }));
  if (level === 'province') return uniq(counties.map((c) => c.province)).map((x) => ({ value: x, label: x }));
  return [];
}

export const regionOf = (level: RegionLevel, key: string) => (level === 'default' ? 'default' : `${level}:${key}`);

/** The academic year containing a date, from labels like 2026-2027 (September to August). */
export function yearOfDate(date: string): string {
  const y = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 9 ? `${y}-${y + 1}` : `${y - 1}-${y}`;
}
