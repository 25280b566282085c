import { useEffect, useState } from 'react';
import { REMINDER_EVENT, REMINDER_WITHDRAWN_EVENT, type Reminder } from '../../../shared/schemas/schedule.ts';
import { onPageEvent } from '../app/socket.ts';
import { useSession } from '../app/session.ts';
import { useT } from '../i18n/index.ts';
import { Button, Icon } from '../ui/index.ts';
import { localTime } from './grid.ts';

let mounted = 0;

/**
 * Real-time notices for teachers and classroom terminals: "starts in 10 minutes"
 * and, at the start, "join now". Mount it once in the app shell (a second mount
 * stays silent); the server sends each notice once (see server/schedule/reminders.ts).
 */
export function ScheduleReminders({ joinPath = (id: string) => `/live/${id}` }: { joinPath?: (sessionId: string) => string }) {
  const t = useT();
  const signedIn = useSession((s) => s.status === 'signedIn');
  const [notices, setNotices] = useState<Reminder[]>([]);

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

  if (notices.length === 0) return null;
  return (
    <div className="sched-reminders" role="status" aria-live="assertive" data-testid="schedule-reminders">
      {notices.map((n) => (
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
