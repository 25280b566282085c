import type { AppRoute } from '../app/router.tsx';
import { SchoolDetailPage } from './SchoolDetailPage.tsx';
import { SchoolsPage } from './SchoolsPage.tsx';

export const schoolRoutes: AppRoute[] = [
  {
    path: '/schools',
    component: SchoolsPage,
    nav: { labelKey: 'nav.schools', roles: ['admin', 'auditor', 'coordinator', 'teacher', 'classroom'], section: 'organization', icon: 'school', order: 20 },
  },
  { path: '/schools/:schoolId', component: SchoolDetailPage },
];
