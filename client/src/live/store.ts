import { create } from 'zustand';
import { registerReset } from '../app/storeReset.ts';
import { LiveClient, type LiveView } from '../media/LiveClient.ts';
import { whenFirstPicture } from './firstPicture.ts';

/**
 * The longest the app shell, and a classroom's own camera and microphone, wait for the join's first
 * picture (LIVE-SHELL-AFTER-FRAME): a page whose first picture is slow still gets its controls.
 */
export const FIRST_PICTURE_WAIT_MS = 1_500;

/**
 * The live session of this tab (one at a time): its LiveClient and the latest
 * view of it. `window.tongbuLive` exposes the client for diagnostics (and for
 * the end-to-end tests, which read decoded-frame counts through it).
 */
interface LiveStore {
  client: LiveClient | null;
  view: LiveView | null;
  /** The same account joined from another device. */
  removed: boolean;
  /**
   * `joinStartedAt`: when the user started joining (performance.now()), for join-to-first-frame;
   * `auto`: the page joins by itself, nobody clicked (LIVE-AUTO-JOIN).
   */
  start(sessionId: string, wanted: { camera: boolean; microphone: boolean }, joinStartedAt?: number, options?: { auto?: boolean }): Promise<void>;
  leave(): Promise<void>;
}

declare global {
  interface Window {
    tongbuLive?: LiveClient;
  }
}

/** `?ice=relay` forces TURN (diagnosing a school network; the TURN test uses it). */
function icePolicyFromUrl(): 'relay' | undefined {
  return new URLSearchParams(window.location.search).get('ice') === 'relay' ? 'relay' : undefined;
}

export const useLive = create<LiveStore>()((set, get) => ({
  client: null,
  view: null,
  removed: false,

  async start(sessionId, wanted, joinStartedAt, options = {}) {
    const current = get().client;
    if (current && current.sessionId === sessionId && current.view.state !== 'ended' && current.view.state !== 'error') return;
    if (current) await current.leave();
    const relay = icePolicyFromUrl();
    const client = new LiveClient({ sessionId, auto: !!options.auto, ...(relay ? { iceTransportPolicy: relay } : {}), ...(joinStartedAt !== undefined ? { joinStartedAt } : {}) });
    window.tongbuLive = client;
    client.subscribe(() => set({ view: client.view }));
    client.signaling.on('removed', () => set({ removed: true }));
    set({ client, view: client.view, removed: false });
    await client.start();
    // A classroom sees the lesson before it is seen: its devices and encoder start once the teacher's picture is up.
    if (client.view.permissions?.role === 'classroom') await whenFirstPicture(client, FIRST_PICTURE_WAIT_MS);
    performance.mark('live:publish');
    // Sound first, then picture.
    if (wanted.microphone && client.view.permissions?.publish.includes('microphone')) await client.setMicrophone(true).catch((err: unknown) => console.warn('live: microphone', err));
    if (wanted.camera && client.view.permissions?.publish.includes('camera')) await client.setCamera(true).catch((err: unknown) => console.warn('live: camera', err));
  },

  async leave() {
    const client = get().client;
    set({ client: null, view: null });
    await client?.leave();
  },
}));

registerReset(() => void useLive.getState().leave());
