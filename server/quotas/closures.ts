import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { YearClosure } from '../../shared/schemas/quotas.ts';
import type { Actor } from '../accounts/actor.ts';
import { auditedCountySql } from '../accounts/auditRegion.ts';
import { withActor } from '../audit/actor.ts';
import type { Db } from '../db/client.ts';
import { accounts, communities, counties, quotaSnapshots, quotaYearClosures } from '../db/schema/index.ts';
import { ConflictError, ForbiddenError, isPgError, NotFoundError, PgCode } from '../http/errors.ts';
import { communitiesOf } from './facts.ts';
import type { QuotaContext } from './service.ts';
import { communityYear } from './service.ts';
import { loadYears, pickYear } from './years.ts';

/**
 * Closing a county's academic year: every community's progress and counted items
 * (with their evidence references) are frozen in `quota_snapshots` with the rule-set
 * version they were judged by, and from then on the database refuses changes to that
 * year's counted items (trigger `quota_closed_guard`, migration 0010). Reopening is the
 * one change a closure may have; the audit trail records both.
 */

type Row = typeof quotaYearClosures.$inferSelect;

async function toDtos(db: Db, rows: Row[]): Promise<YearClosure[]> {
  if (!rows.length) return [];
  const ids = [...new Set(rows.flatMap((r) => [r.closedBy, r.reopenedBy]).filter((x): x is string => !!x))];
  const [names, cs, counts] = await Promise.all([
    ids.length ? db.select({ id: accounts.id, name: accounts.displayName }).from(accounts).where(inArray(accounts.id, ids)) : [],
    db.select({ id: counties.id, name: counties.name }).from(counties).where(inArray(counties.id, rows.map((r) => r.countyId))),
    db
      .select({ id: quotaSnapshots.closureId, n: sql<number>`count(*)::int` })
      .from(quotaSnapshots)
      .where(inArray(quotaSnapshots.closureId, rows.map((r) => r.id)))
      .groupBy(quotaSnapshots.closureId),
  ]);
  const name = new Map(names.map((n) => [n.id, n.name]));
  const county = new Map(cs.map((c) => [c.id, c.name]));
  const count = new Map(counts.map((c) => [c.id, Number(c.n)]));
  return rows.map((r) => ({
    id: r.id,
    countyId: r.countyId,
    countyName: county.get(r.countyId) ?? '',
    academicYear: r.academicYear,
    closedAt: r.closedAt.toISOString(),
    closedBy: r.closedBy ? (name.get(r.closedBy) ?? null) : null,
    note: r.note,
    reopenedAt: r.reopenedAt?.toISOString() ?? null,
    reopenedBy: r.reopenedBy ? (name.get(r.reopenedBy) ?? null) : null,
    reopenReason: r.reopenReason,
    communities: count.get(r.id) ?? 0,
  }));
}

/** Closures the actor may see: admins all, auditors their region's counties, others the counties of their communities. */
export async function listClosures(db: Db, actor: Actor, q: { academicYear?: string | undefined; countyId?: string | undefined }): Promise<YearClosure[]> {
  const scope =
    actor.role === 'admin'
      ? sql`true`
      : actor.role === 'auditor'
        ? auditedCountySql(actor, quotaYearClosures.countyId)
        : actor.communityIds.length
          ? inArray(quotaYearClosures.countyId, db.select({ id: communities.countyId }).from(communities).where(inArray(communities.id, [...actor.communityIds])))
          : sql`false`;
  const rows = await db
    .select()
    .from(quotaYearClosures)
    .where(and(scope, q.academicYear ? eq(quotaYearClosures.academicYear, q.academicYear) : sql`true`, q.countyId ? eq(quotaYearClosures.countyId, q.countyId) : sql`true`))
    .orderBy(desc(quotaYearClosures.closedAt));
  return toDtos(db, rows);
}

export async function closeYear(ctx: QuotaContext, actor: Actor, input: { countyId: string; academicYear: string; note: string }): Promise<YearClosure> {
  if (actor.role !== 'admin') throw new ForbiddenError('Only an administrator closes a year');
  const [county] = await ctx.db.select().from(counties).where(eq(counties.id, input.countyId));
  if (!county) throw new NotFoundError('County');
  const year = pickYear(await loadYears(ctx.db), ctx.today(), input.academicYear);
  try {
    const id = await withActor(ctx.db, actor, async (tx) => {
      const [row] = await tx.insert(quotaYearClosures).values({ countyId: county.id, academicYear: year.label, closedBy: actor.accountId, note: input.note }).returning();
      const txCtx = { ...ctx, db: tx };
      for (const ci of await communitiesOf(tx, { countyIds: [county.id] })) {
        const y = await communityYear(txCtx, ci, year);
        await tx.insert(quotaSnapshots).values({
          closureId: row!.id,
          communityId: ci.id,
          ruleSetId: y.progress.ruleSet?.id ?? null,
          ruleSetVersion: y.progress.ruleSet?.version ?? null,
          status: y.progress.status,
          progress: { ...y.progress, frozen: true },
          items: y.items,
        });
      }
      return row!.id;
    });
    return (await toDtos(ctx.db, await ctx.db.select().from(quotaYearClosures).where(eq(quotaYearClosures.id, id))))[0]!;
  } catch (err) {
    if (isPgError(err, PgCode.uniqueViolation, 'quota_year_closures_open_uq')) {
      throw new ConflictError({ kind: 'year_closed', title: year.label, description: `${county.name} ${year.label} is already closed` });
    }
    throw err;
  }
}

export async function reopenYear(ctx: QuotaContext, actor: Actor, id: string, reason: string): Promise<YearClosure> {
  if (actor.role !== 'admin') throw new ForbiddenError('Only an administrator reopens a year');
  const [row] = await ctx.db.select().from(quotaYearClosures).where(eq(quotaYearClosures.id, id));
  if (!row) throw new NotFoundError('Year closure');
  if (row.reopenedAt) throw new ConflictError({ kind: 'year_reopened', id, title: row.academicYear, description: `It was reopened on ${row.reopenedAt.toISOString()}` });
  await withActor(ctx.db, actor, (tx) =>
    tx.update(quotaYearClosures).set({ reopenedAt: new Date(), reopenedBy: actor.accountId, reopenReason: reason }).where(and(eq(quotaYearClosures.id, id), isNull(quotaYearClosures.reopenedAt))),
  );
  return (await toDtos(ctx.db, await ctx.db.select().from(quotaYearClosures).where(eq(quotaYearClosures.id, id))))[0]!;
}
