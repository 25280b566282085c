import type { PlanItem } from '../../../shared/schemas/planner.ts';
import { addDays, mondayOf } from '../../../shared/schedule/time.ts';
import { useT } from '../i18n/index.ts';

const WEEKDAYS = [1, 2, 3, 4, 5] as const;

/**
 * The proposal as a calendar: one row per teaching week, Monday to Friday, each day with its
 * items (a dispatch on its first day). Removing is the "×" on an item; moving is the date in
 * the list (dragging is not offered).
 */
export function PlanCalendar({ items, onRemove }: { items: readonly PlanItem[]; onRemove: (key: string) => void }) {
  const t = useT();
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
              <div key={d} className="pl-cal-day" role="cell" data-day={day}>
                <span className="pl-cal-date muted">{day.slice(8)}</span>
                {(byDay.get(day) ?? [])
                  .sort((a, b) => (a.startTime ?? '').localeCompare(b.startTime ?? ''))
                  .map((i) => (
                    <span key={i.key} className={`pl-chip pl-chip--${i.kind}`} data-testid={`plan-chip-${i.key}`} title={`${i.title} · ${i.who}${i.where ? ` · ${i.where}` : ''}`}>
                      {i.startTime ?? ''} {i.title}
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
