import type { LiveSession, SessionStatus } from '../../../shared/schemas/schedule.ts';
import { useT } from '../i18n/index.ts';
import { localTime } from './grid.ts';

/** The drag payload's type: a session id moved to another slot of the week view. */
export const SESSION_DRAG_TYPE = 'application/x-tongbu-session';

/**
 * A session in the calendar. Its kind sets the background, its status the left edge and a
 * word (scheduled, live, delivered, missed, cancelled). A short one (`short`: under 40
 * minutes in the week view) shows time and title on one line; a movable one can be dragged.
 */
export function SessionChip({ s, onOpen, compact, short, movable }: { s: LiveSession; onOpen(s: LiveSession): void; compact?: boolean; short?: boolean; movable?: boolean }) {
  const t = useT();
  const host = s.teachers.find((x) => x.role === 'host');
  const status = t(`schedule.status.${s.status}`);
  return (
    <button
      type="button"
      className={`sched-event sched-event--${s.kind} sched-event--${s.status}${compact ? ' sched-event--compact' : ''}${short ? ' sched-event--short' : ''}${movable ? ' is-movable' : ''}`}
      onClick={(e) => {
        e.stopPropagation();
        onOpen(s);
      }}
      draggable={movable || undefined}
      onDragStart={
        movable
          ? (e) => {
              e.dataTransfer.setData(SESSION_DRAG_TYPE, s.id);
              e.dataTransfer.effectAllowed = 'move';
            }
          : undefined
      }
      data-testid="calendar-event"
      data-session-id={s.id}
      data-status={s.status}
      title={`${localTime(s.startsAt)}–${localTime(s.endsAt)} ${s.title} · ${status}`}
    >
      <span className="sched-event-time">
        {localTime(s.startsAt)}
        {!compact && !short && `–${localTime(s.endsAt)}`}
        {s.status !== 'scheduled' && !compact && <span className="sched-event-status"> · {status}</span>}
      </span>
      <span className="sched-event-title">{s.title}</span>
      {!compact && !short && (
        <span className="sched-event-meta">
          {t(`schedule.kind.${s.kind}`)}
          {host ? ` · ${host.name}` : ''}
        </span>
      )}
    </button>
  );
}

const STATUSES: SessionStatus[] = ['scheduled', 'live', 'delivered', 'missed', 'cancelled'];

/** What the colours mean. */
export function StatusLegend() {
  const t = useT();
  return (
    <ul className="sched-legend" aria-label={t('schedule.legend')} data-testid="calendar-legend">
      {STATUSES.map((s) => (
        <li key={s} className={`sched-legend-item sched-legend-item--${s}`}>
          {t(`schedule.status.${s}`)}
        </li>
      ))}
    </ul>
  );
}
