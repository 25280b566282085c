/**
 * Which live session an address opens, read before anything else of the app has loaded
 * (the entry's warm start, LIVE-WARM-START): `/live/:sessionId` only — not the patrol list,
 * the rules or a report. Depends on nothing, so the entry stays tiny.
 */
const SESSION_PAGE = /^\/live\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/** The session id of a live page's path, or null for every other page. */
export function liveSessionOfPath(pathname: string): string | null {
  return SESSION_PAGE.exec(pathname)?.[1]?.toLowerCase() ?? null;
}
