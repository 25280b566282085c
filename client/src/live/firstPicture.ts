import type { LiveClient } from '../media/LiveClient.ts';

/**
 * Resolves once `client` has its first remote picture decoded (the `live:first-frame` mark), or
 * has nothing to wait for — refused, ended, live with no remote video — or after `maxMs`. What
 * waits on it (LIVE-SHELL-AFTER-FRAME): the app shell's loading and a classroom's own camera and
 * microphone, so that neither competes with the picture for the page's one thread.
 */
export function whenFirstPicture(client: LiveClient, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    let settled = false;
    const frames = new PerformanceObserver((list) => {
      if (list.getEntriesByName('live:first-frame').length) done();
    });
    const check = () => {
      const view = client.view;
      if (view.state === 'error' || view.state === 'ended' || client.firstFrameMs !== null) return done();
      if (view.state === 'live' && !view.remote.some((r) => r.kind === 'video')) done();
    };
    const unsubscribe = client.subscribe(check);
    const timer = setTimeout(() => done(), maxMs);
    function done() {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      frames.disconnect();
      unsubscribe();
      resolve();
    }
    frames.observe({ type: 'mark' });
    check();
  });
}
