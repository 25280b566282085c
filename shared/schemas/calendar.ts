import { z } from 'zod';
import { Id, IsoDate, Name } from './common.ts';

const DateSpan = z.object({ name: Name, startsOn: IsoDate, endsOn: IsoDate });

export const AcademicYear = z
  .object({
    id: Id,
    label: z.string(),
    startsOn: IsoDate,
    endsOn: IsoDate,
    terms: z.array(DateSpan.extend({ id: Id })),
    holidays: z.array(DateSpan.extend({ id: Id })),
  })
  .meta({ id: 'AcademicYear' });
export type AcademicYear = z.infer<typeof AcademicYear>;

const spanInOrder = (s: { startsOn: string; endsOn: string }) => s.endsOn >= s.startsOn;

export const AcademicYearInput = z
  .object({
    label: z.string().trim().regex(/^\d{4}-\d{4}$/, 'like 2025-2026'),
    startsOn: IsoDate,
    endsOn: IsoDate,
    terms: z.array(DateSpan.refine(spanInOrder, { path: ['endsOn'], message: 'ends before it starts' })).min(1),
    holidays: z.array(DateSpan.refine(spanInOrder, { path: ['endsOn'], message: 'ends before it starts' })).default([]),
  })
  .refine((y) => y.endsOn > y.startsOn, { path: ['endsOn'], message: 'ends before it starts' })
  .superRefine((y, ctx) => {
    const inside = (s: { startsOn: string; endsOn: string }) => s.startsOn >= y.startsOn && s.endsOn <= y.endsOn;
    y.terms.forEach((t, i) => {
      if (!inside(t)) ctx.addIssue({ code: 'custom', path: ['terms', i], message: 'term outside the academic year' });
    });
    y.holidays.forEach((h, i) => {
      if (!inside(h)) ctx.addIssue({ code: 'custom', path: ['holidays', i], message: 'holiday outside the academic year' });
    });
  });
export type AcademicYearInput = z.input<typeof AcademicYearInput>;

/** The default academic year containing a date: 1 September to 31 August. */
export function defaultAcademicYearOf(isoDate: string): { label: string; startsOn: string; endsOn: string } {
  const year = Number(isoDate.slice(0, 4));
  const month = Number(isoDate.slice(5, 7));
  const first = month >= 9 ? year : year - 1;
  return { label: `${first}-${first + 1}`, startsOn: `${first}-09-01`, endsOn: `${first + 1}-08-31` };
}
