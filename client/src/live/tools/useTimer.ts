import { useEffect, useState } from 'react';
import type { TimerState } from '../../../../shared/schemas/classTools.ts';
import type { LiveClient, LiveView } from '../../media/LiveClient.ts';
import { noteServerNow, serverNow, useTick } from './serverClock.ts';

/** The lesson countdown of the room: its state (asked again after every (re)join) and the seconds left now. */
export function useTimer(client: LiveClient, view: LiveView): { state: TimerState | null; leftMs: number } {
  const [state, setState] = useState<TimerState | null>(null);
  useEffect(() => {
    const apply = (s: TimerState) => {
      noteServerNow(client.signaling, s.serverNow);
      setState(s);
    };
    const off = client.signaling.on('timerChanged', apply);
    if (view.state === 'live') client.signaling.request('timerState', {}).then(apply, () => undefined);
    return off;
  }, [client, view.state]);
  const running = !!state?.running && !!state.endsAt;
  useTick(running);
  const leftMs = !state ? 0 : running ? Math.max(0, Date.parse(state.endsAt!) - serverNow(client.signaling)) : state.remainingMs;
  return { state, leftMs };
}
