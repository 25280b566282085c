import { useEffect, useRef, useState } from 'react';
import type { LiveSession } from '../../../shared/schemas/schedule.ts';
import { toZoned } from '../../../shared/schedule/time.ts';
import { todayIso } from '../app/format.ts';
import { useLocale, useT } from '../i18n/index.ts';
import { byLocalDay, DAY_END_HOUR, DAY_START_HOUR, placeWeek, SCHOOL_ZONE, SLOT_MINUTES } from './grid.ts';
import { SESSION_DRAG_TYPE, SessionChip } from './SessionChip.tsx';

const PX_PER_MINUTE = 1.5; // 30-minute slots are 45 px tall: a 40-minute lesson shows time, title and teacher
const weekdayName = (locale: string, day: string) => new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));

export interface WeekViewProps {
  days: readonly string[];
  sessions: readonly LiveSession[];
  onOpen(s: LiveSession): void;
  /** Clicking an empty slot (absent when the user may not schedule). */
  onSlot?: ((day: string, time: string) => void) | undefined;
  /** Which sessions the user may drag to another slot, and what a drop does (the server checks clashes). */
  canMove?: ((s: LiveSession) => boolean) | undefined;
  onMove?: ((s: LiveSession, day: string, time: string) => void) | undefined;
}

/** Minutes since the grid's first hour, now, in the school zone. */
function nowMinutes(): number {
  const time = toZoned(new Date(), SCHOOL_ZONE).time;
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)) - DAY_START_HOUR * 60;
}

/** Redraws the "now" line every minute. */
function useNow(): number {
  const [minutes, setMinutes] = useState(nowMinutes);
  useEffect(() => {
    const timer = setInterval(() => setMinutes(nowMinutes()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return minutes;
}

export function WeekView({ days, sessions, onOpen, onSlot, canMove, onMove }: WeekViewProps) {
  const locale = useLocale();
  const today = todayIso();
  const placed = placeWeek(sessions, days);
  const now = useNow();
  const nowInGrid = days.includes(today) && now >= 0 && now <= (DAY_END_HOUR - DAY_START_HOUR) * 60;
  // The week that holds today opens at the current time (once per week shown).
  const nowLine = useRef<HTMLDivElement>(null);
  const week = days[0];
  useEffect(() => {
    nowLine.current?.scrollIntoView?.({ block: 'center' });
  }, [week]);
  const [dropAt, setDropAt] = useState<string | null>(null);
  const byId = new Map(sessions.map((x) => [x.id, x]));
  const drop = (day: string, time: string) => (e: React.DragEvent) => {
    e.preventDefault();
    setDropAt(null);
    const moved = byId.get(e.dataTransfer.getData(SESSION_DRAG_TYPE));
    if (moved && onMove) onMove(moved, day, time);
  };
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
                className={`sched-slot${onSlot ? ' is-clickable' : ''}${dropAt === `${d}T${time}` ? ' is-drop' : ''}`}
                style={{ height: SLOT_MINUTES * PX_PER_MINUTE }}
                data-testid="calendar-slot"
                data-slot={`${d}T${time}`}
                onClick={onSlot ? () => onSlot(d, time) : undefined}
                onDragOver={
                  onMove
                    ? (e) => {
                        if (!e.dataTransfer.types.includes(SESSION_DRAG_TYPE)) return;
                        e.preventDefault();
                        setDropAt(`${d}T${time}`);
                      }
                    : undefined
                }
                onDrop={onMove ? drop(d, time) : undefined}
              />
            ))}
            {d === today && nowInGrid && <div ref={nowLine} className="sched-now" style={{ top: now * PX_PER_MINUTE }} data-testid="calendar-now" />}
            {placed
              .filter((p) => p.day === d)
              .map((p) => (
                <div
                  key={p.session.id}
                  className="sched-event-wrap"
                  style={{ top: p.top * PX_PER_MINUTE, height: p.height * PX_PER_MINUTE, left: `${(p.lane / p.lanes) * 100}%`, width: `${100 / p.lanes}%` }}
                >
                  <SessionChip s={p.session} onOpen={onOpen} short={p.height < 40} movable={Boolean(onMove && canMove?.(p.session))} />
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

/**
 * The week on a phone: one list per day (seven columns do not fit a 390-px screen), with
 * the same chips; today first when it is in the week.
 */
export function AgendaView({ days, sessions, onOpen }: { days: readonly string[]; sessions: readonly LiveSession[]; onOpen(s: LiveSession): void }) {
  const t = useT();
  const locale = useLocale();
  const today = todayIso();
  const grouped = byLocalDay(sessions);
  return (
    <div className="sched-agenda" data-testid="calendar-agenda">
      {days.map((d) => {
        const list = grouped.get(d) ?? [];
        return (
          <section key={d} className={`sched-agenda-day${d === today ? ' is-today' : ''}`} data-agenda-day={d}>
            <h3>
              {weekdayName(locale, d)} <span className="num">{d.slice(5).replace('-', '/')}</span>
            </h3>
            {list.length === 0 ? <p className="muted">{t('schedule.agendaNone')}</p> : list.map((s) => <SessionChip key={s.id} s={s} onOpen={onOpen} />)}
          </section>
        );
      })}
    </div>
  );
}

/** Whether the screen is a phone's (the calendar then lists days instead of a grid). */
export function useNarrowScreen(maxWidth = 640): boolean {
  const query = `(max-width: ${maxWidth}px)`;
  const [narrow, setNarrow] = useState(() => typeof window !== 'undefined' && window.matchMedia?.(query).matches === true);
  useEffect(() => {
    const list = window.matchMedia?.(query);
    if (!list) return;
    const change = () => setNarrow(list.matches);
    list.addEventListener('change', change);
    return () => list.removeEventListener('change', change);
  }, [query]);
  return narrow;
}
