import { z } from 'zod';
import { IsoDate } from '../schemas/common.ts';
import { QuotaMetric, QuotaStatus } from './rules.ts';

/** What a coordinator should schedule to get a rule back on track; the client words it. */
export const QuotaAdvice = z.object({
  /** How many more items (lessons, sessions, schools to cover). */
  more: z.number().int().nonnegative(),
  /** Schedule them before this date (end of the current term when they fit, else of the last term). */
  before: IsoDate.nullable(),
  /** For the subjects rule: lessons in this many further subjects. */
  newSubjects: z.number().int().nonnegative().optional(),
  /** For dispatch coverage: the member schools still to cover. */
  schools: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
});
export type QuotaAdvice = z.infer<typeof QuotaAdvice>;

export const RuleProgress = z
  .object({
    ruleId: z.string(),
    metric: QuotaMetric,
    nameZh: z.string(),
    nameEn: z.string(),
    status: QuotaStatus,
    required: z.number(),
    /** Counted from evidence and corrections; for coverage, schools covered. */
    counted: z.number(),
    /** Of `counted`, how many come from corrections (shown separately). */
    fromCorrections: z.number(),
    /** Scheduled and still to come. */
    planned: z.number(),
    termWeeksLeft: z.number(),
    advice: QuotaAdvice.nullable(),
    /** The ids of the counted items (for drill-down to their evidence). */
    itemIds: z.array(z.string()),
  })
  .meta({ id: 'RuleProgress' });
export type RuleProgress = z.infer<typeof RuleProgress>;

/**
 * Teaching weeks left as people are shown them: whole weeks, rounded down (24.4 → 24), the
 * same in the dashboard and the report. `termWeeksLeft` keeps one decimal for the forecast.
 */
export const wholeWeeksLeft = (termWeeksLeft: number): number => Math.floor(termWeeksLeft);

export const MemberSchoolParticipation = z.object({
  schoolId: z.string(),
  name: z.string(),
  lessons: z.number().int(),
  /** Took part in no counted lesson this year. */
  flagged: z.boolean(),
});
export type MemberSchoolParticipation = z.infer<typeof MemberSchoolParticipation>;
