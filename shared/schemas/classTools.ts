import { z } from 'zod';
import { Id, IsoDateTime } from './common.ts';
import { LiveRole } from './live.ts';

/**
 * Class tools of a live session (quick quiz 答题, chat, lesson timer): the shapes the
 * signaling entries (shared/signaling/quiz.ts, chat.ts, timer.ts) and the REST reads
 * share. Rules T-QUIZ-*, T-CHAT-*, T-TIMER-* in server/live/tools/README.md.
 */

// ---- quiz ------------------------------------------------------------------------------

export const QuizKind = z.enum(['single', 'multiple', 'true_false']);
export type QuizKind = z.infer<typeof QuizKind>;

const QUIZ_MAX_OPTIONS = 6;
const QUIZ_MIN_SECONDS = 5;
const QUIZ_MAX_SECONDS = 600;

/** How many choices a question offers: true/false has two (0 true, 1 false; the client words them). */
export const optionCount = (q: { kind: QuizKind; options: readonly string[] }): number => (q.kind === 'true_false' ? 2 : q.options.length);

/** Chosen option indexes: distinct, ascending once stored. */
export const QuizChoice = z.array(z.number().int().min(0).max(QUIZ_MAX_OPTIONS - 1)).min(1).max(QUIZ_MAX_OPTIONS);

export const QuizAskRequest = z
  .object({
    kind: QuizKind,
    text: z.string().trim().min(1).max(300),
    /** Option texts of a single or multiple choice question (2–6); none for true/false. */
    options: z.array(z.string().trim().min(1).max(100)).max(QUIZ_MAX_OPTIONS).default([]),
    correct: QuizChoice,
    limitSeconds: z.number().int().min(QUIZ_MIN_SECONDS).max(QUIZ_MAX_SECONDS),
  })
  .superRefine((q, ctx) => {
    if (q.kind === 'true_false' && q.options.length > 0) ctx.addIssue({ code: 'custom', path: ['options'], message: 'A true/false question has no option texts' });
    if (q.kind !== 'true_false' && q.options.length < 2) ctx.addIssue({ code: 'custom', path: ['options'], message: 'A choice question needs 2 to 6 options' });
    const n = optionCount(q);
    if (q.correct.some((i) => i >= n) || new Set(q.correct).size !== q.correct.length) ctx.addIssue({ code: 'custom', path: ['correct'], message: 'The correct answers must be distinct options of the question' });
    if (q.kind !== 'multiple' && q.correct.length !== 1) ctx.addIssue({ code: 'custom', path: ['correct'], message: 'A single choice or true/false question has exactly one correct answer' });
  });

/** One classroom's answer. `correct` is null while the question is not revealed (for those who may not see the key yet). */
export const QuizAnswer = z.object({
  questionId: Id,
  classroomId: Id,
  classroomName: z.string(),
  choice: z.array(z.number().int()),
  answeredAt: IsoDateTime,
  correct: z.boolean().nullable(),
});
export type QuizAnswer = z.infer<typeof QuizAnswer>;

/**
 * A question as one participant may see it: the host, invited teachers and patrols see the
 * key and every answer at once; a classroom sees only its own answer until the reveal,
 * then everything (T-QUIZ-REVEAL).
 */
export const QuizQuestion = z.object({
  id: Id,
  kind: QuizKind,
  text: z.string(),
  options: z.array(z.string()),
  limitSeconds: z.number().int(),
  askedAt: IsoDateTime,
  closesAt: IsoDateTime,
  revealedAt: IsoDateTime.nullable(),
  correct: z.array(z.number().int()).nullable(),
  /** Answers per option (counted for those who see the answers). */
  tally: z.array(z.number().int()),
  answers: z.array(QuizAnswer),
  /** Member classrooms expected to answer (the host's own classroom answers too if it joined). */
  expected: z.number().int(),
});
export type QuizQuestion = z.infer<typeof QuizQuestion>;

// ---- chat ------------------------------------------------------------------------------

export const CHAT_MAX_LENGTH = 500;

export const ChatMessage = z.object({
  id: Id,
  accountId: Id,
  authorName: z.string(),
  authorRole: LiveRole,
  text: z.string(),
  sentAt: IsoDateTime,
  /** A deleted message keeps its place (its text is gone for everybody). */
  deletedAt: IsoDateTime.nullable(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const ChatSettings = z.object({
  /** Classroom terminals may write (off by default in lessons, T-CHAT-CLASSROOMS). */
  classroomsMayChat: z.boolean(),
});
export type ChatSettings = z.infer<typeof ChatSettings>;

// ---- timer -----------------------------------------------------------------------------

export const TIMER_MAX_SECONDS = 3 * 3600;

/**
 * The lesson countdown. Running: it reaches zero at `endsAt` (server time); paused or
 * stopped: `remainingMs` is left. `serverNow` lets a page correct its own clock (T-TIMER-SERVER-TIME).
 */
export const TimerState = z.object({
  durationSeconds: z.number().int().min(0),
  running: z.boolean(),
  endsAt: IsoDateTime.nullable(),
  remainingMs: z.number().int().min(0),
  serverNow: IsoDateTime,
});
export type TimerState = z.infer<typeof TimerState>;

// ---- REST ------------------------------------------------------------------------------

export const ToolEvent = z.object({
  at: IsoDateTime,
  /** stage and mute: the host's floor (`stage` on/off with the account, `mute` muted/unmuted with the account). */
  tool: z.enum(['quiz', 'chat', 'timer', 'stage', 'mute']),
  action: z.string(),
  accountId: Id.nullable(),
  /** What the event carries (question id, choice, seconds…): for replay. */
  detail: z.record(z.string(), z.unknown()),
});
export type ToolEvent = z.infer<typeof ToolEvent>;

export const SessionQuizResults = z.object({ questions: z.array(QuizQuestion), timeline: z.array(ToolEvent) });
export type SessionQuizResults = z.infer<typeof SessionQuizResults>;

/** Deleted messages appear with their deleter for those who read the session's records. */
const ChatRecord = ChatMessage.extend({ deletedBy: Id.nullable() });
export const SessionChat = z.object({ messages: z.array(ChatRecord) });
export type SessionChat = z.infer<typeof SessionChat>;
