import { z } from 'zod';
import { BoardLayout, BoardPage, Stroke } from '../signaling/courseware.ts';
import { Id, IsoDateTime } from './common.ts';
import { LiveSessionView } from './live.ts';

/**
 * Courseware (rules CW-* in server/courseware/README.md): a teacher's PDF,
 * PowerPoint or Word file (WPS files too, where LibreOffice reads them), turned
 * into page images on the server, shown page by page in live lessons.
 */

/** The largest courseware file accepted (CW-UPLOAD-LIMIT); nginx's client_max_body_size is above it. */
export const COURSEWARE_MAX_BYTES = 50 * 1024 * 1024;
/** A document with more pages is refused (CW-CONVERT-PAGES). */
export const COURSEWARE_MAX_PAGES = 300;
/** Page images are this many pixels on their long side: sharp on a 1080p classroom screen. */
export const COURSEWARE_PAGE_PIXELS = 1920;

/** Browsers give Office files these types, and WPS or unknown files `application/octet-stream`; the file name's ending decides. */
export const COURSEWARE_TYPES = [
  'application/pdf',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.openxmlformats-officedocument.presentationml.slideshow',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.oasis.opendocument.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/kswps',
  'application/wps-office.wps',
  'application/wps-office.dps',
  'application/octet-stream',
] as const;

/** File endings accepted (CW-UPLOAD-TYPES): PDF, PowerPoint, Word, OpenDocument and WPS (文字 .wps, 演示 .dps). */
export const COURSEWARE_EXTENSIONS = ['pdf', 'ppt', 'pptx', 'pps', 'ppsx', 'doc', 'docx', 'odp', 'odt', 'wps', 'dps'] as const;

const CoursewareStatus = z.enum(['converting', 'ready', 'failed']);

/** Why a conversion failed (CW-CONVERT-*); the client words each. */
export const CoursewareError = z.enum(['conversion_timeout', 'conversion_failed', 'too_many_pages', 'interrupted']);
export type CoursewareError = z.infer<typeof CoursewareError>;

const CoursewarePage = z.object({ pageNo: z.number().int().min(1), width: z.number().int(), height: z.number().int() });

export const Courseware = z.object({
  id: Id,
  ownerTeacherId: Id,
  fileName: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  uploadedAt: IsoDateTime,
  status: CoursewareStatus,
  error: CoursewareError.nullable(),
  pageCount: z.number().int().nullable(),
  pages: z.array(CoursewarePage),
});
export type Courseware = z.infer<typeof Courseware>;

/** The JSON part of an upload (multipart `data`): attach it to this session at once (the caller hosts it). */
export const CoursewareUpload = z.object({ sessionId: Id.optional() });
export const CoursewareParams = z.object({ coursewareId: Id });
export const CoursewarePageParams = z.object({ coursewareId: Id, pageNo: z.coerce.number().int().min(1).max(COURSEWARE_MAX_PAGES) });
export const AttachCourseware = z.object({ coursewareId: Id });

/** One event of a session's board timeline (replay): what the room applied, in order. */
export const BoardTimelineEvent = z.object({
  seq: z.number().int(),
  at: IsoDateTime,
  kind: z.enum(['page', 'stroke', 'erase', 'undo', 'clear', 'layout', 'stage_writing']),
  accountId: Id.nullable(),
  payload: z.record(z.string(), z.unknown()),
});
export type BoardTimelineEvent = z.infer<typeof BoardTimelineEvent>;

const applied = <K extends string, P extends z.ZodType>(kind: K, payload: P) => z.object({ kind: z.literal(kind), accountId: Id.nullable(), payload });
const TakenOff = z.object({ page: BoardPage, strokes: z.array(Stroke) });

/**
 * One applied change of the board, as the room applied it and the timeline keeps it
 * (live_board_events): folding a session's events in order with shared/courseware/board.ts
 * rebuilds its board at any moment.
 */
export const BoardEvent = z.discriminatedUnion('kind', [
  applied('page', z.object({ coursewareId: Id.nullable(), fileName: z.string().nullable(), pageCount: z.number().int().min(1), page: z.number().int().min(1) })),
  applied('stroke', z.object({ page: BoardPage, stroke: Stroke })),
  applied('erase', TakenOff),
  applied('clear', TakenOff),
  applied('undo', z.object({ page: BoardPage, removed: z.array(z.string()), restored: z.array(Stroke) })),
  applied('layout', z.object({ layout: BoardLayout })),
  applied('stage_writing', z.object({ allowed: z.boolean() })),
]);
export type BoardEvent = z.infer<typeof BoardEvent>;

/**
 * The whole board at one moment: what is shown and the strokes of every page that has any
 * (pages keep their strokes). What an undo would take back is not in it: an undo event
 * carries what it removed and restored, so folding on from a snapshot needs no history.
 */
export const BoardSnapshot = z.object({
  active: z.boolean(),
  coursewareId: Id.nullable(),
  fileName: z.string().nullable(),
  pageCount: z.number().int().min(1),
  page: z.number().int().min(1),
  layout: BoardLayout,
  stageWriting: z.boolean(),
  pages: z.array(z.object({ coursewareId: Id.nullable(), page: z.number().int().min(1), strokes: z.array(Stroke) })),
});
export type BoardSnapshot = z.infer<typeof BoardSnapshot>;

/** A board event during a recording, `offsetMs` after the recording started (CW-REPLAY-TIME). */
export const ReplayEvent = z.object({ offsetMs: z.number().int().min(0) }).and(BoardEvent);
export type ReplayEvent = z.infer<typeof ReplayEvent>;

/**
 * ReplayEvent as the timeline's answer declares it: every event was checked on its way in
 * (the signaling table) and is read back from the append-only timeline, so the answer's
 * validation does not walk every point of every stroke again — for a busy lesson that took
 * seconds of the event loop (bench/replay.bench.ts) — while clients get ReplayEvent's type.
 */
const ReplayEventAnswer = z
  .object({ offsetMs: z.number().int().min(0), kind: BoardTimelineEvent.shape.kind, accountId: Id.nullable(), payload: z.record(z.string(), z.unknown()) })
  .meta({ id: 'ReplayEvent', description: 'A board event (shared/schemas/courseware.ts BoardEvent: its payload by kind) at its offset into the recording' }) as unknown as z.ZodType<ReplayEvent>;

/**
 * A recording's board timeline (CW-REPLAY-*): the board as it stood when the recording
 * started, then every change until it ended, each at its offset into the video.
 */
export const RecordingTimeline = z
  .object({
    recordingId: Id,
    session: LiveSessionView,
    startedAt: IsoDateTime,
    endedAt: IsoDateTime,
    /** The recording's wall-clock length (the video's own duration may differ by a key frame's wait). */
    durationMs: z.number().int().min(0),
    start: BoardSnapshot,
    events: z.array(ReplayEventAnswer),
  })
  .meta({ id: 'RecordingTimeline' });
export type RecordingTimeline = z.infer<typeof RecordingTimeline>;
