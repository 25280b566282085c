import { and, desc, eq, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { AuditEntry, AuditPage, AuditQuery } from '../../shared/schemas/audit.ts';
import type { Actor } from '../accounts/actor.ts';
import { auditedCountySql } from '../accounts/auditRegion.ts';
import { requireCommunity } from '../accounts/scope.ts';
import type { Db } from '../db/client.ts';
import { accounts, auditLog, communities } from '../db/schema/index.ts';
import { ForbiddenError } from '../http/errors.ts';
import { visibleRegions } from '../quotas/ruleSets.ts';
import { idsOf, labelsOf } from './labels.ts';

/**
 * Browsing the audit trail: administrators everything; auditors their county's rows
 * and region-level ones (evidence rules, the rule sets of their regions); coordinators their communities' rows. Newest first,
 * paged by id; filters by community, table, row, actor, operation and dates (local days
 * in Asia/Shanghai).
 */
export async function auditPage(db: Db, actor: Actor, q: z.output<typeof AuditQuery>): Promise<AuditPage> {
  const where: SQL[] = [];
  switch (actor.role) {
    case 'admin':
      break;
    case 'auditor': {
      // Region-level rows: evidence rules, S-T thresholds and county standards (everyone's) and the rule sets of the regions judging their county (R-RULES-SCOPE).
      const regions = await visibleRegions(db, actor);
      const ruleSetRegion = sql`coalesce(${auditLog.after} ->> 'region', ${auditLog.before} ->> 'region')`;
      const regionLevel = and(
        isNull(auditLog.countyId),
        isNull(auditLog.communityId),
        // Only the rule tables are region-level; any other row without a county (an administrator's account) is not theirs.
        or(inArray(auditLog.tableName, ['live_evidence_rules', 'live_st_rules', 'county_standards']), and(eq(auditLog.tableName, 'quota_rule_sets'), regions === 'all' ? sql`true` : inArray(ruleSetRegion, regions))),
      );
      where.push(or(auditedCountySql(actor, auditLog.countyId), regionLevel)!);
      break;
    }
    case 'coordinator':
      where.push(actor.communityIds.length ? inArray(auditLog.communityId, [...actor.communityIds]) : sql`false`);
      break;
    default:
      throw new ForbiddenError('Only auditors, coordinators and administrators read the audit trail');
  }
  if (q.communityId) {
    await requireCommunity(db, actor, q.communityId, 'read');
    where.push(eq(auditLog.communityId, q.communityId));
  }
  if (q.table) where.push(eq(auditLog.tableName, q.table));
  if (q.rowId) where.push(eq(auditLog.rowId, q.rowId));
  if (q.actorId) where.push(eq(auditLog.actorAccountId, q.actorId));
  if (q.op) where.push(eq(auditLog.op, q.op));
  if (q.from) where.push(gte(auditLog.at, sql`(${q.from}::date)::timestamp at time zone 'Asia/Shanghai'`));
  if (q.to) where.push(lt(auditLog.at, sql`(${q.to}::date + 1)::timestamp at time zone 'Asia/Shanghai'`));
  if (q.before) where.push(lt(auditLog.id, q.before));
  const rows = await db
    .select({ a: auditLog, username: accounts.username, displayName: accounts.displayName, communityName: communities.name })
    .from(auditLog)
    .leftJoin(accounts, eq(accounts.id, auditLog.actorAccountId))
    .leftJoin(communities, eq(communities.id, auditLog.communityId))
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const tables = await db.selectDistinct({ t: auditLog.tableName }).from(auditLog).orderBy(auditLog.tableName);
  const entries = page.map(({ a, username, displayName, communityName }): AuditEntry => {
    const before = a.before as Record<string, unknown> | null;
    const after = a.after as Record<string, unknown> | null;
    return {
      id: a.id,
      at: a.at.toISOString(),
      actor: a.actorAccountId ? { id: a.actorAccountId, username: username ?? '?', displayName: displayName ?? '?' } : null,
      source: a.actorSource,
      table: a.tableName,
      op: a.op as AuditEntry['op'],
      rowId: a.rowId,
      communityId: a.communityId,
      communityName: communityName ?? null,
      before,
      after,
      changed: before && after ? Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])) : [],
    };
    });
  return {
    entries,
    labels: await labelsOf(db, idsOf(entries)),
    next: rows.length > q.limit ? page.at(-1)!.a.id : null,
    tables: tables.map((t) => t.t),
  };
}
