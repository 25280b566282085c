import { z } from 'zod';
import { endpoint, file } from '../http/endpoint.ts';
import { AttachCourseware, BoardTimelineEvent, COURSEWARE_MAX_BYTES, COURSEWARE_TYPES, Courseware, CoursewarePageParams, CoursewareParams, CoursewareUpload, RecordingTimeline } from '../schemas/courseware.ts';
import { RecordingParams, SessionParams } from '../schemas/live.ts';

/** Courseware: upload and conversion, a teacher's library, a session's courseware and its board timeline, a recording's board for playback. */
export const coursewareApi = {
  uploadCourseware: endpoint({
    method: 'post', path: '/api/courseware', summary: 'Upload a PDF, PowerPoint, Word or WPS file (teachers); it is converted into page images in the background (status converting → ready | failed)', tag: 'courseware',
    body: CoursewareUpload, upload: { field: 'file', maxBytes: COURSEWARE_MAX_BYTES, contentTypes: COURSEWARE_TYPES }, response: Courseware, status: 202,
  }),
  listCourseware: endpoint({ method: 'get', path: '/api/courseware', summary: 'The calling teacher\'s courseware, newest first (reusable in later lessons)', tag: 'courseware', response: z.array(Courseware) }),
  getCourseware: endpoint({ method: 'get', path: '/api/courseware/:coursewareId', summary: 'One courseware with its conversion status and pages', tag: 'courseware', params: CoursewareParams, response: Courseware }),
  coursewarePage: endpoint({ method: 'get', path: '/api/courseware/:coursewareId/pages/:pageNo', summary: 'A page image (PNG)', tag: 'courseware', params: CoursewarePageParams, response: file('image/png') }),
  sessionCourseware: endpoint({ method: 'get', path: '/api/live/sessions/:sessionId/courseware', summary: 'Courseware attached to a session', tag: 'courseware', params: SessionParams, response: z.array(Courseware) }),
  attachCourseware: endpoint({ method: 'post', path: '/api/live/sessions/:sessionId/courseware', summary: 'Attach one of the host teacher\'s courseware to the session', tag: 'courseware', params: SessionParams, body: AttachCourseware, response: Courseware, status: 201 }),
  boardTimeline: endpoint({ method: 'get', path: '/api/live/sessions/:sessionId/board-timeline', summary: 'The session\'s page turns, strokes and layout changes in order (replay), for those who may see its recordings', tag: 'courseware', params: SessionParams, response: z.array(BoardTimelineEvent) }),
  recordingTimeline: endpoint({
    method: 'get', path: '/api/live/recordings/:recordingId/timeline', summary: 'A recording\'s board for playback: the board when the recording started and its page turns and strokes until it ended, each at its offset into the video (the recording\'s audience)', tag: 'courseware',
    params: RecordingParams, response: RecordingTimeline,
  }),
} as const;
