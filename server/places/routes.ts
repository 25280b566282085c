import type { Router } from 'express';
import { api } from '../../shared/api/index.ts';
import type { Db } from '../db/client.ts';
import { bind } from '../http/route.ts';
import * as places from './service.ts';

export function placesRoutes(router: Router, db: Db): void {
  bind(router, api.listCounties, ({ actor }) => places.listCounties(db, actor));
  bind(router, api.createCounty, ({ actor, body }) => places.createCounty(db, actor, body));
  bind(router, api.listSubjects, () => places.listSubjects(db));
  bind(router, api.createSubject, ({ actor, body }) => places.createSubject(db, actor, body));
  bind(router, api.listSchools, ({ actor, query }) => places.listSchools(db, actor, query));
  bind(router, api.createSchool, ({ actor, body }) => places.createSchool(db, actor, body));
  bind(router, api.getSchool, ({ actor, params }) => places.getSchool(db, actor, params.id));
  bind(router, api.updateSchool, ({ actor, params, body }) => places.updateSchool(db, actor, params.id, body));
  bind(router, api.listClassrooms, ({ actor, params }) => places.listClassrooms(db, actor, params.schoolId));
  bind(router, api.createClassroom, ({ actor, params, body }) => places.createClassroom(db, actor, params.schoolId, body));
  bind(router, api.updateClassroom, ({ actor, params, body }) => places.updateClassroom(db, actor, params.id, body));
  bind(router, api.listTeachers, ({ actor, params }) => places.listTeachers(db, actor, params.schoolId));
  bind(router, api.createTeacher, ({ actor, params, body }) => places.createTeacher(db, actor, params.schoolId, body));
  bind(router, api.updateTeacher, ({ actor, params, body }) => places.updateTeacher(db, actor, params.id, body));
}
