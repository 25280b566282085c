import { useEffect, useRef } from 'react';
import type { LiveClient, LiveView } from '../media/LiveClient.ts';

/**
 * Push-to-talk for classrooms with bad acoustics (issue #6): the microphone
 * stays off unless the big button or the space bar is held. The choice is kept
 * on the terminal (localStorage), so an unattended terminal joins its next
 * lesson with its microphone off.
 */
const KEY = 'tongbu.live.pushToTalk';

export function pushToTalkPreferred(): boolean {
  try {
    return window.localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

export function setPushToTalkPreferred(on: boolean): void {
  try {
    window.localStorage.setItem(KEY, on ? '1' : '0');
  } catch {
    /* private mode: the choice lasts for this page */
  }
}

/** While `enabled`: space bar down → microphone on, up → off (ignored while typing in a field or when the host muted the classroom). */
export function usePushToTalkKeys(client: LiveClient, view: LiveView, enabled: boolean, talk: (on: boolean) => void): void {
  const held = useRef(false);
  const muted = view.local.mutedByHost;
  useEffect(() => {
    if (!enabled) return;
    const typing = (e: KeyboardEvent) =>
      (e.target instanceof HTMLInputElement && !['checkbox', 'radio', 'button'].includes(e.target.type)) || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement;
    const down = (e: KeyboardEvent) => {
      if (e.code !== 'Space' || e.repeat || typing(e) || muted) return;
      e.preventDefault();
      held.current = true;
      talk(true);
    };
    const up = (e: KeyboardEvent) => {
      if (e.code !== 'Space' || !held.current) return;
      e.preventDefault();
      held.current = false;
      talk(false);
    };
    const blur = () => {
      if (held.current) talk(false);
      held.current = false;
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
    };
  }, [client, enabled, muted, talk]);
}
