import { z } from 'zod';
import { endpoint, file } from '../http/endpoint.ts';
import { AuditPage, AuditQuery } from '../schemas/audit.ts';
import { IdParams } from '../schemas/common.ts';
import { CommunityParams } from '../schemas/communities.ts';
import { CommunityStSummary } from '../schemas/live.ts';
import {
  CommunityQuotaDetail,
  CommunityQuotaQuery,
  CorrectionAttachmentParams,
  EvidenceParams,
  QuotaCorrection,
  QuotaCorrectionCreate,
  QuotaCorrectionListQuery,
  QuotaEvidence,
  QuotaOverview,
  QuotaOverviewQuery,
  QuotaReportQuery,
  QuotaRuleSet,
  QuotaRuleSetCreate,
  QuotaRuleSetListQuery,
  QuotaRuleSetResolution,
  YearClosure,
  YearClosureCreate,
  YearClosureListQuery,
  YearClosureReopen,
} from '../schemas/quotas.ts';
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES } from '../schemas/schedule.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Quota tracker and audit (issue #5). */
export const quotasApi = {
  quotaOverview: endpoint({ method: 'get', path: '/api/quotas', summary: 'Progress of every community the caller may see (an auditor\'s region: a county, a city\'s or a province\'s counties), with city and province roll-ups', tag: 'quotas', query: QuotaOverviewQuery, response: QuotaOverview }),
  communityQuota: endpoint({ method: 'get', path: '/api/quotas/communities/:communityId', summary: 'One community\'s year: progress per rule, trend, counted items with their evidence, corrections', tag: 'quotas', params: CommunityParams, query: CommunityQuotaQuery, response: CommunityQuotaDetail }),
  communitySt: endpoint({ method: 'get', path: '/api/quotas/communities/:communityId/st', summary: 'One community\'s delivered lessons of a year by the S-T analysis: mean Rt and Ch, lessons per type', tag: 'quotas', params: CommunityParams, query: CommunityQuotaQuery, response: CommunityStSummary }),
  quotaEvidence: endpoint({ method: 'get', path: '/api/quotas/evidence/:kind/:id', summary: 'The evidence behind one counted item (intervals, verdict, recordings, minutes, attachments)', tag: 'quotas', params: EvidenceParams, response: QuotaEvidence }),
  quotaReport: endpoint({ method: 'get', path: '/api/quotas/report', summary: 'The county\'s yearly report: XLSX (with evidence sheets), CSV (one sheet per file) or printable HTML', tag: 'quotas', query: QuotaReportQuery, response: file(XLSX, 'text/csv', 'text/html') }),

  listCorrections: endpoint({ method: 'get', path: '/api/quota-corrections', summary: 'Corrections the caller may see (auditors: every one of their county)', tag: 'quotas', query: QuotaCorrectionListQuery, response: z.array(QuotaCorrection) }),
  createCorrection: endpoint({
    method: 'post', path: '/api/quotas/communities/:communityId/corrections', summary: 'A coordinator\'s correction: with a reason and an attachment (image or PDF)', tag: 'quotas', params: CommunityParams,
    body: QuotaCorrectionCreate, upload: { field: 'file', maxBytes: ATTACHMENT_MAX_BYTES, contentTypes: ATTACHMENT_TYPES }, response: QuotaCorrection, status: 201,
  }),
  deleteCorrection: endpoint({ method: 'delete', path: '/api/quota-corrections/:id', summary: 'Withdraw a correction (the audit trail keeps it)', tag: 'quotas', params: IdParams, response: null, status: 204 }),
  downloadCorrectionAttachment: endpoint({ method: 'get', path: '/api/quota-corrections/:id/attachments/:attachmentId', summary: 'A correction\'s file (the community\'s people and its county\'s auditors)', tag: 'quotas', params: CorrectionAttachmentParams, response: file(...ATTACHMENT_TYPES) }),

  listQuotaRuleSets: endpoint({ method: 'get', path: '/api/quota-rule-sets', summary: 'Rule sets by region and academic year, every version', tag: 'quotas', query: QuotaRuleSetListQuery, response: z.array(QuotaRuleSet) }),
  resolveQuotaRuleSet: endpoint({ method: 'get', path: '/api/quota-rule-sets/resolve', summary: 'Which rule set judges a county\'s communities in a year (county → city → province → default)', tag: 'quotas', query: z.object({ countyId: z.uuid(), academicYear: z.string().regex(/^\d{4}-\d{4}$/).optional() }), response: QuotaRuleSetResolution }),
  createQuotaRuleSet: endpoint({ method: 'post', path: '/api/quota-rule-sets', summary: 'A new version of a region\'s rules for a year, from the previous one (admin)', tag: 'quotas', body: QuotaRuleSetCreate, response: QuotaRuleSet, status: 201 }),

  listYearClosures: endpoint({ method: 'get', path: '/api/quota-closures', summary: 'Closed (and reopened) years', tag: 'quotas', query: YearClosureListQuery, response: z.array(YearClosure) }),
  closeYear: endpoint({ method: 'post', path: '/api/quota-closures', summary: 'Close a county\'s academic year: numbers frozen, counted items locked (admin)', tag: 'quotas', body: YearClosureCreate, response: YearClosure, status: 201 }),
  reopenYear: endpoint({ method: 'post', path: '/api/quota-closures/:id/reopen', summary: 'Reopen a closed year, with a reason (admin; recorded)', tag: 'quotas', params: IdParams, body: YearClosureReopen, response: YearClosure }),

  auditLog: endpoint({ method: 'get', path: '/api/audit', summary: 'The audit trail: who created, changed or deleted what (auditors: their region\'s counties)', tag: 'audit', query: AuditQuery, response: AuditPage }),
} as const;
