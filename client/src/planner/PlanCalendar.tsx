import { useState } from 'react';
import type { PlanItem } from '../../../shared/schemas/planner.ts';
import { addDays, mondayOf } from '../../../shared/schedule/time.ts';
import { useT } from '../i18n/index.ts';

const ITEM_DRAG_TYPE = 'application/x-tongbu-plan-item';

const WEEKDAYS = [1, 2, 3, 4, 5] as const;

/**
 * The proposal as a calendar: one row per teaching week, Monday to Friday, each day with its
 * items (a dispatch on its first day). Removing is the "×" on an item; moving is dragging it to
 * another day (same time) or the date in the list; `problems` are the live clash check's words.
 */
export function PlanCalendar({ items, onRemove, onMove, problems = {} }: { items: readonly PlanItem[]; onRemove: (key: string) => void; onMove?: (key: string, date: string) => void; problems?: Record<string, string> }) {
  const t = useT();
  const [over, setOver] = useState<string | null>(null);
  if (!items.length) return null;
  const byDay = new Map<string, PlanItem[]>();
  for (const i of items) byDay.set(i.date, [...(byDay.get(i.date) ?? []), i]);
  const mondays = [...new Set(items.map((i) => mondayOf(i.date)))].sort();
  return (
    <div className="pl-cal" data-testid="plan-calendar" role="table" aria-label={t('planner.view.calendar')}>
      <div className="pl-cal-row pl-cal-head" role="row">
        <span role="columnheader" />
        {WEEKDAYS.map((d) => (
          <span key={d} role="columnheader">{t(`planner.weekday.${d}`)}</span>
        ))}
      </div>
      {mondays.map((monday) => (
        <div key={monday} className="pl-cal-row" role="row" data-week={monday}>
          <span className="pl-cal-week muted" role="rowheader">{monday.slice(5)}</span>
          {WEEKDAYS.map((d) => {
            const day = addDays(monday, d - 1);
            return (
              <div
                key={d}
                className={`pl-cal-day${over === day ? ' is-drop' : ''}`}
                role="cell"
                data-day={day}
                onDragOver={
                  onMove
                    ? (e) => {
                        if (!e.dataTransfer.types.includes(ITEM_DRAG_TYPE)) return;
                        e.preventDefault();
                        setOver(day);
                      }
                    : undefined
                }
                onDragLeave={() => setOver((o) => (o === day ? null : o))}
                onDrop={
                  onMove
                    ? (e) => {
                        e.preventDefault();
                        setOver(null);
                        const key = e.dataTransfer.getData(ITEM_DRAG_TYPE);
                        if (key) onMove(key, day);
                      }
                    : undefined
                }
              >
                <span className="pl-cal-date muted">{day.slice(8)}</span>
                {(byDay.get(day) ?? [])
                  .sort((a, b) => (a.startTime ?? '').localeCompare(b.startTime ?? ''))
                  .map((i) => (
                    <span
                      key={i.key}
                      className={`pl-chip pl-chip--${i.kind}${problems[i.key] ? ' pl-chip--clash' : ''}`}
                      data-testid={`plan-chip-${i.key}`}
                      title={`${i.title} · ${i.who}${i.where ? ` · ${i.where}` : ''}${problems[i.key] ? ` · ${problems[i.key]}` : ''}`}
                      draggable={onMove ? true : undefined}
                      onDragStart={onMove ? (e) => (e.dataTransfer.setData(ITEM_DRAG_TYPE, i.key), (e.dataTransfer.effectAllowed = 'move')) : undefined}
                    >
                      {i.startTime ?? ''} {i.title}
                      {problems[i.key] && <span className="pl-chip-problem" data-testid={`plan-chip-problem-${i.key}`}>{problems[i.key]}</span>}
                      <button type="button" className="pl-slot-x" aria-label={`${t('planner.remove')} ${i.title}`} onClick={() => onRemove(i.key)}>
                        ×
                      </button>
                    </span>
                  ))}
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
}
