import type { AppRoute } from '../app/router.tsx';
import { AccountsPage } from './AccountsPage.tsx';

export const accountRoutes: AppRoute[] = [
  {
    path: '/accounts',
    component: AccountsPage,
    roles: ['admin', 'coordinator'],
    nav: { labelKey: 'nav.accounts', roles: ['admin', 'coordinator'], section: 'system', icon: 'accounts', order: 10 },
  },
];
