import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { CountedItemKind } from '../../shared/quotas/facts.ts';
import type { CommunityProgress, CommunityQuotaDetail, CountedItemView, QuotaOverview } from '../../shared/schemas/quotas.ts';
import type { Actor } from '../accounts/actor.ts';
import { auditedCountiesAsked } from '../accounts/auditRegion.ts';
import { requireCommunity } from '../accounts/scope.ts';
import type { Db } from '../db/client.ts';
import { quotaSnapshots, quotaYearClosures } from '../db/schema/index.ts';
import { ForbiddenError, NotFoundError } from '../http/errors.ts';
import { listClosures } from './closures.ts';
import { listCorrections } from './corrections.ts';
import { evaluateCommunityYear, isCountable, monthlyTrend, rulesOfItem } from './evaluate.ts';
import { communitiesOf, itemFacts, type CommunityFilter, type CommunityInfo, type DetailedFacts } from './facts.ts';
import { computeProgress, progressDto, rollups, ruleResolver, storedProgress, storeProgress } from './progress.ts';
import { ruleSetsUpTo } from './ruleSets.ts';
import { loadYears, pickYear, type YearCalendar } from './years.ts';

/** What quota services need besides the database: "today" (QUOTA_TODAY or the date in Asia/Shanghai) and DATA_DIR. */
export interface QuotaContext {
  readonly db: Db;
  readonly dataDir: string;
  today(): string;
}

/** The communities an actor may see progress of (404 for a county that is not theirs). */
export function visibleFilter(actor: Actor, countyId?: string): CommunityFilter {
  switch (actor.role) {
    case 'admin':
      return countyId ? { countyIds: [countyId] } : { all: true };
    case 'auditor':
      return { countyIds: auditedCountiesAsked(actor, countyId) };
    case 'coordinator':
    case 'teacher':
      return { ids: actor.communityIds };
    default:
      throw new ForbiddenError('Classroom terminals do not see quotas');
  }
}

export const yearsInfo = (years: readonly YearCalendar[], current: YearCalendar) => years.map((y) => ({ label: y.label, startsOn: y.startsOn, endsOn: y.endsOn, current: y.label === current.label }));

/** Active closures of a year by county id. */
async function activeClosures(db: Db, year: string, countyIds: readonly string[]) {
  if (!countyIds.length) return new Map<string, string>();
  const rows = await db
    .select({ id: quotaYearClosures.id, countyId: quotaYearClosures.countyId })
    .from(quotaYearClosures)
    .where(and(eq(quotaYearClosures.academicYear, year), isNull(quotaYearClosures.reopenedAt), inArray(quotaYearClosures.countyId, [...new Set(countyIds)])));
  return new Map(rows.map((r) => [r.countyId, r.id]));
}

async function snapshotsOf(db: Db, closureIds: readonly string[]) {
  if (!closureIds.length) return [];
  return db.select().from(quotaSnapshots).where(inArray(quotaSnapshots.closureId, [...closureIds]));
}

/** Progress of many communities: frozen snapshots for closed counties, stored progress (computed when missing) for the rest. */
export async function progressOf(ctx: QuotaContext, communities: readonly CommunityInfo[], year: YearCalendar): Promise<CommunityProgress[]> {
  const closed = await activeClosures(ctx.db, year.label, communities.map((c) => c.countyId));
  const frozen = new Map((await snapshotsOf(ctx.db, [...closed.values()])).map((s) => [s.communityId, { ...(s.progress as CommunityProgress), frozen: true }]));
  const open = communities.filter((c) => !closed.has(c.countyId));
  const stored = await storedProgress(ctx.db, open.map((c) => c.id), year.label);
  const missing = open.filter((c) => !stored.has(c.id)).map((c) => c.id);
  if (missing.length) {
    const { progress } = await computeProgress(ctx.db, { ids: missing }, year, ctx.today());
    await storeProgress(ctx.db, progress);
    for (const p of progress) stored.set(p.communityId, p);
  }
  return communities.map((c) => frozen.get(c.id) ?? stored.get(c.id)).filter((p): p is CommunityProgress => !!p);
}

export async function overview(ctx: QuotaContext, actor: Actor, q: { academicYear?: string | undefined; countyId?: string | undefined; status?: string | undefined }): Promise<QuotaOverview> {
  const filter = visibleFilter(actor, q.countyId);
  const years = await loadYears(ctx.db);
  const today = ctx.today();
  const year = pickYear(years, today, q.academicYear);
  const communities = await communitiesOf(ctx.db, filter);
  const all = await progressOf(ctx, communities, year);
  const closures = (await listClosures(ctx.db, actor, { academicYear: year.label })).filter((c) => communities.some((x) => x.countyId === c.countyId));
  return {
    academicYear: year.label,
    today,
    years: yearsInfo(years, year),
    communities: q.status ? all.filter((p) => p.status === q.status) : all,
    rollups: rollups(all),
    closures,
  };
}

/** One community's facts, or 404 when it is not the actor's to see. */
export async function communityInfo(db: Db, actor: Actor, communityId: string): Promise<CommunityInfo> {
  if (actor.role === 'classroom') throw new NotFoundError('Community');
  await requireCommunity(db, actor, communityId, 'read');
  const [ci] = await communitiesOf(db, { ids: [communityId] });
  if (!ci) throw new NotFoundError('Community');
  return ci;
}

export function itemViews(rules: Parameters<typeof rulesOfItem>[0], d: DetailedFacts): CountedItemView[] {
  return d.facts.counted.map((i) => ({
    ...i,
    memberSchools: i.memberSchoolIds.map((id) => d.schoolNames.get(id) ?? id),
    ruleIds: rulesOfItem(rules, i, d.facts),
    evidence: d.evidence.get(i.id) ?? { intervals: 0, recordings: 0, verdictRuleIds: [], verdictStatus: null, attachments: 0, minutes: false },
    reason: d.titles.get(i.id)?.reason ?? null,
  }));
}

const KINDS: CountedItemKind[] = ['sync_lesson', 'online_research', 'offline_research'];

/** A community's year computed from its items (the detail page, snapshots, reports). */
export async function communityYear(ctx: QuotaContext, ci: CommunityInfo, year: YearCalendar) {
  const today = ctx.today();
  const [d, ruleRows] = await Promise.all([itemFacts(ctx.db, ci, year, today), ruleSetsUpTo(ctx.db, year.label)]);
  const { row, rules } = ruleResolver(ruleRows, year.label)(ci);
  const evaluated = evaluateCommunityYear(rules, d.facts);
  const items = itemViews(rules, d);
  const countable = d.facts.counted.filter((i) => isCountable(i, d.facts));
  return {
    progress: progressDto(ci, year.label, row, evaluated, new Date()),
    items,
    planned: d.facts.planned.filter((i) => isCountable(i, d.facts)).map(({ kind, id, title, on, subjectCode, mode }) => ({ kind, id, title, on, subjectCode, mode })),
    trend: KINDS.map((kind) => ({ kind, points: monthlyTrend({ period: d.facts.period, counted: countable }, kind) })),
  };
}

export async function communityDetail(ctx: QuotaContext, actor: Actor, communityId: string, academicYear?: string): Promise<CommunityQuotaDetail> {
  const ci = await communityInfo(ctx.db, actor, communityId);
  const years = await loadYears(ctx.db);
  const year = pickYear(years, ctx.today(), academicYear);
  const closureId = (await activeClosures(ctx.db, year.label, [ci.countyId])).get(ci.countyId);
  const corrections = await listCorrections(ctx.db, actor, { communityId, academicYear: year.label });
  const closure = closureId ? ((await listClosures(ctx.db, actor, { academicYear: year.label, countyId: ci.countyId })).find((c) => c.id === closureId) ?? null) : null;
  if (closureId) {
    const [snap] = (await snapshotsOf(ctx.db, [closureId])).filter((s) => s.communityId === communityId);
    if (snap) {
      const items = snap.items as CountedItemView[];
      const period = { startsOn: year.startsOn, endsOn: year.endsOn };
      const countable = items.filter((i) => i.ruleIds.length > 0);
      return {
        progress: { ...(snap.progress as CommunityProgress), frozen: true },
        trend: KINDS.map((kind) => ({ kind, points: monthlyTrend({ period, counted: countable }, kind) })),
        items,
        planned: [],
        corrections,
        closure,
        years: yearsInfo(years, year),
      };
    }
  }
  const y = await communityYear(ctx, ci, year);
  return { ...y, corrections, closure, years: yearsInfo(years, year) };
}
