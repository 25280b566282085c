import { useEffect, useState } from 'react';
import { io } from 'socket.io-client';
import { REMINDER_EVENT, REMINDER_WITHDRAWN_EVENT, Reminder, ReminderWithdrawn } from '../../../shared/schemas/schedule.ts';
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
    const socket = io({ path: '/socket.io', withCredentials: true });
    socket.on(REMINDER_EVENT, (raw: unknown) => {
      const parsed = Reminder.safeParse(raw);
      if (parsed.success) setNotices((n) => [...n.filter((x) => x.sessionId !== parsed.data.sessionId), parsed.data]);
    });
    socket.on(REMINDER_WITHDRAWN_EVENT, (raw: unknown) => {
      const parsed = ReminderWithdrawn.safeParse(raw);
      if (parsed.success) setNotices((n) => n.filter((x) => x.sessionId !== parsed.data.sessionId));
    });
    return () => {
      mounted--;
      socket.close();
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
