import { asc, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { AcademicYear, AcademicYearInput } from '../../shared/schemas/calendar.ts';
import type { Actor } from '../accounts/actor.ts';
import type { Db } from '../db/client.ts';
import { academicTerms, academicYears, holidays } from '../db/schema/index.ts';
import { ConflictError, ForbiddenError, isPgError, NotFoundError, PgCode } from '../http/errors.ts';

export async function listAcademicYears(db: Db): Promise<AcademicYear[]> {
  const years = await db.select().from(academicYears).orderBy(asc(academicYears.startsOn));
  if (years.length === 0) return [];
  const ids = years.map((y) => y.id);
  const [terms, hols] = await Promise.all([
    db.select().from(academicTerms).where(inArray(academicTerms.yearId, ids)).orderBy(asc(academicTerms.startsOn)),
    db.select().from(holidays).where(inArray(holidays.yearId, ids)).orderBy(asc(holidays.startsOn)),
  ]);
  const span = (r: { id: string; name: string; startsOn: string; endsOn: string }) => ({ id: r.id, name: r.name, startsOn: r.startsOn, endsOn: r.endsOn });
  return years.map((y) => ({
    id: y.id,
    label: y.label,
    startsOn: y.startsOn,
    endsOn: y.endsOn,
    terms: terms.filter((t) => t.yearId === y.id).map(span),
    holidays: hols.filter((h) => h.yearId === y.id).map(span),
  }));
}

function yearConflict(err: unknown, label: string): never {
  if (isPgError(err, PgCode.uniqueViolation)) throw new ConflictError({ kind: 'academic_year', title: label, description: `Academic year ${label} already exists` });
  if (isPgError(err, PgCode.exclusionViolation, 'academic_years_no_overlap')) throw new ConflictError({ kind: 'academic_year', title: label, description: `${label} overlaps another academic year` });
  if (isPgError(err, PgCode.exclusionViolation, 'academic_terms_no_overlap')) throw new ConflictError({ kind: 'academic_term', title: label, description: 'Two terms of the year overlap' });
  throw err;
}

/** Writes a year with its terms and holidays, all or nothing. */
export async function saveAcademicYear(db: Db, actor: Actor, input: z.output<typeof AcademicYearInput>, replaceId?: string): Promise<AcademicYear> {
  if (actor.role !== 'admin') throw new ForbiddenError('Only an administrator edits the academic calendar');
  if (replaceId) {
    const [existing] = await db.select({ id: academicYears.id }).from(academicYears).where(eq(academicYears.id, replaceId));
    if (!existing) throw new NotFoundError('Academic year');
  }
  const id = await db
    .transaction(async (tx) => {
      const values = { label: input.label, startsOn: input.startsOn, endsOn: input.endsOn };
      const yearId = replaceId
        ? (await tx.update(academicYears).set(values).where(eq(academicYears.id, replaceId)).returning())[0]!.id
        : (await tx.insert(academicYears).values(values).returning())[0]!.id;
      if (replaceId) {
        await tx.delete(academicTerms).where(eq(academicTerms.yearId, yearId));
        await tx.delete(holidays).where(eq(holidays.yearId, yearId));
      }
      await tx.insert(academicTerms).values(input.terms.map((t) => ({ ...t, yearId })));
      if (input.holidays.length) await tx.insert(holidays).values(input.holidays.map((h) => ({ ...h, yearId })));
      return yearId;
    })
    .catch((err: unknown) => yearConflict(err, input.label));
  return (await listAcademicYears(db)).find((y) => y.id === id)!;
}
