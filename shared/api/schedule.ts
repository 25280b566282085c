import { z } from 'zod';
import { endpoint, file } from '../http/endpoint.ts';
import { IdParams } from '../schemas/common.ts';
import { CommunityParams } from '../schemas/communities.ts';
import {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_TYPES,
  AttachmentParams,
  CalendarExportQuery,
  CalendarFeedParams,
  CalendarFeedState,
  Dispatch,
  DispatchCreate,
  DispatchListQuery,
  DispatchUpdate,
  ImportRequest,
  ImportResult,
  ImportTemplateQuery,
  LiveSession,
  OfflineAttachment,
  OfflineResearch,
  OfflineResearchCreate,
  OfflineResearchListQuery,
  OfflineResearchUpdate,
  SessionCancel,
  SessionCheck,
  SessionCheckResult,
  SessionCreate,
  SessionCreated,
  SessionListQuery,
  SessionsChanged,
  SessionUpdate,
  StatusHistoryEntry,
  StrandedCancel,
} from '../schemas/schedule.ts';

const ICS = 'text/calendar';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Scheduling (issue #3): lessons, research, dispatch, calendars, reminders, import. */
export const scheduleApi = {
  listSessions: endpoint({ method: 'get', path: '/api/sessions', summary: 'Lessons and research sessions in a time window the caller may see', tag: 'schedule', query: SessionListQuery, response: z.array(LiveSession) }),
  createSession: endpoint({ method: 'post', path: '/api/sessions', summary: 'Schedule a lesson or research session, once or weekly', tag: 'schedule', body: SessionCreate, response: SessionCreated, status: 201 }),
  checkSession: endpoint({ method: 'post', path: '/api/sessions/check', summary: 'Clashes and calendar problems of a draft, before saving', tag: 'schedule', body: SessionCheck, response: SessionCheckResult }),
  getSession: endpoint({ method: 'get', path: '/api/sessions/:id', summary: 'One session', tag: 'schedule', params: IdParams, response: LiveSession }),
  updateSession: endpoint({ method: 'patch', path: '/api/sessions/:id', summary: 'Change one occurrence, or it and the following ones of its series', tag: 'schedule', params: IdParams, body: SessionUpdate, response: SessionsChanged }),
  cancelSession: endpoint({ method: 'post', path: '/api/sessions/:id/cancel', summary: 'Cancel one occurrence, or it and the following ones (frees the slots)', tag: 'schedule', params: IdParams, body: SessionCancel, response: SessionsChanged }),
  listStrandedLessons: endpoint({ method: 'get', path: '/api/communities/:communityId/stranded-lessons', summary: 'Lessons still to come whose member schools have all left the community by their day (they no longer count)', tag: 'schedule', params: CommunityParams, response: z.array(LiveSession) }),
  cancelStrandedLessons: endpoint({ method: 'post', path: '/api/communities/:communityId/stranded-lessons/cancel', summary: 'Cancel every stranded lesson of the community at once (coordinators)', tag: 'schedule', params: CommunityParams, body: StrandedCancel, response: SessionsChanged }),
  sessionHistory: endpoint({ method: 'get', path: '/api/sessions/:id/history', summary: 'Status history of a session (append-only)', tag: 'schedule', params: IdParams, response: z.array(StatusHistoryEntry) }),

  listOfflineResearch: endpoint({ method: 'get', path: '/api/offline-research', summary: 'Offline teaching research the caller may see', tag: 'schedule', query: OfflineResearchListQuery, response: z.array(OfflineResearch) }),
  createOfflineResearch: endpoint({ method: 'post', path: '/api/offline-research', summary: 'Record offline teaching research', tag: 'schedule', body: OfflineResearchCreate, response: OfflineResearch, status: 201 }),
  getOfflineResearch: endpoint({ method: 'get', path: '/api/offline-research/:id', summary: 'One offline research record', tag: 'schedule', params: IdParams, response: OfflineResearch }),
  updateOfflineResearch: endpoint({ method: 'patch', path: '/api/offline-research/:id', summary: 'Change minutes, participants… (or cancel)', tag: 'schedule', params: IdParams, body: OfflineResearchUpdate, response: OfflineResearch }),
  confirmOfflineResearch: endpoint({ method: 'post', path: '/api/offline-research/:id/confirm', summary: 'Coordinator confirms it happened (needs minutes or an attachment)', tag: 'schedule', params: IdParams, response: OfflineResearch }),
  uploadOfflineAttachment: endpoint({
    method: 'post', path: '/api/offline-research/:id/attachments', summary: 'Add an evidence photo or PDF', tag: 'schedule', params: IdParams,
    upload: { field: 'file', maxBytes: ATTACHMENT_MAX_BYTES, contentTypes: ATTACHMENT_TYPES }, response: OfflineAttachment, status: 201,
  }),
  downloadOfflineAttachment: endpoint({ method: 'get', path: '/api/offline-research/:id/attachments/:attachmentId', summary: 'An evidence file (community members and auditors only)', tag: 'schedule', params: AttachmentParams, response: file(...ATTACHMENT_TYPES) }),

  listDispatches: endpoint({ method: 'get', path: '/api/dispatches', summary: 'Backbone-teacher dispatches the caller may see', tag: 'schedule', query: DispatchListQuery, response: z.array(Dispatch) }),
  createDispatch: endpoint({ method: 'post', path: '/api/dispatches', summary: 'Dispatch a core-school backbone teacher to a member school', tag: 'schedule', body: DispatchCreate, response: Dispatch, status: 201 }),
  updateDispatch: endpoint({ method: 'patch', path: '/api/dispatches/:id', summary: 'Change a dispatch period', tag: 'schedule', params: IdParams, body: DispatchUpdate, response: Dispatch }),
  deleteDispatch: endpoint({ method: 'delete', path: '/api/dispatches/:id', summary: 'Remove a dispatch entered by mistake', tag: 'schedule', params: IdParams, response: null, status: 204 }),

  exportCalendar: endpoint({ method: 'get', path: '/api/calendar.ics', summary: 'iCalendar (RFC 5545) of the sessions the caller may see', tag: 'schedule', query: CalendarExportQuery, response: file(ICS) }),
  getCalendarFeed: endpoint({ method: 'get', path: '/api/calendar-feed', summary: 'Whether the caller has a private subscription URL', tag: 'schedule', response: CalendarFeedState }),
  createCalendarFeed: endpoint({ method: 'post', path: '/api/calendar-feed', summary: 'New private subscription URL (revokes the previous one)', tag: 'schedule', response: CalendarFeedState, status: 201 }),
  revokeCalendarFeed: endpoint({ method: 'delete', path: '/api/calendar-feed', summary: 'Revoke the subscription URL', tag: 'schedule', response: null, status: 204 }),
  calendarFeed: endpoint({ method: 'get', path: '/api/calendar-feeds/:token', summary: 'The subscribed calendar (the token in the URL is the credential)', tag: 'schedule', access: 'public', params: CalendarFeedParams, response: file(ICS) }),

  importTemplate: endpoint({ method: 'get', path: '/api/schedule-import/template', summary: 'The import template (Chinese headers, English explanations)', tag: 'schedule', query: ImportTemplateQuery, response: file(XLSX, 'text/csv') }),
  importSchedule: endpoint({
    method: 'post', path: '/api/communities/:communityId/schedule-import', summary: 'Import a term plan from CSV or XLSX (dry run, or all-or-nothing)', tag: 'schedule', params: CommunityParams,
    body: ImportRequest, upload: { field: 'file', maxBytes: 5 * 1024 * 1024, contentTypes: [XLSX, 'text/csv', 'application/vnd.ms-excel', 'application/octet-stream'] }, response: ImportResult,
  }),
} as const;
