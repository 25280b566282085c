import type { AppRoute } from '../app/router.tsx';
import { HomePage } from './HomePage.tsx';

export const homeRoutes: AppRoute[] = [
  { path: '/', component: HomePage, nav: { labelKey: 'nav.home', roles: ['admin', 'auditor', 'coordinator', 'teacher', 'classroom'], section: 'overview', icon: 'home', order: 0 } },
];
