import { useEffect, useState } from 'react';
import type { PlanPreferences } from '../../../shared/schemas/planner.ts';
import { useT } from '../i18n/index.ts';
import { Button, Card, Field, Select, TextInput } from '../ui/index.ts';

const WEEKDAYS = [1, 2, 3, 4, 5] as const;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * A community's planning preferences (PL-PREFERENCES): weekly slots and sessions per teacher
 * per week. "Save and propose again" saves them for the community and proposes with them.
 */
export function PreferencesCard({ value, saving, onSave }: { value: PlanPreferences | null; saving: boolean; onSave: (p: PlanPreferences) => void }) {
  const t = useT();
  const [slots, setSlots] = useState<PlanPreferences['slots']>([]);
  const [max, setMax] = useState('2');
  const [weekday, setWeekday] = useState('2');
  const [time, setTime] = useState('14:00');
  useEffect(() => {
    if (!value) return;
    setSlots(value.slots);
    setMax(String(value.maxPerWeekPerTeacher));
  }, [value]);
  if (!value) return null;

  const maxN = Number(max);
  const valid = slots.length > 0 && Number.isInteger(maxN) && maxN >= 1 && maxN <= 20;
  const add = () => {
    if (!TIME.test(time) || slots.some((s) => s.weekday === Number(weekday) && s.time === time)) return;
    setSlots([...slots, { weekday: Number(weekday), time }].sort((a, b) => a.weekday - b.weekday || a.time.localeCompare(b.time)));
  };
  return (
    <Card title={t('planner.prefs.title')} subtitle={t('planner.prefs.hint')} testId="plan-prefs">
      <div className="pl-prefs">
        <div className="pl-slots" data-testid="plan-slots">
          {slots.map((s) => (
            <span key={`${s.weekday}-${s.time}`} className="pl-slot" data-slot={`${s.weekday}-${s.time}`}>
              {t(`planner.weekday.${s.weekday}` as 'planner.weekday.1')} {s.time}
              <button type="button" className="pl-slot-x" aria-label={t('planner.remove')} onClick={() => setSlots(slots.filter((x) => x !== s))}>
                ×
              </button>
            </span>
          ))}
        </div>
        <div className="pl-prefs-row">
          <Field label={t('planner.prefs.weekday')}>
            <Select value={weekday} onChange={setWeekday} options={WEEKDAYS.map((d) => ({ value: String(d), label: t(`planner.weekday.${d}`) }))} data-testid="plan-slot-weekday" />
          </Field>
          <Field label={t('planner.prefs.time')}>
            <TextInput value={time} onChange={setTime} type="time" data-testid="plan-slot-time" />
          </Field>
          <Button onClick={add} icon="plus" data-testid="plan-slot-add">{t('planner.prefs.addSlot')}</Button>
          <Field label={t('planner.maxPerWeek')}>
            <TextInput value={max} onChange={setMax} inputMode="numeric" data-testid="plan-max" />
          </Field>
          <Button variant="primary" disabled={!valid} loading={saving} onClick={() => onSave({ ...value, slots, maxPerWeekPerTeacher: maxN })} data-testid="plan-prefs-save">
            {t('planner.prefs.save')}
          </Button>
        </div>
      </div>
    </Card>
  );
}
