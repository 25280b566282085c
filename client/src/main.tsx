import { liveSessionOfPath } from './live/warmRoute.ts';
import './styles.css';

/**
 * The entry stays tiny: on a live page (classroom terminal, teacher console, patrol) the join
 * starts at once, beside the loading of the app shell instead of after it and after the
 * session check (LIVE-WARM-START, client/src/live/warmStart.ts); every page then loads the
 * shell (app/mount.tsx).
 */
performance.mark('app:entry');
const sessionId = liveSessionOfPath(window.location.pathname);
if (sessionId) void import('./live/warmStart.ts').then((m) => m.warmStart(sessionId));
void import('./app/mount.tsx').then((m) => m.mount(document.getElementById('root')!));
