import { and, asc, eq, inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { AuditLevel } from '../../shared/schemas/accounts.ts';
import type { Db } from '../db/client.ts';
import { counties, type accounts } from '../db/schema/index.ts';
import { NotFoundError } from '../http/errors.ts';

/**
 * The region an auditor audits (C-AUDIT-REGION): one county, the counties of a city (市), or
 * those of a province (省), and the counties in it as the database holds them when the actor is
 * loaded — so a county added to a city is in its auditors' region at their next request.
 */
export interface AuditRegion {
  readonly level: AuditLevel;
  /** County auditors: their county. */
  readonly countyId: string | null;
  /** City auditors: their city. */
  readonly city: string | null;
  /** City and province auditors: their province. */
  readonly province: string | null;
  /** The counties in the region (by province, city and name). */
  readonly countyIds: readonly string[];
}

/** What this file reads of an actor: only auditors have a region. */
interface Auditing {
  readonly role: string;
  readonly audit: AuditRegion | null;
}

type AccountRow = Pick<typeof accounts.$inferSelect, 'role' | 'auditLevel' | 'countyId' | 'auditCity' | 'auditProvince'>;

/** The region of an auditor account (null for any other role). */
export async function loadAuditRegion(db: Db, account: AccountRow): Promise<AuditRegion | null> {
  if (account.role !== 'auditor' || !account.auditLevel) return null;
  const level = account.auditLevel as AuditLevel;
  const where =
    level === 'county'
      ? eq(counties.id, account.countyId!)
      : level === 'city'
        ? and(eq(counties.city, account.auditCity!), eq(counties.province, account.auditProvince!))
        : eq(counties.province, account.auditProvince!);
  const rows = await db.select({ id: counties.id }).from(counties).where(where).orderBy(asc(counties.province), asc(counties.city), asc(counties.name));
  return { level, countyId: account.countyId, city: account.auditCity, province: account.auditProvince, countyIds: rows.map((r) => r.id) };
}

/** The counties the actor audits: none unless they are an auditor. */
export function auditedCountyIds(actor: Auditing): readonly string[] {
  return actor.role === 'auditor' ? (actor.audit?.countyIds ?? []) : [];
}

/** Whether the actor audits this county. */
export function auditsCounty(actor: Auditing, countyId: string | null | undefined): boolean {
  return !!countyId && auditedCountyIds(actor).includes(countyId);
}

/** SQL condition: this county column is one the actor audits (false for anyone else). */
export function auditedCountySql(actor: Auditing, column: SQLWrapper): SQL {
  const ids = auditedCountyIds(actor);
  return ids.length ? inArray(column, [...ids]) : sql`false`;
}

/**
 * The counties an auditor asks about: the one named (404 unless they audit it) or all of theirs.
 */
export function auditedCountiesAsked(actor: Auditing, countyId: string | undefined): readonly string[] {
  if (countyId) {
    if (!auditsCounty(actor, countyId)) throw new NotFoundError('County');
    return [countyId];
  }
  const ids = auditedCountyIds(actor);
  if (!ids.length) throw new NotFoundError('County');
  return ids;
}
