import type { Router } from 'express';
import { api } from '../../shared/api/index.ts';
import type { AppDeps } from '../app.ts';
import { bind } from '../http/route.ts';
import { auditPage } from './service.ts';

/** The audit trail (issue #5): read-only; rows are written by database triggers. */
export function auditRoutes(router: Router, deps: AppDeps): void {
  bind(router, api.auditLog, ({ actor, query }) => auditPage(deps.database.db, actor, query));
}
