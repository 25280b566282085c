import { useCallback } from 'react';
import type { LiveSession } from '../../../shared/schemas/schedule.ts';
import { api, call } from '../app/api.ts';
import { useServerT, useT } from '../i18n/index.ts';
import { toast } from '../ui/index.ts';
import { zonedIso } from './grid.ts';

/**
 * Moving a session by dragging it in the week view: the same change as the detail's form
 * (one occurrence, same duration), so the server judges clashes and the calendar as
 * always; a refusal is shown with what it clashes with, and nothing moves.
 */
export function useMoveSession(onMoved: () => void): (s: LiveSession, day: string, time: string) => void {
  const t = useT();
  const tServer = useServerT();
  return useCallback(
    (s: LiveSession, day: string, time: string) => {
      const startsAt = zonedIso(day, time);
      if (startsAt === new Date(s.startsAt).toISOString()) return;
      const endsAt = new Date(Date.parse(startsAt) + (Date.parse(s.endsAt) - Date.parse(s.startsAt))).toISOString();
      void call(api.updateSession, { params: { id: s.id }, body: { startsAt, endsAt, scope: 'one' } }).then((res) => {
        if (res.ok) {
          toast.success(t('schedule.moved', { when: `${day} ${time}` }));
          onMoved();
        } else {
          toast.error(tServer(res.error.conflict?.description ?? res.error.message));
        }
      });
    },
    [t, tServer, onMoved],
  );
}
