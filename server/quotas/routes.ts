import type { Router } from 'express';
import { api } from '../../shared/api/index.ts';
import type { AppDeps } from '../app.ts';
import { withActor } from '../audit/actor.ts';
import { bind } from '../http/route.ts';
import { closeYear, listClosures, reopenYear } from './closures.ts';
import { correctionFile, createCorrection, deleteCorrection, listCorrections } from './corrections.ts';
import { itemEvidence } from './evidence.ts';
import { reportData, toCsv, toHtml, toXlsx } from './report.ts';
import { createRuleSet, listRuleSets, resolveRuleSet } from './ruleSets.ts';
import { communityDetail, communityInfo, overview, visibleFilter, yearsInfo, type QuotaContext } from './service.ts';
import { communityStSummary } from './stSummary.ts';
import { todayOf } from './years.ts';
import { pickYear, loadYears } from './years.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function quotaContext(deps: AppDeps): QuotaContext {
  return { db: deps.database.db, dataDir: deps.config.dataDir, today: () => todayOf(deps.config.quotas.today) };
}

/** Quota tracker (issue #5): progress, evidence, corrections, rules, year closing, reports. */
export function quotaRoutes(router: Router, deps: AppDeps): void {
  const ctx = quotaContext(deps);
  const db = ctx.db;

  bind(router, api.quotaOverview, ({ actor, query }) => overview(ctx, actor, query));
  bind(router, api.communityQuota, ({ actor, params, query }) => communityDetail(ctx, actor, params.communityId, query.academicYear));
  bind(router, api.communitySt, async ({ actor, params, query }) => {
    await communityInfo(db, actor, params.communityId);
    const years = await loadYears(db);
    const year = pickYear(years, ctx.today(), query.academicYear);
    const summary = await communityStSummary(db, params.communityId, year);
    return { ...summary, years: yearsInfo(years, year).map((y) => ({ label: y.label, current: y.current })) };
  });
  bind(router, api.quotaEvidence, ({ actor, params }) => itemEvidence(ctx, actor, params.kind, params.id));
  bind(router, api.quotaReport, async ({ actor, query }) => {
    const data = await reportData(ctx, actor, query);
    const name = `tongbu-quotas-${data.academicYear}`;
    if (query.format === 'csv') return { contentType: 'text/csv; charset=utf-8', filename: `${name}-${query.sheet}.csv`, bytes: toCsv(data, query.sheet) };
    if (query.format === 'html') return { contentType: 'text/html; charset=utf-8', filename: `${name}.html`, inline: true, bytes: toHtml(data) };
    return { contentType: XLSX, filename: `${name}.xlsx`, bytes: await toXlsx(data) };
  });

  bind(router, api.listCorrections, ({ actor, query }) => listCorrections(db, actor, query));
  bind(router, api.createCorrection, ({ actor, params, body, file }) => createCorrection(ctx, actor, params.communityId, body, file));
  bind(router, api.deleteCorrection, ({ actor, params }) => deleteCorrection(ctx, actor, params.id));
  bind(router, api.downloadCorrectionAttachment, ({ actor, params }) => correctionFile(ctx, actor, params.id, params.attachmentId));

  bind(router, api.listQuotaRuleSets, ({ actor, query }) => listRuleSets(db, actor, query));
  bind(router, api.resolveQuotaRuleSet, async ({ actor, query }) => {
    visibleFilter(actor); // classroom terminals do not see quotas
    const year = pickYear(await loadYears(db), ctx.today(), query.academicYear);
    return resolveRuleSet(db, actor, query.countyId, year.label);
  });
  bind(router, api.createQuotaRuleSet, ({ actor, body }) => withActor(db, actor, (tx) => createRuleSet(tx, actor, body)));

  bind(router, api.listYearClosures, ({ actor, query }) => listClosures(db, actor, query));
  bind(router, api.closeYear, ({ actor, body }) => closeYear(ctx, actor, body));
  bind(router, api.reopenYear, ({ actor, params, body }) => reopenYear(ctx, actor, params.id, body.reason));
}
