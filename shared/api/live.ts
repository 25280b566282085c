import { z } from 'zod';
import { endpoint, file } from '../http/endpoint.ts';
import { EvidenceRule, LiveNowItem, PatrolItem, Recording, RecordingParams, SessionEvidence, SessionParams, SessionParticipation, StRules, StRulesCreate } from '../schemas/live.ts';

/** Live classrooms (issue #4): the REST side. Media and moderation go over Socket.IO (shared/signaling/). */
export const liveApi = {
  liveNow: endpoint({ method: 'get', path: '/api/live/now', summary: 'Sessions I take part in that are live or start within the hour (classroom terminals poll this to join by themselves)', tag: 'live', response: z.array(LiveNowItem) }),
  liveEvidence: endpoint({ method: 'get', path: '/api/live/sessions/:sessionId/evidence', summary: 'Evidence intervals of a session and its delivered/missed verdict', tag: 'live', params: SessionParams, response: SessionEvidence }),
  listRecordings: endpoint({ method: 'get', path: '/api/live/sessions/:sessionId/recordings', summary: 'Recordings of a session (its teachers, the community\'s coordinators, the county\'s auditors)', tag: 'live', params: SessionParams, response: z.array(Recording) }),
  playRecording: endpoint({ method: 'get', path: '/api/live/recordings/:recordingId/file', summary: 'A recording to play in the browser (HTTP range requests)', tag: 'live', params: RecordingParams, response: file('video/webm', 'video/mp4') }),
  downloadRecording: endpoint({ method: 'get', path: '/api/live/recordings/:recordingId/download', summary: 'A recording as a download', tag: 'live', params: RecordingParams, response: file('video/webm', 'video/mp4') }),
  listEvidenceRules: endpoint({ method: 'get', path: '/api/live/evidence-rules', summary: 'Every version of the rules that decide delivered/missed', tag: 'live', response: z.array(EvidenceRule) }),
  addEvidenceRule: endpoint({ method: 'post', path: '/api/live/evidence-rules', summary: 'A new version of a rule, effective from a date (admin)', tag: 'live', body: EvidenceRule, response: EvidenceRule, status: 201 }),
  listStRules: endpoint({ method: 'get', path: '/api/live/st-rules', summary: 'Every version of the S-T analysis thresholds (sample length, Rt and Ch bounds of the lesson types)', tag: 'live', response: z.array(StRules) }),
  addStRules: endpoint({ method: 'post', path: '/api/live/st-rules', summary: 'A new version of the S-T analysis thresholds, effective from a date (admin)', tag: 'live', body: StRulesCreate, response: StRules, status: 201 }),
  liveParticipation: endpoint({ method: 'get', path: '/api/live/sessions/:sessionId/participation', summary: 'Per-participant participation of a session (joined/left, receiving, camera, microphone, speaking, hands, stage) and its verdict', tag: 'live', params: SessionParams, response: SessionParticipation }),
  livePatrol: endpoint({ method: 'get', path: '/api/live/patrol', summary: 'Sessions live now that the caller may patrol (巡课): coordinators their communities\', auditors their region\'s counties', tag: 'live', response: z.array(PatrolItem) }),
} as const;
