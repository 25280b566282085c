import { z } from 'zod';
import { IsoDate } from '../schemas/common.ts';

/**
 * The facts a community's year is judged on, gathered by SQL from what the
 * platform saw; the evaluation over them is pure (server/quotas/evaluate.ts).
 */
export const CountedItemKind = z.enum(['sync_lesson', 'online_research', 'offline_research']);
export type CountedItemKind = z.infer<typeof CountedItemKind>;

export const CountedItem = z
  .object({
    kind: CountedItemKind,
    /** The session, the offline research record or the correction. */
    id: z.string(),
    title: z.string(),
    /** Local date of the item (Asia/Shanghai or the school's zone). */
    on: IsoDate,
    subjectCode: z.string().nullable(),
    mode: z.string().nullable(),
    /** Member schools whose classrooms (or teachers) took part. */
    memberSchoolIds: z.array(z.string()),
    /** `evidence`: delivered/confirmed on the platform; `correction`: added by a coordinator with a reason and attachment. */
    source: z.enum(['evidence', 'correction']),
  })
  .meta({ id: 'CountedItem' });
export type CountedItem = z.infer<typeof CountedItem>;

/** A scheduled item still to come in the period: what the forecast counts on. */
export const PlannedItem = CountedItem.pick({ kind: true, id: true, title: true, on: true, subjectCode: true, mode: true, memberSchoolIds: true });
export type PlannedItem = z.infer<typeof PlannedItem>;

export const MemberSchoolPeriod = z.object({
  schoolId: z.string(),
  name: z.string(),
  /** Membership clipped to the counting period; `to` inclusive. */
  from: IsoDate,
  to: IsoDate,
});
export type MemberSchoolPeriod = z.infer<typeof MemberSchoolPeriod>;

export const DispatchPeriod = z.object({
  id: z.string(),
  memberSchoolId: z.string(),
  from: IsoDate,
  /** Inclusive. */
  to: IsoDate,
});
export type DispatchPeriod = z.infer<typeof DispatchPeriod>;

export const TeachingCalendar = z.object({
  /** Terms of the counting period, inclusive dates, in order. */
  terms: z.array(z.object({ name: z.string(), startsOn: IsoDate, endsOn: IsoDate })),
  holidays: z.array(z.object({ name: z.string(), startsOn: IsoDate, endsOn: IsoDate })),
});
export type TeachingCalendar = z.infer<typeof TeachingCalendar>;

/** Which community's year, counted when, on which calendar: what facts and tallies share. */
export interface CommunityYear {
  readonly communityId: string;
  readonly typeCode: string;
  readonly requiresDispatch: boolean;
  readonly period: { readonly startsOn: string; readonly endsOn: string };
  readonly today: string;
  readonly calendar: TeachingCalendar;
}

export interface CommunityYearFacts extends CommunityYear {
  readonly memberSchools: readonly MemberSchoolPeriod[];
  readonly counted: readonly CountedItem[];
  readonly planned: readonly PlannedItem[];
  readonly dispatches: readonly DispatchPeriod[];
  /** Dispatches scheduled but not yet begun count for the forecast, not as covered. */
  readonly plannedDispatches: readonly DispatchPeriod[];
}

/**
 * The same facts, aggregated: what the set-based recompute gathers with a few
 * grouped SQL queries (server/quotas/facts.ts) instead of one row per item, and
 * what `tallyOf(facts)` makes of item lists. The evaluation runs on this.
 * Every group is already restricted to the counting period, and lesson groups
 * to lessons in which a school that was a member on that day took part.
 */
export interface CountedGroup {
  readonly kind: CountedItemKind;
  readonly subjectCode: string | null;
  readonly mode: string | null;
  readonly source: 'evidence' | 'correction';
  readonly count: number;
}

export interface PlannedGroup {
  readonly kind: CountedItemKind;
  readonly subjectCode: string | null;
  readonly mode: string | null;
  readonly count: number;
}

/** A member school's membership period in the year, with what happened in it. */
export interface MemberPeriodTally extends MemberSchoolPeriod {
  /** Counted lessons it took part in during the period. */
  readonly lessons: number;
  /** A dispatch that has begun overlaps the period. */
  readonly covered: boolean;
  /** Not covered, but a dispatch not yet begun overlaps the period. */
  readonly plannedCovered: boolean;
}

export interface CommunityYearTally extends CommunityYear {
  readonly counted: readonly CountedGroup[];
  readonly planned: readonly PlannedGroup[];
  readonly members: readonly MemberPeriodTally[];
}
