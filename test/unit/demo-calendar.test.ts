import { describe, expect, it } from 'vitest';
import { addDays } from '../../shared/schedule/time.ts';
import { academicYears, academicYearsThrough } from '../../server/seed/haiyan.ts';

describe('the demo calendar', () => {
  it('keeps the published years and continues them without gaps past any date it is started on', () => {
    const years = academicYearsThrough('2031-03-15');
    expect(years.slice(0, academicYears.length)).toEqual(academicYears);
    expect(years.some((y) => y.startsOn <= '2031-03-15' && '2031-03-15' <= y.endsOn)).toBe(true);
    expect(years.at(-1)!.label).toBe('2032-2033');
    for (let i = 1; i < years.length; i++) expect(years[i]!.startsOn).toBe(addDays(years[i - 1]!.endsOn, 1));
    for (const y of years) {
      for (const t of [...y.terms, ...y.holidays]) {
        expect(t.startsOn >= y.startsOn && t.endsOn <= y.endsOn && t.startsOn <= t.endsOn, `${y.label} ${t.name}`).toBe(true);
      }
    }
  });

  it('adds nothing while the published years cover today and the next one', () => {
    expect(academicYearsThrough('2025-12-01').map((y) => y.label)).toEqual(['2025-2026', '2026-2027']);
  });
});
