import type { LiveSession } from '../../../shared/schemas/schedule.ts';
import { todayIso } from '../app/format.ts';
import { useLocale, useT } from '../i18n/index.ts';
import { byLocalDay, DAY_END_HOUR, DAY_START_HOUR, localTime, placeWeek, SLOT_MINUTES } from './grid.ts';

const PX_PER_MINUTE = 1.5; // 30-minute slots are 45 px tall: a 40-minute lesson shows time, title and teacher
const weekdayName = (locale: string, day: string) => new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));

function SessionChip({ s, onOpen, compact }: { s: LiveSession; onOpen(s: LiveSession): void; compact?: boolean }) {
  const t = useT();
  const host = s.teachers.find((x) => x.role === 'host');
  return (
    <button
      type="button"
      className={`sched-event sched-event--${s.kind} sched-event--${s.status}${compact ? ' sched-event--compact' : ''}`}
      onClick={(e) => {
        e.stopPropagation();
        onOpen(s);
      }}
      data-testid="calendar-event"
      data-session-id={s.id}
      title={`${localTime(s.startsAt)}–${localTime(s.endsAt)} ${s.title}`}
    >
      <span className="sched-event-time">
        {localTime(s.startsAt)}
        {!compact && `–${localTime(s.endsAt)}`}
      </span>
      <span className="sched-event-title">{s.title}</span>
      {!compact && (
        <span className="sched-event-meta">
          {t(`schedule.kind.${s.kind}`)}
          {host ? ` · ${host.name}` : ''}
        </span>
      )}
    </button>
  );
}

export interface WeekViewProps {
  days: readonly string[];
  sessions: readonly LiveSession[];
  onOpen(s: LiveSession): void;
  /** Clicking an empty slot (absent when the user may not schedule). */
  onSlot?: ((day: string, time: string) => void) | undefined;
}

export function WeekView({ days, sessions, onOpen, onSlot }: WeekViewProps) {
  const locale = useLocale();
  const today = todayIso();
  const placed = placeWeek(sessions, days);
  const slots = Array.from({ length: ((DAY_END_HOUR - DAY_START_HOUR) * 60) / SLOT_MINUTES }, (_, i) => {
    const minutes = DAY_START_HOUR * 60 + i * SLOT_MINUTES;
    return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  });
  return (
    <div className="sched-week" data-testid="calendar-week">
      <div className="sched-week-head">
        <div className="sched-gutter" />
        {days.map((d) => (
          <div key={d} className={`sched-dayhead${d === today ? ' is-today' : ''}`}>
            <span>{weekdayName(locale, d)}</span>
            <strong>{d.slice(5).replace('-', '/')}</strong>
          </div>
        ))}
      </div>
      <div className="sched-week-body">
        <div className="sched-gutter">
          {slots.map((s) => (
            <div key={s} className="sched-hour" style={{ height: SLOT_MINUTES * PX_PER_MINUTE }}>
              {s.endsWith(':00') ? s : ''}
            </div>
          ))}
        </div>
        {days.map((d) => (
          <div key={d} className={`sched-daycol${d === today ? ' is-today' : ''}`} data-day={d}>
            {slots.map((time) => (
              <div
                key={time}
                className={`sched-slot${onSlot ? ' is-clickable' : ''}`}
                style={{ height: SLOT_MINUTES * PX_PER_MINUTE }}
                data-testid="calendar-slot"
                data-slot={`${d}T${time}`}
                onClick={onSlot ? () => onSlot(d, time) : undefined}
              />
            ))}
            {placed
              .filter((p) => p.day === d)
              .map((p) => (
                <div
                  key={p.session.id}
                  className="sched-event-wrap"
                  style={{ top: p.top * PX_PER_MINUTE, height: p.height * PX_PER_MINUTE, left: `${(p.lane / p.lanes) * 100}%`, width: `${100 / p.lanes}%` }}
                >
                  <SessionChip s={p.session} onOpen={onOpen} />
                </div>
              ))}
          </div>
        ))}
      </div>
    </div>
  );
}

export interface MonthViewProps {
  days: readonly string[];
  month: string;
  sessions: readonly LiveSession[];
  onOpen(s: LiveSession): void;
  onDay(day: string): void;
}

export function MonthView({ days, month, sessions, onOpen, onDay }: MonthViewProps) {
  const t = useT();
  const locale = useLocale();
  const today = todayIso();
  const grouped = byLocalDay(sessions);
  const MAX = 3;
  return (
    <div className="sched-month" data-testid="calendar-month">
      {days.slice(0, 7).map((d) => (
        <div key={`h${d}`} className="sched-month-head">
          {weekdayName(locale, d)}
        </div>
      ))}
      {days.map((d) => {
        const list = grouped.get(d) ?? [];
        return (
          <div key={d} className={`sched-month-day${d.slice(0, 7) !== month ? ' is-other' : ''}${d === today ? ' is-today' : ''}`} data-day={d}>
            <button type="button" className="sched-month-date" onClick={() => onDay(d)}>
              {Number(d.slice(8))}
            </button>
            {list.slice(0, MAX).map((s) => (
              <SessionChip key={s.id} s={s} onOpen={onOpen} compact />
            ))}
            {list.length > MAX && (
              <button type="button" className="sched-month-more" onClick={() => onDay(d)}>
                {t('schedule.more', { n: list.length - MAX })}
              </button>
            )}
          </div>
        );
      })}
    </div>
  );
}
