import { describe, expect, it } from 'vitest';
import { addDays, fromZoned, localDaysWindow, mondayOf, parseLocalDate, parseLocalTime, toZoned, zoneOffsetMinutes } from '../../shared/schedule/time.ts';
import { calendarIssueOn, expandWeekly, type SchoolCalendar } from '../../server/schedule/calendarRules.ts';

const calendar: SchoolCalendar = {
  terms: [
    { name: '秋季学期', startsOn: '2026-09-01', endsOn: '2027-01-22' },
    { name: '春季学期', startsOn: '2027-02-22', endsOn: '2027-07-02' },
  ],
  holidays: [
    { name: '国庆节', startsOn: '2026-10-01', endsOn: '2026-10-07' },
    { name: '元旦', startsOn: '2027-01-01', endsOn: '2027-01-03' },
  ],
};

describe('zoned time', () => {
  it('07:30 in Beijing is 23:30 UTC of the day before, and back', () => {
    const instant = fromZoned('2027-01-01', '07:30', 'Asia/Shanghai');
    expect(instant.toISOString()).toBe('2026-12-31T23:30:00.000Z');
    expect(toZoned(instant, 'Asia/Shanghai')).toEqual({ date: '2027-01-01', time: '07:30', isoWeekday: 5 });
    expect(toZoned(instant, 'UTC')).toEqual({ date: '2026-12-31', time: '23:30', isoWeekday: 4 });
    expect(zoneOffsetMinutes(instant, 'Asia/Shanghai')).toBe(480);
  });

  it('handles zones with daylight saving on both sides of the change', () => {
    // Europe/Berlin: CET +1 until 28 March 2027 02:00, then CEST +2.
    expect(fromZoned('2027-03-27', '09:00', 'Europe/Berlin').toISOString()).toBe('2027-03-27T08:00:00.000Z');
    expect(fromZoned('2027-03-29', '09:00', 'Europe/Berlin').toISOString()).toBe('2027-03-29T07:00:00.000Z');
  });

  it('does calendar arithmetic across months, years and leap days', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(mondayOf('2026-11-29')).toBe('2026-11-23');
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
  });
});

describe('academic calendar', () => {
  it('names the holiday, or says the date is outside the terms and when the next term starts', () => {
    expect(calendarIssueOn(calendar, '2026-10-03')).toMatchObject({ kind: 'holiday', name: '国庆节' });
    expect(calendarIssueOn(calendar, '2027-02-01', 'en')).toMatchObject({ kind: 'outside_term', name: '春季学期', description: expect.stringContaining('2027-02-22') });
    expect(calendarIssueOn(calendar, '2026-11-24')).toBeNull();
    expect(calendarIssueOn(calendar, '2027-01-22')).toBeNull();
  });
});

describe('weekly recurrence', () => {
  const first = { startsAt: fromZoned('2026-09-24', '07:30', 'Asia/Shanghai'), endsAt: fromZoned('2026-09-24', '08:10', 'Asia/Shanghai') };

  it('skips the holiday week and keeps the local time (the UTC date is the day before)', () => {
    const plan = expandWeekly(first, 'Asia/Shanghai', { intervalWeeks: 1, until: '2026-10-15' }, calendar);
    expect(plan.occurrences.map((o) => o.date)).toEqual(['2026-09-24', '2026-10-08', '2026-10-15']);
    expect(plan.occurrences.map((o) => o.startsAt.toISOString())).toEqual(['2026-09-23T23:30:00.000Z', '2026-10-07T23:30:00.000Z', '2026-10-14T23:30:00.000Z']);
    expect(plan.occurrences.every((o) => o.endsAt.getTime() - o.startsAt.getTime() === 40 * 60_000)).toBe(true);
    expect(plan.skipped).toEqual([{ date: '2026-10-01', reason: expect.stringContaining('国庆节') }]);
  });

  it('counts only real lessons, jumping the winter break', () => {
    const jan = { startsAt: fromZoned('2027-01-14', '09:00', 'Asia/Shanghai'), endsAt: fromZoned('2027-01-14', '09:40', 'Asia/Shanghai') };
    const plan = expandWeekly(jan, 'Asia/Shanghai', { intervalWeeks: 2, count: 3 }, calendar);
    expect(plan.occurrences.map((o) => o.date)).toEqual(['2027-01-14', '2027-02-25', '2027-03-11']);
    expect(plan.skipped.map((s) => s.date)).toEqual(['2027-01-28', '2027-02-11']);
  });

  it('never plans more than 100 occurrences or further than 400 days', () => {
    const plan = expandWeekly(first, 'Asia/Shanghai', { intervalWeeks: 1, until: '2035-01-01' }, { terms: [{ name: 't', startsOn: '2000-01-01', endsOn: '2100-01-01' }], holidays: [] });
    expect(plan.occurrences.length).toBeLessThanOrEqual(100);
    expect(plan.occurrences.at(-1)!.date <= addDays('2026-09-24', 400)).toBe(true);
  });
});

describe('strict local dates and times', () => {
  it('refuses days and months that do not exist instead of rolling them over', () => {
    expect(parseLocalDate('2027-02-31')).toBeNull();
    expect(parseLocalDate('2027-13-01')).toBeNull();
    expect(parseLocalDate('2027-00-10')).toBeNull();
    expect(parseLocalDate('2027-02-29')).toBeNull();
    expect(parseLocalDate('2028-02-29')).toBe('2028-02-29');
    expect(parseLocalDate('2027-04-30')).toBe('2027-04-30');
    expect(parseLocalDate('2027/04/30')).toBeNull();
  });
  it('refuses hours past 23 and minutes past 59; pads H:MM', () => {
    expect(parseLocalTime('25:00')).toBeNull();
    expect(parseLocalTime('24:00')).toBeNull();
    expect(parseLocalTime('09:60')).toBeNull();
    expect(parseLocalTime('9:05')).toBe('09:05');
    expect(parseLocalTime('23:59')).toBe('23:59');
  });
});

describe('localDaysWindow', () => {
  it('bounds whole local days: Beijing 4 December is 3 Dec 16:00 UTC to 4 Dec 16:00 UTC', () => {
    const w = localDaysWindow('2026-12-04', '2026-12-04', 'Asia/Shanghai');
    expect([w.from.toISOString(), w.to.toISOString()]).toEqual(['2026-12-03T16:00:00.000Z', '2026-12-04T16:00:00.000Z']);
  });
});
