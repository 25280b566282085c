import { lazyPage } from '../app/lazyPage.tsx';
import type { AppRoute } from '../app/router.tsx';

const NodesPage = lazyPage(() => import('./NodesPage.tsx'), (m) => m.NodesPage);

/** The administrator's list of app nodes and the lessons each hosts (server/cluster/). */
export const clusterRoutes: AppRoute[] = [
  {
    path: '/system/nodes',
    component: NodesPage,
    roles: ['admin'],
    nav: { labelKey: 'nav.nodes', roles: ['admin'], section: 'system', icon: 'terminal', order: 30 },
  },
];
