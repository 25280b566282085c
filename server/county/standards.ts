import { asc } from 'drizzle-orm';
import type { BalanceStandard, RotationStandard } from '../../shared/county/standards.ts';
import { BalanceStandardValues, RotationStandardValues, type CountyStandard } from '../../shared/schemas/county.ts';
import type { Actor } from '../accounts/actor.ts';
import { withActor } from '../audit/actor.ts';
import type { Db } from '../db/client.ts';
import { countyStandards } from '../db/schema/index.ts';
import { ConflictError, ForbiddenError, isPgError, PgCode } from '../http/errors.ts';

/**
 * The county standards' versions (C-STANDARD-VERSIONS): the values of a kind in force on a date
 * are those of its latest version effective on or before it; a year before the first version is
 * judged by the first (there is no earlier rule to apply).
 */
export class CountyStandards {
  private constructor(
    private readonly balance: readonly BalanceStandard[],
    private readonly rotation: readonly RotationStandard[],
  ) {}

  static async load(db: Db): Promise<CountyStandards> {
    const rows = await db.select().from(countyStandards).orderBy(asc(countyStandards.effectiveFrom));
    const head = (r: (typeof rows)[number]) => ({ id: r.standardId, effectiveFrom: r.effectiveFrom, title: r.title });
    return new CountyStandards(
      rows.filter((r) => r.kind === 'balance').map((r) => ({ ...head(r), ...BalanceStandardValues.parse(r.values) })),
      rows.filter((r) => r.kind === 'rotation').map((r) => ({ ...head(r), ...RotationStandardValues.parse(r.values) })),
    );
  }

  /** Every version, balance first, each kind oldest first. */
  list(): CountyStandard[] {
    return [
      ...this.balance.map(({ id, effectiveFrom, title, ...values }) => ({ kind: 'balance' as const, id, effectiveFrom, title, values })),
      ...this.rotation.map(({ id, effectiveFrom, title, ...values }) => ({ kind: 'rotation' as const, id, effectiveFrom, title, values })),
    ];
  }

  balanceOn = (date: string): BalanceStandard => inForce(this.balance, date);
  rotationOn = (date: string): RotationStandard => inForce(this.rotation, date);
}

function inForce<T extends { effectiveFrom: string }>(versions: readonly T[], date: string): T {
  const v = versions.filter((x) => x.effectiveFrom <= date).at(-1) ?? versions[0];
  if (!v) throw new Error('no county standard of this kind (migration 0025 seeds them)');
  return v;
}

/** A new version of a standard (admin), in the audit trail; a date or an ID already taken is a 409. */
export async function addCountyStandard(db: Db, actor: Actor, body: CountyStandard): Promise<CountyStandard> {
  if (actor.role !== 'admin') throw new ForbiddenError('Only an administrator changes the county standards');
  try {
    await withActor(db, actor, (tx) =>
      tx.insert(countyStandards).values({ kind: body.kind, effectiveFrom: body.effectiveFrom, standardId: body.id, title: body.title, values: body.values, createdBy: actor.accountId }),
    );
  } catch (err) {
    if (isPgError(err, PgCode.uniqueViolation, 'county_standards_id_uq')) {
      throw new ConflictError({ kind: 'county_standard', id: body.id, description: `a county standard is already named ${body.id}` });
    }
    if (isPgError(err, PgCode.uniqueViolation)) {
      throw new ConflictError({ kind: 'county_standard', id: body.effectiveFrom, description: `the ${body.kind} standard already has a version effective from ${body.effectiveFrom}` });
    }
    throw err;
  }
  return body;
}
