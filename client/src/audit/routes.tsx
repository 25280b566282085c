import { lazyPage } from '../app/lazyPage.tsx';
import type { AppRoute } from '../app/router.tsx';

const Audit = lazyPage(() => import('./AuditPage.tsx'), (m) => m.AuditPage);

/**
 * The audit trail (issue #5): who created, changed or deleted what, when, before and after.
 * Admins see everything, auditors their county (and region-wide rules), coordinators their
 * communities — the API decides; the page shows what it answers.
 */
export const auditRoutes: AppRoute[] = [
  {
    path: '/audit',
    component: Audit,
    roles: ['admin', 'auditor', 'coordinator'],
    nav: { labelKey: 'nav.audit', roles: ['admin', 'auditor', 'coordinator'], section: 'overview', icon: 'history', order: 12 },
  },
];
