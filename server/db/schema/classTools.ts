import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { liveSessions } from './schedule.ts';

/**
 * Class tools of live sessions (server/live/tools, rules T-* in its README): quiz questions
 * and each classroom's answer, chat messages, and the timeline of tool events kept with the
 * session for replay. Answers and timeline events are append-only; a question changes only
 * to be revealed; a chat message only to be deleted (its text stays for the record holders).
 */
export const liveQuizQuestions = pgTable(
  'live_quiz_questions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull().references(() => liveSessions.id),
    askedBy: uuid('asked_by').notNull().references(() => accounts.id),
    /** single | multiple | true_false */
    kind: text('kind').notNull(),
    text: text('text').notNull(),
    options: jsonb('options').$type<string[]>().notNull(),
    correct: jsonb('correct').$type<number[]>().notNull(),
    limitSeconds: integer('limit_seconds').notNull(),
    askedAt: timestamp('asked_at', { withTimezone: true }).notNull(),
    closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
    revealedAt: timestamp('revealed_at', { withTimezone: true }),
  },
  (t) => [
    index('live_quiz_questions_session_idx').on(t.sessionId, t.askedAt),
    check('live_quiz_questions_kind_ck', sql`${t.kind} in ('single', 'multiple', 'true_false')`),
    check('live_quiz_questions_limit_ck', sql`${t.limitSeconds} between 5 and 600 and ${t.closesAt} = ${t.askedAt} + make_interval(secs => ${t.limitSeconds})`),
    check('live_quiz_questions_text_ck', sql`length(${t.text}) between 1 and 300`),
  ],
);

/** One answer per classroom and question (T-QUIZ-ONCE), given before the question closed (T-QUIZ-LIMIT, a trigger). */
export const liveQuizAnswers = pgTable(
  'live_quiz_answers',
  {
    questionId: uuid('question_id').notNull().references(() => liveQuizQuestions.id),
    sessionId: uuid('session_id').notNull().references(() => liveSessions.id),
    classroomId: uuid('classroom_id').notNull(),
    classroomName: text('classroom_name').notNull(),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    choice: jsonb('choice').$type<number[]>().notNull(),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.questionId, t.classroomId] }), index('live_quiz_answers_session_idx').on(t.sessionId, t.classroomId)],
);

export const liveChatMessages = pgTable(
  'live_chat_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull().references(() => liveSessions.id),
    accountId: uuid('account_id').notNull().references(() => accounts.id),
    authorName: text('author_name').notNull(),
    /** host | teacher | classroom */
    authorRole: text('author_role').notNull(),
    text: text('text').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    deletedBy: uuid('deleted_by').references(() => accounts.id),
  },
  (t) => [
    index('live_chat_messages_session_idx').on(t.sessionId, t.sentAt),
    check('live_chat_messages_role_ck', sql`${t.authorRole} in ('host', 'teacher', 'classroom')`),
    check('live_chat_messages_text_ck', sql`length(${t.text}) between 1 and 500`),
    check('live_chat_messages_deleted_ck', sql`(${t.deletedAt} is null) = (${t.deletedBy} is null) and (${t.deletedAt} is null or ${t.deletedAt} >= ${t.sentAt})`),
  ],
);

/**
 * What happened with the tools, in order (quiz asked/answered/revealed, timer started/paused/reset,
 * chat settings and deletions), and with the host's floor: who was put on stage and who muted
 * (LIVE-STAGE-RESTORE, LIVE-MUTE-RESTORE: a rebuilt room takes them back from here).
 */
export const liveToolEvents = pgTable(
  'live_tool_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull().references(() => liveSessions.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** quiz | chat | timer | stage | mute */
    tool: text('tool').notNull(),
    action: text('action').notNull(),
    accountId: uuid('account_id').references(() => accounts.id),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('live_tool_events_session_idx').on(t.sessionId, t.at), check('live_tool_events_tool_ck', sql`${t.tool} in ('quiz', 'chat', 'timer', 'stage', 'mute')`)],
);
