import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { ChatMessage, QuizKind, QuizQuestion, ToolEvent } from '../../../shared/schemas/classTools.ts';
import type { LiveRole } from '../../../shared/schemas/live.ts';
import type { Db } from '../../db/client.ts';
import { liveChatMessages, liveQuizAnswers, liveQuizQuestions, liveToolEvents } from '../../db/schema/index.ts';
import { isPgError, PgCode } from '../../http/errors.ts';
import { LiveError } from '../errors.ts';
import type { TimerChange } from './LessonTimer.ts';
import { questionView, type QuizRecord, type StoredAnswer } from './QuizBook.ts';

export type ToolName = ToolEvent['tool'];
type ChatRow = typeof liveChatMessages.$inferSelect;

/** A room's class tools as the records keep them. */
export interface SavedTools {
  readonly questions: QuizRecord[];
  readonly classroomsMayChat: boolean;
  /** The countdown's changes in order. */
  readonly timer: TimerChange[];
  /** The host's floor: the account on stage and the accounts the host muted (LIVE-STAGE-RESTORE, LIVE-MUTE-RESTORE). */
  readonly floor: { readonly stageAccountId: string | null; readonly mutedAccountIds: readonly string[] };
}

/** The floor after the session's `stage` and `mute` events, in order. */
function floorOf(events: readonly { tool: string; action: string; detail: Record<string, unknown> }[]): SavedTools['floor'] {
  let stageAccountId: string | null = null;
  const muted = new Set<string>();
  for (const e of events) {
    const accountId = typeof e.detail['accountId'] === 'string' ? e.detail['accountId'] : null;
    if (e.tool === 'stage') stageAccountId = e.action === 'on' ? accountId : null;
    if (e.tool === 'mute' && accountId) {
      if (e.action === 'muted') muted.add(accountId);
      else muted.delete(accountId);
    }
  }
  return { stageAccountId, mutedAccountIds: [...muted] };
}

/** A message as participants see it: a deleted one keeps its place without its text. */
export const chatView = (r: ChatRow): ChatMessage => ({
  id: r.id,
  accountId: r.accountId,
  authorName: r.authorName,
  authorRole: r.authorRole as LiveRole,
  text: r.deletedAt ? '' : r.text,
  sentAt: r.sentAt.toISOString(),
  deletedAt: r.deletedAt?.toISOString() ?? null,
});

/**
 * The class tools' records kept with the session (migration 0023): quiz questions and
 * answers, chat messages, the tool timeline. The database has the last word on what must
 * never be false (one answer per classroom and question, none after the time limit).
 */
export class ToolStore {
  constructor(readonly db: Db) {}

  event(sessionId: string, tool: ToolName, action: string, accountId: string | null, detail: Record<string, unknown>, at: Date): Promise<unknown> {
    return this.db.insert(liveToolEvents).values({ sessionId, tool, action, accountId, detail, at });
  }

  async questionAsked(sessionId: string, by: string, q: QuizRecord): Promise<void> {
    await this.db.insert(liveQuizQuestions).values({
      id: q.id,
      sessionId,
      askedBy: by,
      kind: q.kind,
      text: q.text,
      options: [...q.options],
      correct: [...q.correct],
      limitSeconds: q.limitSeconds,
      askedAt: q.askedAt,
      closesAt: q.closesAt,
    });
    await this.event(sessionId, 'quiz', 'asked', by, { questionId: q.id, kind: q.kind, limitSeconds: q.limitSeconds }, q.askedAt);
  }

  async answered(sessionId: string, questionId: string, a: StoredAnswer): Promise<void> {
    try {
      await this.db.insert(liveQuizAnswers).values({ questionId, sessionId, classroomId: a.classroomId, classroomName: a.classroomName, accountId: a.accountId, choice: [...a.choice], answeredAt: a.answeredAt });
    } catch (err) {
      if (isPgError(err, PgCode.uniqueViolation)) throw new LiveError('conflict', 'This classroom has answered this question already');
      if (isPgError(err, PgCode.checkViolation, 'live_quiz_answers_in_time')) throw new LiveError('conflict', 'The time limit of this question is over');
      throw err;
    }
    await this.event(sessionId, 'quiz', 'answered', a.accountId, { questionId, classroomId: a.classroomId, choice: [...a.choice] }, a.answeredAt);
  }

  async revealed(sessionId: string, by: string, q: QuizRecord): Promise<void> {
    await this.db.update(liveQuizQuestions).set({ revealedAt: q.revealedAt }).where(and(eq(liveQuizQuestions.id, q.id), isNull(liveQuizQuestions.revealedAt)));
    await this.event(sessionId, 'quiz', 'revealed', by, { questionId: q.id }, q.revealedAt!);
  }

  /** Every question of a session with every answer and the key (for those who read the session's records). */
  async quizResults(sessionId: string): Promise<QuizQuestion[]> {
    return (await this.questionRecords(sessionId)).map((q) => questionView(q, { seesAll: true, classroomId: null }, 0));
  }

  /** The session's questions as a room holds them, in the order asked, with their answers. */
  async questionRecords(sessionId: string): Promise<QuizRecord[]> {
    const questions = await this.db.select().from(liveQuizQuestions).where(eq(liveQuizQuestions.sessionId, sessionId)).orderBy(asc(liveQuizQuestions.askedAt));
    const answers = await this.db.select().from(liveQuizAnswers).where(eq(liveQuizAnswers.sessionId, sessionId));
    return questions.map((r) => ({
      id: r.id,
      kind: r.kind as QuizKind,
      text: r.text,
      options: r.options,
      correct: r.correct,
      limitSeconds: r.limitSeconds,
      askedAt: r.askedAt,
      closesAt: r.closesAt,
      revealedAt: r.revealedAt,
      answers: new Map(answers.filter((a) => a.questionId === r.id).map((a) => [a.classroomId, { ...a, choice: a.choice }])),
    }));
  }

  /**
   * What a (re)built room takes back from the records (T-TOOLS-RESTORE): the questions, the chat
   * switch, the countdown's changes, and the host's floor (LIVE-STAGE-RESTORE, LIVE-MUTE-RESTORE).
   */
  async saved(sessionId: string): Promise<SavedTools> {
    const questions = await this.questionRecords(sessionId);
    const events = await this.db
      .select()
      .from(liveToolEvents)
      .where(and(eq(liveToolEvents.sessionId, sessionId), inArray(liveToolEvents.tool, ['chat', 'timer', 'stage', 'mute'])))
      .orderBy(asc(liveToolEvents.at), asc(liveToolEvents.id));
    const chatSwitch = events.filter((e) => e.tool === 'chat' && (e.action === 'classrooms_on' || e.action === 'classrooms_off')).at(-1);
    return {
      questions,
      classroomsMayChat: chatSwitch?.action === 'classrooms_on',
      timer: events.filter((e) => e.tool === 'timer').map((e) => ({ action: e.action, detail: e.detail, at: e.at })),
      floor: floorOf(events),
    };
  }

  /** LIVE-STAGE-RESTORE: the host put an account on stage (or nobody: `accountId` null). */
  stageChanged(sessionId: string, by: string, accountId: string | null, at = new Date()): Promise<unknown> {
    return this.event(sessionId, 'stage', accountId ? 'on' : 'off', by, accountId ? { accountId } : {}, at);
  }

  /** LIVE-MUTE-RESTORE: the host muted (or unmuted) an account. */
  muteChanged(sessionId: string, by: string, accountId: string, muted: boolean, at = new Date()): Promise<unknown> {
    return this.event(sessionId, 'mute', muted ? 'muted' : 'unmuted', by, { accountId }, at);
  }

  async timeline(sessionId: string): Promise<ToolEvent[]> {
    const rows = await this.db.select().from(liveToolEvents).where(eq(liveToolEvents.sessionId, sessionId)).orderBy(asc(liveToolEvents.at), asc(liveToolEvents.id));
    return rows.map((r) => ({ at: r.at.toISOString(), tool: r.tool as ToolName, action: r.action, accountId: r.accountId, detail: r.detail }));
  }

  async chatSent(sessionId: string, author: { accountId: string; name: string; role: LiveRole }, text: string, at: Date): Promise<ChatRow> {
    const [row] = await this.db.insert(liveChatMessages).values({ sessionId, accountId: author.accountId, authorName: author.name, authorRole: author.role, text, sentAt: at }).returning();
    return row!;
  }

  chatMessage(sessionId: string, id: string): Promise<ChatRow | undefined> {
    return this.db
      .select()
      .from(liveChatMessages)
      .where(and(eq(liveChatMessages.sessionId, sessionId), eq(liveChatMessages.id, id)))
      .then((r) => r[0]);
  }

  async chatDeleted(sessionId: string, id: string, by: string, at: Date): Promise<void> {
    await this.db.update(liveChatMessages).set({ deletedAt: at, deletedBy: by }).where(and(eq(liveChatMessages.id, id), isNull(liveChatMessages.deletedAt)));
    await this.event(sessionId, 'chat', 'deleted', by, { messageId: id }, at);
  }

  chatMessages(sessionId: string): Promise<ChatRow[]> {
    return this.db.select().from(liveChatMessages).where(eq(liveChatMessages.sessionId, sessionId)).orderBy(asc(liveChatMessages.sentAt), asc(liveChatMessages.id));
  }
}
