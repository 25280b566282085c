import { liveSessionOfPath } from './live/warmRoute.ts';
import './styles.css';

/**
 * The entry stays tiny: on a live page (classroom terminal, teacher console, patrol) the join
 * starts at once, before the app shell and the session check (LIVE-WARM-START,
 * client/src/live/warmStart.ts), and the shell loads once the first picture is on the page
 * (LIVE-SHELL-AFTER-FRAME); every other page loads the shell (app/mount.tsx) at once.
 */
performance.mark('app:entry');
const sessionId = liveSessionOfPath(window.location.pathname);
const mountShell = () => void import('./app/mount.tsx').then((m) => m.mount(document.getElementById('root')!));
if (sessionId) void import('./live/warmStart.ts').then((m) => m.warmStart(sessionId)).then(mountShell, mountShell);
else mountShell();
