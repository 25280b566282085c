import type { Router } from 'express';
import { api } from '../../shared/api/index.ts';
import type { AppDeps } from '../app.ts';
import { bind } from '../http/route.ts';
import { XLSX_TYPE } from '../http/spreadsheetRead.ts';
import { todayOf } from '../quotas/years.ts';
import { activateAccount } from './activation.ts';
import { credentialsHtml, credentialsXlsx } from './credentials.ts';
import { rosterTemplate } from './read.ts';
import { importRoster, takeCredentials } from './service.ts';

/** The county roster import (schools, classrooms, teachers, accounts) and new accounts' first sign-in. */
export function rosterRoutes(router: Router, deps: AppDeps): void {
  const db = deps.database.db;
  bind(router, api.rosterTemplate, ({ query }) => rosterTemplate(query.format, query.sheet));
  bind(router, api.importRoster, ({ actor, params, body, file }) => importRoster(db, actor, params.countyId, body, file, todayOf(deps.config.quotas.today)));
  bind(router, api.rosterCredentials, async ({ actor, params, body, req, res }) => {
    const { credentials, expiresOn } = await takeCredentials(db, actor, params.importId, body.key);
    const baseUrl = deps.config.publicUrl ?? `${req.protocol}://${req.get('host')}`;
    res.setHeader('Cache-Control', 'no-store');
    if (body.format === 'xlsx') return { contentType: XLSX_TYPE, filename: '账号登录码.xlsx', bytes: await credentialsXlsx(credentials, baseUrl) };
    return { contentType: 'text/html; charset=utf-8', filename: '账号登录码.html', inline: true, bytes: credentialsHtml(credentials, baseUrl, expiresOn) };
  });
  bind(router, api.activateAccount, ({ body }) => activateAccount(db, body));
}
