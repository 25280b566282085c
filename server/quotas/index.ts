// The quota tracker (issue #5): see README.md.
export { quotaRoutes, quotaContext } from './routes.ts';
export { quotaRealtime, quotaLiveOf } from './realtime.ts';
export { evaluateCommunityYear, evaluateTally, tallyOf } from './evaluate.ts';
export { recompute, computeProgress } from './progress.ts';
