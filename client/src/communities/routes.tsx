import type { AppRoute } from '../app/router.tsx';
import { CommunitiesPage } from './CommunitiesPage.tsx';
import { CommunityDetailPage } from './CommunityDetailPage.tsx';
import { CreateCommunityPage } from './CreateCommunityPage.tsx';

export const communityRoutes: AppRoute[] = [
  {
    path: '/communities',
    component: CommunitiesPage,
    nav: { labelKey: 'nav.communities', roles: ['admin', 'auditor', 'coordinator', 'teacher', 'classroom'], section: 'organization', icon: 'communities', order: 10 },
  },
  { path: '/communities/new', component: CreateCommunityPage, roles: ['admin'] },
  { path: '/communities/:communityId', component: CommunityDetailPage },
];
