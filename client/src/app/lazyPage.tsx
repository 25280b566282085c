import { lazy, Suspense, type ComponentType } from 'react';
import { Spinner } from '../ui/index.ts';
import type { RouteProps } from './router.tsx';

/**
 * A page whose code loads only when it is first opened (mediasoup-client, ECharts…),
 * so the rest of the app stays small on a rural link; a spinner shows meanwhile.
 */
export function lazyPage<M>(load: () => Promise<M>, pick: (module: M) => ComponentType<RouteProps>): ComponentType<RouteProps> {
  const Lazy = lazy(() => load().then((m) => ({ default: pick(m) })));
  return function LazyPage(props: RouteProps) {
    return (
      <Suspense fallback={<Spinner />}>
        <Lazy {...props} />
      </Suspense>
    );
  };
}
