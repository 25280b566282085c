import { useEffect, useState } from 'react';
import { REMINDER_EVENT, REMINDER_WITHDRAWN_EVENT, type Reminder } from '../../../shared/schemas/schedule.ts';
import { onPageEvent } from '../app/socket.ts';
import { useLocation } from '../app/router.tsx';
import { useSession } from '../app/session.ts';
import { useT } from '../i18n/index.ts';
import { Button, Icon } from '../ui/index.ts';
import { localTime } from './grid.ts';

let mounted = 0;

/** A live room's page (`/live/<session id>`), not the live section's other pages. */
const LIVE_ROOM_PATH = /^\/live\/[0-9a-f]{8}-[0-9a-f]{4}-/;

/**
 * Real-time notices for teachers and classroom terminals: "starts in 10 minutes"
 * and, at the start, "join now". Mount it once in the app shell (a second mount
 * stays silent); the server sends each notice once (see server/schedule/reminders.ts).
 */
export function ScheduleReminders({ joinPath = (id: string) => `/live/${id}` }: { joinPath?: (sessionId: string) => string }) {
  const t = useT();
  const signedIn = useSession((s) => s.status === 'signedIn');
  const [notices, setNotices] = useState<Reminder[]>([]);
  const { pathname } = useLocation();

  useEffect(() => {
    if (!signedIn || mounted > 0) return;
    mounted++;
    // Over the page's one connection (app/socket.ts), which signing in again reconnects.
    const stop = [
      onPageEvent(REMINDER_EVENT, (r) => setNotices((n) => [...n.filter((x) => x.sessionId !== r.sessionId), r])),
      onPageEvent(REMINDER_WITHDRAWN_EVENT, (w) => setNotices((n) => n.filter((x) => x.sessionId !== w.sessionId))),
    ];
    return () => {
      mounted--;
      for (const s of stop) s();
    };
  }, [signedIn]);

  // No "join now" for the session whose room is open; in a live room the notices sit at the top,
  // clear of the room's controls at the bottom.
  const shown = notices.filter((n) => pathname !== joinPath(n.sessionId));
  if (shown.length === 0) return null;
  const inLiveRoom = LIVE_ROOM_PATH.test(pathname);
  return (
    <div className={`sched-reminders${inLiveRoom ? ' sched-reminders--top' : ''}`} role="status" aria-live="assertive" data-testid="schedule-reminders">
      {shown.map((n) => (
        <div key={n.sessionId} className={`sched-reminder sched-reminder--${n.kind}`}>
          <Icon name="video" size={18} />
          <div>
            <strong>{n.kind === 'start' ? t('reminder.start', { title: n.title }) : t('reminder.upcoming', { minutes: n.minutesBefore, title: n.title })}</strong>
            <div className="muted">
              {localTime(n.startsAt)}–{localTime(n.endsAt)}
            </div>
          </div>
          {n.kind === 'start' && (
            <a className="btn btn--primary btn--sm" href={joinPath(n.sessionId)}>
              <span>{t('reminder.join')}</span>
            </a>
          )}
          <Button size="sm" variant="ghost" icon="close" aria-label={t('common.close')} onClick={() => setNotices((list) => list.filter((x) => x.sessionId !== n.sessionId))} />
        </div>
      ))}
    </div>
  );
}
