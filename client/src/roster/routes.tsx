import type { AppRoute } from '../app/router.tsx';
import { ActivatePage } from './ActivatePage.tsx';
import { RosterImportPage } from './RosterImportPage.tsx';

/** The county roster import, and a new account's first sign-in with its one-time code. */
export const rosterRoutes: AppRoute[] = [
  {
    path: '/schools/import',
    component: RosterImportPage,
    roles: ['admin', 'coordinator'],
    nav: { labelKey: 'nav.roster', roles: ['admin', 'coordinator'], section: 'organization', icon: 'folder', order: 25 },
  },
  { path: '/activate', component: ActivatePage, public: true },
];
