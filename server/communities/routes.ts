import type { Router } from 'express';
import { api } from '../../shared/api/index.ts';
import type { Db } from '../db/client.ts';
import { bind } from '../http/route.ts';
import * as service from './service.ts';

export function communityRoutes(router: Router, db: Db): void {
  bind(router, api.listCommunityTypes, () => service.listCommunityTypes(db));
  bind(router, api.listCommunities, ({ actor }) => service.listCommunities(db, actor));
  bind(router, api.createCommunity, ({ actor, body }) => service.createCommunity(db, actor, body));
  bind(router, api.getCommunity, ({ actor, params }) => service.getCommunity(db, actor, params.communityId));
  bind(router, api.updateCommunity, ({ actor, params, body }) => service.updateCommunity(db, actor, params.communityId, body));
  bind(router, api.addMembership, ({ actor, params, body }) => service.addMembership(db, actor, params.communityId, body));
  bind(router, api.updateMembership, ({ actor, params, body }) => service.updateMembership(db, actor, params.communityId, params.membershipId, body));
  bind(router, api.deleteMembership, ({ actor, params }) => service.deleteMembership(db, actor, params.communityId, params.membershipId));
}
