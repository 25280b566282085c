import { randomUUID } from 'node:crypto';
import { optionCount, type QuizAnswer, type QuizKind, type QuizQuestion } from '../../../shared/schemas/classTools.ts';
import { LiveError } from '../errors.ts';

/** A question as the room holds it. */
export interface QuizRecord {
  readonly id: string;
  readonly kind: QuizKind;
  readonly text: string;
  readonly options: readonly string[];
  readonly correct: readonly number[];
  readonly limitSeconds: number;
  readonly askedAt: Date;
  readonly closesAt: Date;
  revealedAt: Date | null;
  /** By classroom id. */
  readonly answers: Map<string, StoredAnswer>;
}

export interface StoredAnswer {
  readonly classroomId: string;
  readonly classroomName: string;
  readonly accountId: string;
  readonly choice: readonly number[];
  readonly answeredAt: Date;
}

export interface QuizSpec {
  readonly kind: QuizKind;
  readonly text: string;
  readonly options: readonly string[];
  readonly correct: readonly number[];
  readonly limitSeconds: number;
}

/** Who looks: the host, invited teachers and patrols see everything; a classroom its own answer until the reveal (T-QUIZ-REVEAL). */
export interface QuizViewer {
  readonly seesAll: boolean;
  readonly classroomId: string | null;
}

const sameChoice = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The quick quiz 答题 of one live room: its questions in the order asked and each
 * classroom's answer. Pure state and rules (T-QUIZ-*); the handlers persist what it accepts.
 */
export class QuizBook {
  readonly #questions: QuizRecord[] = [];

  get questions(): readonly QuizRecord[] {
    return this.#questions;
  }

  get(id: string): QuizRecord | undefined {
    return this.#questions.find((q) => q.id === id);
  }

  /** The question still open for answers at `now` (T-QUIZ-ONE-OPEN), if any. */
  openAt(now: Date): QuizRecord | undefined {
    return this.#questions.find((q) => !q.revealedAt && now < q.closesAt);
  }

  ask(spec: QuizSpec, now: Date): QuizRecord {
    if (this.openAt(now)) throw new LiveError('conflict', 'A question is still open: reveal it or wait for its time limit first');
    const q: QuizRecord = {
      id: randomUUID(),
      kind: spec.kind,
      text: spec.text,
      options: [...spec.options],
      correct: [...spec.correct].sort((a, b) => a - b),
      limitSeconds: spec.limitSeconds,
      askedAt: now,
      closesAt: new Date(now.getTime() + spec.limitSeconds * 1000),
      revealedAt: null,
      answers: new Map(),
    };
    this.#questions.push(q);
    return q;
  }

  /** A classroom's answer: once (T-QUIZ-ONCE), before the time limit and the reveal (T-QUIZ-LIMIT), options of the question only. */
  answer(questionId: string, classroom: { id: string; name: string; accountId: string }, choice: readonly number[], now: Date): StoredAnswer {
    const q = this.get(questionId);
    if (!q) throw new LiveError('not_found', 'No such question in this session');
    if (q.answers.has(classroom.id)) throw new LiveError('conflict', 'This classroom has answered this question already');
    if (q.revealedAt) throw new LiveError('conflict', 'The answers of this question have been revealed');
    if (now >= q.closesAt) throw new LiveError('conflict', 'The time limit of this question is over');
    const sorted = [...new Set(choice)].sort((a, b) => a - b);
    if (sorted.length !== choice.length || sorted.some((i) => i >= optionCount(q))) throw new LiveError('validation', 'choice: distinct options of the question only');
    if (q.kind !== 'multiple' && sorted.length !== 1) throw new LiveError('validation', 'choice: exactly one option for this question');
    const a: StoredAnswer = { classroomId: classroom.id, classroomName: classroom.name, accountId: classroom.accountId, choice: sorted, answeredAt: now };
    q.answers.set(classroom.id, a);
    return a;
  }

  /** T-TOOLS-RESTORE: a rebuilt room takes back the session's questions and answers from the records (before anyone asks anything). */
  restore(saved: readonly QuizRecord[]): void {
    if (this.#questions.length > 0) throw new Error('QuizBook.restore: the room has questions of its own already');
    this.#questions.push(...saved);
  }

  /** Forgets a question the records refused (nothing was told about it). */
  withdraw(id: string): void {
    const i = this.#questions.findIndex((q) => q.id === id);
    if (i >= 0) this.#questions.splice(i, 1);
  }

  /** Shows the key and every answer to everybody; revealing twice changes nothing. */
  reveal(questionId: string, now: Date): QuizRecord {
    const q = this.get(questionId);
    if (!q) throw new LiveError('not_found', 'No such question in this session');
    q.revealedAt ??= now;
    return q;
  }
}

export function answerView(q: Pick<QuizRecord, 'id' | 'correct' | 'revealedAt'>, a: StoredAnswer, viewer: QuizViewer): QuizAnswer {
  const keyShown = viewer.seesAll || q.revealedAt !== null;
  return {
    questionId: q.id,
    classroomId: a.classroomId,
    classroomName: a.classroomName,
    choice: [...a.choice],
    answeredAt: a.answeredAt.toISOString(),
    correct: keyShown ? sameChoice(a.choice, q.correct) : null,
  };
}

/** A question as `viewer` may see it; `expected` is how many classrooms are asked. */
export function questionView(q: QuizRecord, viewer: QuizViewer, expected: number): QuizQuestion {
  const all = viewer.seesAll || q.revealedAt !== null;
  const answers = [...q.answers.values()].filter((a) => all || a.classroomId === viewer.classroomId);
  const tally = Array.from({ length: optionCount(q) }, () => 0);
  if (all) for (const a of answers) for (const i of a.choice) tally[i] = (tally[i] ?? 0) + 1;
  return {
    id: q.id,
    kind: q.kind,
    text: q.text,
    options: [...q.options],
    limitSeconds: q.limitSeconds,
    askedAt: q.askedAt.toISOString(),
    closesAt: q.closesAt.toISOString(),
    revealedAt: q.revealedAt?.toISOString() ?? null,
    correct: all ? [...q.correct] : null,
    tally,
    answers: answers.map((a) => answerView(q, a, viewer)).sort((x, y) => x.answeredAt.localeCompare(y.answeredAt)),
    expected: Math.max(expected, q.answers.size),
  };
}
