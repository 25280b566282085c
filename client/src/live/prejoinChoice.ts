/**
 * What a teacher chose in the pre-join check of a session (camera, microphone), kept for this
 * tab (sessionStorage): a reload in the middle of the lesson joins again at once with the same
 * choice instead of asking again (LIVE-AUTO-JOIN). A new tab asks again.
 */
export interface PreJoinChoice {
  camera: boolean;
  microphone: boolean;
}

const key = (sessionId: string) => `tongbu.live.prejoin.${sessionId}`;

export function rememberPreJoin(sessionId: string, choice: PreJoinChoice): void {
  try {
    window.sessionStorage.setItem(key(sessionId), JSON.stringify({ camera: choice.camera, microphone: choice.microphone }));
  } catch {
    /* storage unavailable: a reload asks again */
  }
}

/** The choice made in this tab for this session, or null (never checked here, or unreadable). */
export function rememberedPreJoin(sessionId: string): PreJoinChoice | null {
  try {
    const raw: unknown = JSON.parse(window.sessionStorage.getItem(key(sessionId)) ?? 'null');
    if (typeof raw !== 'object' || raw === null) return null;
    const { camera, microphone } = raw as Record<string, unknown>;
    return typeof camera === 'boolean' && typeof microphone === 'boolean' ? { camera, microphone } : null;
  } catch {
    return null;
  }
}
