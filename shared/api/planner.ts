import { endpoint } from '../http/endpoint.ts';
import { CommunityParams } from '../schemas/communities.ts';
import { PlanAccepted, PlanAcceptRequest, PlanPreferences, PlanPreferencesState, PlanProposal, PlanProposeRequest } from '../schemas/planner.ts';

/** The year planner (shared/planner/SPEC.md): propose what keeps a community's rules met, accept it in one act. */
export const plannerApi = {
  getPlanPreferences: endpoint({
    method: 'get', path: '/api/communities/:communityId/plan/preferences', summary: 'The community\'s planning preferences: weekly slots, sessions per teacher per week, lengths, subjects (coordinators)', tag: 'planner',
    params: CommunityParams, response: PlanPreferencesState,
  }),
  savePlanPreferences: endpoint({
    method: 'put', path: '/api/communities/:communityId/plan/preferences', summary: 'Save the community\'s planning preferences (coordinators; audited)', tag: 'planner',
    params: CommunityParams, body: PlanPreferences, response: PlanPreferencesState,
  }),
  proposePlan: endpoint({
    method: 'post', path: '/api/communities/:communityId/plan/propose', summary: 'Propose the sessions, offline research and dispatches that make every rule of the year met with the community\'s miss rate as margin (coordinators)', tag: 'planner',
    params: CommunityParams, body: PlanProposeRequest, response: PlanProposal,
  }),
  acceptPlan: endpoint({
    method: 'post', path: '/api/communities/:communityId/plan/accept', summary: 'Schedule the kept and moved items of a proposal in one act, all or nothing (409 names each item that clashes, with alternatives)', tag: 'planner',
    params: CommunityParams, body: PlanAcceptRequest, response: PlanAccepted, status: 201,
  }),
} as const;
