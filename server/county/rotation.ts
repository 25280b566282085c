import type { RotationStandard } from '../../shared/county/standards.ts';
import type { CountyRotation } from '../../shared/schemas/county.ts';

type Entry = CountyRotation['entries'][number];

/**
 * R-ROTATION-SHARE / R-ROTATION-BACKBONE (R-STD-2014): teachers who served at another school of
 * the county in the year, as a share of the eligible teachers, and backbone teachers among them.
 * A teacher counts once however many rotations they had.
 */
export function rotationSummary(eligible: number, entries: readonly Entry[], standard: RotationStandard): CountyRotation {
  const teachers = new Map<string, boolean>();
  for (const e of entries) teachers.set(e.teacherId, e.backbone);
  const rotated = teachers.size;
  const backboneRotated = [...teachers.values()].filter(Boolean).length;
  const share = eligible > 0 ? { value: rotated / eligible, reason: null } : { value: null, reason: 'no_eligible_teachers' as const };
  const backboneShare = rotated > 0 ? { value: backboneRotated / rotated, reason: null } : { value: null, reason: 'no_rotations' as const };
  const judge = (v: number | null, min: number) => (v === null ? ('not_computable' as const) : v >= min ? ('met' as const) : ('not_met' as const));
  return {
    standardId: standard.id,
    minShare: standard.minShare,
    minBackboneShare: standard.minBackboneShare,
    eligible,
    rotated,
    backboneRotated,
    share,
    backboneShare,
    shareStatus: judge(share.value, standard.minShare),
    backboneStatus: judge(backboneShare.value, standard.minBackboneShare),
    entries: [...entries],
  };
}
