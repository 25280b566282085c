import { z } from 'zod';
import { Id } from '../schemas/common.ts';

/**
 * The courseware and whiteboard part of the signaling table (spread into
 * shared/signaling/live.ts): the host shows a courseware (or a blank board),
 * turns its pages and chooses the classrooms' layout; the host — and the
 * classroom on stage when the host allows it — writes on the current page.
 * Rules BOARD-* in server/courseware/README.md.
 *
 * Coordinates are fractions of the page (0…1 on both axes), so a stroke lands on
 * the same spot of the page whatever size each screen draws it at.
 */

const Empty = z.object({});
const Fraction = z.number().min(0).max(1);
const StrokeId = z.string().min(1).max(64);
const MAX_STROKE_POINTS = 4000;
export const MAX_STROKES_PER_PAGE = 2000;
/** A blank board (no courseware) has this many pages. */
export const BLANK_BOARD_PAGES = 20;

const BoardTool = z.enum(['pen', 'highlighter', 'text']);

/**
 * Points travel rounded to 1/10000 of the page (0.1 px on a 1920 px page): a float's
 * 17 digits would triple a stroke's bytes on a weak link for nothing anyone can see.
 */
const POINT_PRECISION = 10_000;
export const roundFraction = (v: number): number => Math.round(v * POINT_PRECISION) / POINT_PRECISION;

export const Stroke = z
  .object({
    id: StrokeId,
    tool: BoardTool,
    /** #rrggbb */
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
    /** Width as a fraction of the page's width (text: its height). */
    size: z.number().gt(0).max(0.2),
    /** [x, y, pressure] of a pen or highlighter; one point (the text's top left) for text. */
    points: z.array(z.tuple([Fraction, Fraction, Fraction])).min(1).max(MAX_STROKE_POINTS),
    text: z.string().min(1).max(200).optional(),
  })
  .refine((s) => (s.tool === 'text') === (s.text !== undefined), { message: 'a text stroke has text, a pen stroke has none', path: ['text'] });
export type Stroke = z.infer<typeof Stroke>;

/** What the classroom terminal shows large: the courseware with the teacher small, the teacher, or both side by side. */
export const BoardLayout = z.enum(['courseware', 'teacher', 'side']);
export type BoardLayout = z.infer<typeof BoardLayout>;

/** Which page is up: a courseware's page, or a page of the blank board (coursewareId null). */
export const BoardPage = z.object({ coursewareId: Id.nullable(), page: z.number().int().min(1) });
export type BoardPage = z.infer<typeof BoardPage>;

export const BoardState = z.object({
  /** The host has shown something (courseware or the blank board): classrooms show the board. */
  active: z.boolean(),
  coursewareId: Id.nullable(),
  fileName: z.string().nullable(),
  pageCount: z.number().int().min(1),
  page: z.number().int().min(1),
  /** The current page's strokes, oldest first. */
  strokes: z.array(Stroke),
  layout: BoardLayout,
  /** The host lets the classroom on stage write. */
  stageWriting: z.boolean(),
});
export type BoardState = z.infer<typeof BoardState>;

export const coursewareRequests = {
  /** The board as it is now (a late joiner and a reconnected client ask for it once joined). */
  boardState: { request: Empty, response: BoardState },
  /** Host: show one of the session's courseware (or the host's own, which attaches it) from `page`, or the blank board (null). */
  showCourseware: { request: z.object({ coursewareId: Id.nullable(), page: z.number().int().min(1).default(1) }), response: BoardState },
  /** Host: turn to a page of what is shown. */
  turnPage: { request: z.object({ page: z.number().int().min(1) }), response: BoardPage },
  /** Draw on the current page (the host; the classroom on stage when allowed). */
  drawStroke: { request: z.object({ stroke: Stroke }), response: Empty },
  /** Erase strokes of the current page (the eraser). */
  eraseStrokes: { request: z.object({ strokeIds: z.array(StrokeId).min(1).max(500) }), response: Empty },
  /** Undo this participant's last stroke or erasure on the current page. */
  undoStroke: { request: Empty, response: z.object({ undone: z.boolean() }) },
  /** Host: wipe the current page. */
  clearPage: { request: Empty, response: Empty },
  /** Host: the layout every classroom shows (a classroom may still choose its own afterwards). */
  setLayout: { request: z.object({ layout: BoardLayout }), response: Empty },
  /** Host: let the classroom on stage write on the board, or not. */
  setStageWriting: { request: z.object({ allowed: z.boolean() }), response: Empty },
} as const;

export const coursewareNotifications = {
  /** Something else is shown, or the page turned: the page and its strokes. */
  boardShown: BoardState,
  /** Strokes added to the current page (drawn, or back after an undone erasure). */
  strokesAdded: z.object({ page: BoardPage, strokes: z.array(Stroke) }),
  /** Strokes gone from the current page (erased, undone, cleared). */
  strokesRemoved: z.object({ page: BoardPage, strokeIds: z.array(StrokeId) }),
  layoutChanged: z.object({ layout: BoardLayout }),
  stageWritingChanged: z.object({ allowed: z.boolean() }),
} as const;
