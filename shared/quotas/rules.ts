import { z } from 'zod';

/**
 * Quota rules are data: each has a stable ID (cited by the tests that check it),
 * a metric the tracker knows how to count, a minimum, and the community types
 * it applies to. Numbers are per region and academic year and versioned, so a
 * past year keeps the rules it was judged by. See QUOTAS.md for the rule text.
 */
export const RuleIds = {
  syncLessons: 'Q-SYNC-LESSONS',
  syncSubjects: 'Q-SYNC-SUBJECTS',
  researchOnline: 'Q-RESEARCH-ONLINE',
  researchOffline: 'Q-RESEARCH-OFFLINE',
  dispatchCoverage: 'Q-DISPATCH-COVERAGE',
} as const;

/**
 * Rules an offline research record must satisfy to count toward `Q-RESEARCH-OFFLINE`
 * (SPEC.md, "Offline research"): the platform did not see it, so these stand in for evidence.
 */
export const OfflineResearchRuleIds = {
  /** Confirmed only from the day it is held on: a meeting still to come has not happened. */
  held: 'E-OFFLINE-RESEARCH-HELD',
  /** Joint participation: the core school and at least one school that was a member on that day. */
  schools: 'P-OFFLINE-RESEARCH-SCHOOLS',
} as const;

/** What a rule counts. New rules reuse these with other minimums, filters or community types. */
export const QuotaMetric = z.enum([
  /** Delivered synchronized lessons between the core school and member schools (plus corrections). */
  'sync_lessons',
  /** Distinct subjects among those lessons. */
  'sync_subjects',
  /** Delivered online teaching research sessions. */
  'online_research',
  /** Offline teaching research confirmed by the coordinator with minutes or an attachment. */
  'offline_research',
  /** Share of member schools (of the year, by membership dates) that had a backbone teacher dispatched. */
  'dispatch_coverage',
]);
export type QuotaMetric = z.infer<typeof QuotaMetric>;

export const QuotaRule = z
  .object({
    ruleId: z.string().regex(/^Q-[A-Z0-9]+(-[A-Z0-9]+)*$/, 'like Q-SYNC-LESSONS'),
    metric: QuotaMetric,
    /** A count, or for dispatch_coverage a share of member schools (1 = every one). */
    minimum: z.number().positive(),
    nameZh: z.string().min(1),
    nameEn: z.string().min(1),
    /** Which communities the rule binds: by type code, or by the type's requiresDispatch flag. Empty = all. */
    appliesTo: z
      .object({ typeCodes: z.array(z.string()).optional(), requiresDispatch: z.boolean().optional() })
      .default({}),
    /** Only lessons of these modes / subjects count towards this rule (for rules a region adds). */
    filter: z.object({ modes: z.array(z.string()).optional(), subjects: z.array(z.string()).optional() }).default({}),
    /** Most items a community can reasonably hold per teaching week: beyond that, a shortfall is "will miss". */
    maxPerWeek: z.number().positive().default(5),
  })
  .meta({ id: 'QuotaRule' });
export type QuotaRule = z.infer<typeof QuotaRule>;
export type QuotaRuleInput = z.input<typeof QuotaRule>;

/** Jiaxing's yearly rules (DOMAIN.md): the default rule set of a new region/year. */
export const jiaxingDefaultRules: QuotaRuleInput[] = [
  { ruleId: RuleIds.syncLessons, metric: 'sync_lessons', minimum: 20, nameZh: '同步课堂节数', nameEn: 'Synchronized lessons', maxPerWeek: 5 },
  { ruleId: RuleIds.syncSubjects, metric: 'sync_subjects', minimum: 2, nameZh: '同步课堂学科数', nameEn: 'Subjects of synchronized lessons', maxPerWeek: 2 },
  { ruleId: RuleIds.researchOnline, metric: 'online_research', minimum: 8, nameZh: '网络研修次数', nameEn: 'Online teaching research', maxPerWeek: 2 },
  { ruleId: RuleIds.researchOffline, metric: 'offline_research', minimum: 4, nameZh: '线下教研次数', nameEn: 'Offline teaching research', maxPerWeek: 1 },
  {
    ruleId: RuleIds.dispatchCoverage,
    metric: 'dispatch_coverage',
    minimum: 1,
    nameZh: '骨干教师派驻覆盖成员校',
    nameEn: 'Backbone-teacher dispatch covers every member school',
    appliesTo: { requiresDispatch: true },
    maxPerWeek: 1,
  },
];

export const QuotaStatus = z.enum(['met', 'on_track', 'at_risk', 'will_miss', 'not_applicable']);
export type QuotaStatus = z.infer<typeof QuotaStatus>;
