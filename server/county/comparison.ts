import type { CommunityProgress } from '../../shared/schemas/quotas.ts';
import type { CommunityComparisonRow, CountyComparison, CountyReport, Figure } from '../../shared/schemas/county.ts';

/**
 * 区县对比 (C-AUDIT-COMPARE): the counties of a report side by side — their communities' quota
 * attainment beside the county indicators already computed (coverage, the combined coefficient
 * per stage, rotation). A pure function of the reports and the communities' progress.
 */

/** Rules met of those that apply, and the mean share of each requirement counted so far (capped at 1). */
function attainmentOf(progress: readonly CommunityProgress[]) {
  const rules = progress.flatMap((p) => p.rules.filter((r) => r.status !== 'not_applicable'));
  const shares = rules.map((r) => (r.required > 0 ? Math.min(1, r.counted / r.required) : 1));
  const attainment: Figure = shares.length ? { value: shares.reduce((a, b) => a + b, 0) / shares.length, reason: null } : { value: null, reason: 'no_quota_rules' };
  return { rulesMet: rules.filter((r) => r.status === 'met').length, rulesApplicable: rules.length, attainment };
}

export function countyComparison(reports: readonly CountyReport[], progress: readonly CommunityProgress[]): CountyComparison {
  const counties = reports.map((c) => {
    const own = progress.filter((p) => p.countyId === c.countyId);
    const byStatus = { met: 0, on_track: 0, at_risk: 0, will_miss: 0, not_applicable: 0 };
    for (const p of own) byStatus[p.status]++;
    const stage = (s: 'primary' | 'junior_middle') => {
      const st = c.balance.stages.find((x) => x.stage === s);
      return st ? { ...st.combined, status: st.combinedStatus } : { value: null, reason: 'too_few_schools' as const, status: 'not_computable' as const };
    };
    const leftOut = new Set([...c.coverage.rural.gaps, ...c.coverage.newResident.gaps].map((g) => g.schoolId));
    return {
      countyId: c.countyId,
      countyName: c.countyName,
      city: c.city,
      province: c.province,
      communities: own.length,
      byStatus,
      ...attainmentOf(own),
      coverageRural: c.coverage.rural.status,
      coverageNewResident: c.coverage.newResident.status,
      schoolsLeftOut: leftOut.size,
      combinedPrimary: stage('primary'),
      combinedJuniorMiddle: stage('junior_middle'),
      rotationShare: { ...c.rotation.share, status: c.rotation.shareStatus },
    };
  });
  const names = new Map(reports.map((c) => [c.countyId, c.countyName]));
  const communities: CommunityComparisonRow[] = progress
    .filter((p) => names.has(p.countyId))
    .map((p) => ({ countyId: p.countyId, countyName: p.countyName, communityId: p.communityId, communityName: p.communityName, status: p.status, ...attainmentOf([p]) }));
  return { counties, communities };
}
