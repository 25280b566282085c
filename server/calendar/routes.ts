import type { Router } from 'express';
import { api } from '../../shared/api/index.ts';
import type { Db } from '../db/client.ts';
import { bind } from '../http/route.ts';
import * as service from './service.ts';

export function calendarRoutes(router: Router, db: Db): void {
  bind(router, api.listAcademicYears, () => service.listAcademicYears(db));
  bind(router, api.createAcademicYear, ({ actor, body }) => service.saveAcademicYear(db, actor, body));
  bind(router, api.replaceAcademicYear, ({ actor, params, body }) => service.saveAcademicYear(db, actor, body, params.id));
}
