import { lazyPage } from '../app/lazyPage.tsx';
import type { AppRoute } from '../app/router.tsx';

// ECharts loads only when a quota page opens.
const Overview = lazyPage(() => import('./OverviewPage.tsx'), (m) => m.QuotaOverviewPage);
const Community = lazyPage(() => import('./CommunityPage.tsx'), (m) => m.QuotaCommunityPage);
const Evidence = lazyPage(() => import('./EvidencePage.tsx'), (m) => m.QuotaEvidencePage);
const Rules = lazyPage(() => import('./RulesPage.tsx'), (m) => m.QuotaRulesPage);
const NewRuleSet = lazyPage(() => import('./RuleSetEditorPage.tsx'), (m) => m.QuotaRuleSetNewPage);

/**
 * Quota tracker (issue #5): coordinators see their communities' year, auditors every
 * community of their county (with roll-ups and exports), down to each counted item's evidence.
 * The rules they are judged by (versioned per region and year) and closing a year: admins
 * change them, auditors and coordinators read them.
 */
export const quotaRoutes: AppRoute[] = [
  {
    path: '/quotas',
    component: Overview,
    roles: ['admin', 'auditor', 'coordinator'],
    nav: { labelKey: 'nav.quotas', roles: ['admin', 'auditor', 'coordinator'], section: 'overview', icon: 'chart', order: 10 },
  },
  { path: '/quotas/communities/:communityId', component: Community, roles: ['admin', 'auditor', 'coordinator'] },
  { path: '/quotas/evidence/:kind/:id', component: Evidence, roles: ['admin', 'auditor', 'coordinator'] },
  {
    path: '/quota-rules',
    component: Rules,
    roles: ['admin', 'auditor', 'coordinator'],
    nav: { labelKey: 'nav.quotaRules', roles: ['admin', 'auditor', 'coordinator'], section: 'overview', icon: 'list', order: 11 },
  },
  { path: '/quota-rules/new', component: NewRuleSet, roles: ['admin'] },
];
