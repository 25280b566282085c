import { z } from 'zod';
import { CountedItemKind } from '../quotas/facts.ts';
import { MemberSchoolParticipation, RuleProgress } from '../quotas/progress.ts';
import { QuotaRule, QuotaStatus } from '../quotas/rules.ts';
import { Id, IsoDate, IsoDateTime } from './common.ts';

/** The quota tracker's requests and answers (issue #5). Rule and progress shapes are in shared/quotas/. */

export const AcademicYearLabel = z.string().regex(/^\d{4}-\d{4}$/, 'like 2026-2027');

/** A region of a rule set: `county:<county code>`, `city:<city>`, `province:<province>` or `default`. */
export const QuotaRegion = z.string().trim().regex(/^(default|(county|city|province):.+)$/, 'default, county:<code>, city:<name> or province:<name>');

export const QuotaRuleSet = z
  .object({
    id: Id,
    region: z.string(),
    academicYear: z.string(),
    version: z.number().int(),
    rules: z.array(QuotaRule),
    note: z.string(),
    createdBy: z.string().nullable(),
    createdAt: IsoDateTime,
    /** The newest version of its region and year (the one in force unless a year was closed with another). */
    current: z.boolean(),
  })
  .meta({ id: 'QuotaRuleSet' });
export type QuotaRuleSet = z.infer<typeof QuotaRuleSet>;

export const QuotaRuleSetListQuery = z.object({ academicYear: AcademicYearLabel.optional(), region: z.string().optional() });

export const QuotaRuleSetCreate = z
  .object({
    region: QuotaRegion,
    academicYear: AcademicYearLabel,
    /** The new version's rules; absent: copied from the version in force for that region and year (or the previous year's). */
    rules: z.array(QuotaRule).min(1).optional(),
    note: z.string().trim().max(500).default(''),
  })
  .superRefine((b, ctx) => {
    const ids = (b.rules ?? []).map((r) => r.ruleId);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['rules', i, 'ruleId'], message: `rule ${id} appears twice` });
    });
  })
  .meta({ id: 'QuotaRuleSetCreate' });

/** Which rule set a county's communities are judged by, and why (the region lookup). */
export const QuotaRuleSetResolution = z.object({
  countyId: Id,
  academicYear: z.string(),
  tried: z.array(z.string()),
  ruleSet: QuotaRuleSet.nullable(),
  /** The year has no rule set of its own: `ruleSet` is this earlier year's, in force until one is published. */
  fallbackFrom: z.string().nullable(),
});

export const OverallStatus = QuotaStatus;

export const CommunityProgress = z
  .object({
    communityId: Id,
    communityName: z.string(),
    typeCode: z.string(),
    countyId: Id,
    countyName: z.string(),
    city: z.string(),
    province: z.string(),
    academicYear: z.string(),
    /** fallbackFrom: the year has no rule set of its own; these are that earlier year's (shown as such). */
    ruleSet: z.object({ id: Id, region: z.string(), version: z.number().int(), fallbackFrom: z.string().nullable().optional() }).nullable(),
    /** The worst status of the rules that apply: will_miss < at_risk < on_track < met. */
    status: OverallStatus,
    rules: z.array(RuleProgress),
    memberSchools: z.array(MemberSchoolParticipation),
    computedAt: IsoDateTime,
    /** Numbers of a closed year, frozen at closing. */
    frozen: z.boolean(),
  })
  .meta({ id: 'CommunityProgress' });
export type CommunityProgress = z.infer<typeof CommunityProgress>;

const StatusCounts = z.object({ met: z.number().int(), on_track: z.number().int(), at_risk: z.number().int(), will_miss: z.number().int(), not_applicable: z.number().int() });

export const QuotaRollup = z.object({
  level: z.enum(['county', 'city', 'province']),
  name: z.string(),
  /** county id for counties. */
  key: z.string(),
  communities: z.number().int(),
  byStatus: StatusCounts,
  rules: z.array(z.object({ ruleId: z.string(), applicable: z.number().int(), met: z.number().int(), counted: z.number(), required: z.number() })),
});
export type QuotaRollup = z.infer<typeof QuotaRollup>;

export const QuotaOverviewQuery = z.object({
  academicYear: AcademicYearLabel.optional(),
  countyId: Id.optional(),
  status: QuotaStatus.optional(),
});

export const QuotaYearInfo = z.object({ label: z.string(), startsOn: IsoDate, endsOn: IsoDate, current: z.boolean() });

export const YearClosure = z
  .object({
    id: Id,
    countyId: Id,
    countyName: z.string(),
    academicYear: z.string(),
    closedAt: IsoDateTime,
    closedBy: z.string().nullable(),
    note: z.string(),
    reopenedAt: IsoDateTime.nullable(),
    reopenedBy: z.string().nullable(),
    reopenReason: z.string().nullable(),
    communities: z.number().int(),
  })
  .meta({ id: 'YearClosure' });
export type YearClosure = z.infer<typeof YearClosure>;

export const QuotaOverview = z
  .object({
    academicYear: z.string(),
    today: IsoDate,
    years: z.array(QuotaYearInfo),
    communities: z.array(CommunityProgress),
    rollups: z.array(QuotaRollup),
    closures: z.array(YearClosure),
  })
  .meta({ id: 'QuotaOverview' });
export type QuotaOverview = z.infer<typeof QuotaOverview>;

/** What backs a counted item, in short (the evidence page has the whole of it). */
export const EvidenceSummary = z.object({
  /** Sessions: evidence intervals, recordings, the verdict's rule IDs (passed) and its status. */
  intervals: z.number().int(),
  recordings: z.number().int(),
  verdictRuleIds: z.array(z.string()),
  verdictStatus: z.string().nullable(),
  /** Offline research and corrections: files; offline research: minutes written. */
  attachments: z.number().int(),
  minutes: z.boolean(),
});

export const CountedItemView = z
  .object({
    kind: CountedItemKind,
    id: Id,
    title: z.string(),
    on: IsoDate,
    subjectCode: z.string().nullable(),
    mode: z.string().nullable(),
    memberSchoolIds: z.array(z.string()),
    memberSchools: z.array(z.string()),
    source: z.enum(['evidence', 'correction']),
    /** The rules it counts towards (empty: it does not count, e.g. no member school took part). */
    ruleIds: z.array(z.string()),
    evidence: EvidenceSummary,
    /** Corrections: why. */
    reason: z.string().nullable(),
  })
  .meta({ id: 'CountedItemView' });
export type CountedItemView = z.infer<typeof CountedItemView>;

export const PlannedItemView = z.object({ kind: CountedItemKind, id: Id, title: z.string(), on: IsoDate, subjectCode: z.string().nullable(), mode: z.string().nullable() });

export const TrendSeries = z.object({ kind: CountedItemKind, points: z.array(z.object({ month: z.string(), cumulative: z.number().int() })) });

export const CorrectionAttachment = z.object({ id: Id, fileName: z.string(), contentType: z.string(), sizeBytes: z.number().int(), uploadedAt: IsoDateTime });

export const QuotaCorrection = z
  .object({
    id: Id,
    communityId: Id,
    communityName: z.string(),
    kind: CountedItemKind,
    title: z.string(),
    heldOn: IsoDate,
    subjectCode: z.string().nullable(),
    mode: z.string().nullable(),
    reason: z.string(),
    schools: z.array(z.object({ id: Id, name: z.string() })),
    attachments: z.array(CorrectionAttachment),
    createdBy: z.string().nullable(),
    createdAt: IsoDateTime,
  })
  .meta({ id: 'QuotaCorrection' });
export type QuotaCorrection = z.infer<typeof QuotaCorrection>;

export const CommunityQuotaDetail = z
  .object({
    progress: CommunityProgress,
    trend: z.array(TrendSeries),
    items: z.array(CountedItemView),
    planned: z.array(PlannedItemView),
    corrections: z.array(QuotaCorrection),
    closure: YearClosure.nullable(),
    years: z.array(QuotaYearInfo),
  })
  .meta({ id: 'CommunityQuotaDetail' });
export type CommunityQuotaDetail = z.infer<typeof CommunityQuotaDetail>;

export const CommunityQuotaQuery = z.object({ academicYear: AcademicYearLabel.optional() });

const CORRECTION_MODES = ['interactive', 'dedicated', 'master'] as const;

/** The JSON part of a correction (multipart `data`, beside the required `file`). */
export const QuotaCorrectionCreate = z
  .object({
    kind: CountedItemKind,
    title: z.string().trim().min(1).max(200),
    heldOn: IsoDate,
    subjectCode: z.string().min(1).nullable().default(null),
    mode: z.enum(CORRECTION_MODES).nullable().default(null),
    /** Why the platform did not see it (e.g. "delivered with another tool during the network outage"). */
    reason: z.string().trim().min(4).max(2000),
    /** Member schools that took part (sync lessons: at least one). */
    schoolIds: z.array(Id).max(50).default([]),
  })
  .superRefine((c, ctx) => {
    if (c.kind === 'sync_lesson') {
      if (!c.subjectCode) ctx.addIssue({ code: 'custom', path: ['subjectCode'], message: 'a lesson needs its subject' });
      if (!c.mode) ctx.addIssue({ code: 'custom', path: ['mode'], message: 'a lesson needs its mode' });
      if (c.schoolIds.length === 0) ctx.addIssue({ code: 'custom', path: ['schoolIds'], message: 'name the member schools that took part' });
    }
  })
  .meta({ id: 'QuotaCorrectionCreate' });

export const QuotaCorrectionListQuery = z.object({ communityId: Id.optional(), academicYear: AcademicYearLabel.optional() });
export const CorrectionAttachmentParams = z.object({ id: Id, attachmentId: Id });

// ---- evidence of one item ----------------------------------------------------------------------

export const EvidenceItemKind = z.enum(['session', 'offline_research', 'correction']);
export const EvidenceParams = z.object({ kind: EvidenceItemKind, id: Id });

export const QuotaEvidence = z
  .object({
    kind: EvidenceItemKind,
    id: Id,
    communityId: Id,
    communityName: z.string(),
    title: z.string(),
    on: IsoDate,
    subjectCode: z.string().nullable(),
    mode: z.string().nullable(),
    session: z
      .object({
        kind: z.string(),
        status: z.string(),
        startsAt: IsoDateTime,
        endsAt: IsoDateTime,
        timeZone: z.string(),
        hostTeacher: z.string().nullable(),
        classrooms: z.array(z.object({ id: Id, name: z.string(), schoolId: Id, schoolName: z.string(), role: z.string(), attended: z.boolean() })),
        intervals: z.array(
          z.object({
            id: Id,
            kind: z.string(),
            role: z.string(),
            who: z.string(),
            source: z.string().nullable(),
            direction: z.string().nullable(),
            fromRole: z.string().nullable(),
            startedAt: IsoDateTime,
            endedAt: IsoDateTime.nullable(),
            endReason: z.string().nullable(),
          }),
        ),
        verdict: z
          .object({
            status: z.string(),
            reason: z.string().nullable(),
            outcomes: z.array(
              z.object({
                ruleId: z.string(),
                passed: z.boolean(),
                measuredShare: z.number(),
                count: z.number(),
                requiredShare: z.number(),
                requiredCount: z.number(),
                /** Participation rules with a time threshold: seconds measured and required (the client words them). */
                measuredSeconds: z.number().optional(),
                requiredSeconds: z.number().optional(),
                /** Classroom rules: the part of the measured share received by sound and courseware (E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE). */
                audioCoursewareShare: z.number().optional(),
                /** In English, for logs: the client words the outcome from the figures. */
                detail: z.string(),
              }),
            ),
            endedAt: IsoDateTime,
            endCause: z.string(),
            evaluatedAt: IsoDateTime,
          })
          .nullable(),
        recordings: z.array(z.object({ id: Id, status: z.string(), startedAt: IsoDateTime, endedAt: IsoDateTime.nullable(), sizeBytes: z.number().nullable(), url: z.string() })),
        history: z.array(z.object({ from: z.string().nullable(), to: z.string(), reason: z.string().nullable(), by: z.string(), at: IsoDateTime })),
      })
      .nullable(),
    offlineResearch: z
      .object({
        place: z.string(),
        status: z.string(),
        minutes: z.string(),
        confirmedAt: IsoDateTime.nullable(),
        confirmedBy: z.string().nullable(),
        schools: z.array(z.string()),
        attachments: z.array(CorrectionAttachment.extend({ url: z.string() })),
      })
      .nullable(),
    correction: z
      .object({
        reason: z.string(),
        createdBy: z.string().nullable(),
        createdAt: IsoDateTime,
        schools: z.array(z.string()),
        attachments: z.array(CorrectionAttachment.extend({ url: z.string() })),
      })
      .nullable(),
  })
  .meta({ id: 'QuotaEvidence' });
export type QuotaEvidence = z.infer<typeof QuotaEvidence>;

// ---- year closing and reports -------------------------------------------------------------------

export const YearClosureCreate = z.object({ countyId: Id, academicYear: AcademicYearLabel, note: z.string().trim().max(500).default('') }).meta({ id: 'YearClosureCreate' });
export const YearClosureReopen = z.object({ reason: z.string().trim().min(4).max(1000) });
export const YearClosureListQuery = z.object({ academicYear: AcademicYearLabel.optional(), countyId: Id.optional() });

export const QuotaReportQuery = z.object({
  countyId: Id.optional(),
  academicYear: AcademicYearLabel.optional(),
  format: z.enum(['xlsx', 'csv', 'html']).default('xlsx'),
  /** CSV has one table per file: the main one (community × rule) or an evidence sheet. */
  sheet: z.enum(['rules', 'items', 'corrections', 'participation']).default('rules'),
});

/** What the live dashboards receive (Socket.IO event `quotas:progress`) when a community's progress changes. */
export const QuotaProgressEvent = z.object({ progress: CommunityProgress });
export type QuotaProgressEvent = z.infer<typeof QuotaProgressEvent>;
export const QUOTA_PROGRESS_EVENT = 'quotas:progress';
