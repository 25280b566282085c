import type { Router } from 'express';
import { api } from '../../shared/api/index.ts';
import type { AppDeps } from '../app.ts';
import { ValidationError } from '../http/errors.ts';
import { bind } from '../http/route.ts';
import { todayOf } from '../quotas/years.ts';
import { createTeacherRotation, getSchoolResources, putSchoolResources } from './entries.ts';
import { countyCsv, countyHtml, countyXlsx } from './report.ts';
import { countyReports, type CountyContext } from './service.ts';
import { addCountyStandard, CountyStandards } from './standards.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The county's reports: coverage, balance, rotation. */
export function countyRoutes(router: Router, deps: AppDeps): void {
  const ctx: CountyContext = { db: deps.database.db, dataDir: deps.config.dataDir, today: () => todayOf(deps.config.quotas.today) };
  bind(router, api.countyReports, ({ actor, query }) => countyReports(ctx, actor, query));
  bind(router, api.countyReportFile, async ({ actor, query }) => {
    const data = await countyReports(ctx, actor, query);
    const name = `tongbu-county-${data.academicYear}`;
    if (query.format === 'csv' && query.sheet === 'compare' && !data.comparison) throw ValidationError.field('sheet', 'a comparison needs two or more counties', 'not_applicable');
    if (query.format === 'csv') return { contentType: 'text/csv; charset=utf-8', filename: `${name}-${query.sheet}.csv`, bytes: countyCsv(data, query.sheet) };
    if (query.format === 'html') return { contentType: 'text/html; charset=utf-8', filename: `${name}.html`, inline: true, bytes: countyHtml(data) };
    return { contentType: XLSX, filename: `${name}.xlsx`, bytes: await countyXlsx(data) };
  });
  bind(router, api.getSchoolResources, ({ actor, params }) => getSchoolResources(ctx.db, actor, params.schoolId, params.academicYear));
  bind(router, api.putSchoolResources, ({ actor, params, body }) => putSchoolResources(ctx.db, actor, params.schoolId, params.academicYear, body));
  bind(router, api.listCountyStandards, async () => (await CountyStandards.load(ctx.db)).list());
  bind(router, api.addCountyStandard, ({ actor, body }) => addCountyStandard(ctx.db, actor, body));
  bind(router, api.createTeacherRotation, ({ actor, body }) => createTeacherRotation(ctx.db, actor, body));
}
