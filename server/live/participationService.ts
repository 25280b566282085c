import { inArray } from 'drizzle-orm';
import type { EvidenceRule, SessionParticipation, Verdict } from '../../shared/schemas/live.ts';
import type { Actor } from '../accounts/actor.ts';
import { auditsCounty } from '../accounts/auditRegion.ts';
import type { Db } from '../db/client.ts';
import { liveActivityIntervals, liveEvidenceIntervals, liveSessionVerdicts, schools } from '../db/schema/index.ts';
import { quizCounts } from './tools/quizCounts.ts';
import { scheduleDirectory, sessionView, type LiveSessionDirectory, type LiveSessionInfo } from './directory.ts';
import { localDate } from '../evidence/facts.ts';
import { boardShownSince } from '../evidence/judge.ts';
import { figuresOf, participationFacts } from '../evidence/participation.ts';
import { classroomPresence } from '../evidence/participationRules.ts';
import { analyseLesson, stInputOf, stRulesFor } from './stAnalysis.ts';
import { loadStRules } from './stRules.ts';

/**
 * Participation data of sessions (issue #6) for pages, the coordinator's
 * dashboard and the county report export. Read-only; computed on demand from
 * the append-only intervals, so a figure shown and the verdict judged from the
 * same intervals cannot disagree.
 *
 * `participationOfSessions(db, ids)` does no permission check: the caller has
 * already scoped the ids (the quota export does); `participationFor(db,
 * sessionId, actor)` is the checked single-session read behind the REST endpoint.
 */
export interface ParticipationOptions {
  readonly directory?: LiveSessionDirectory;
  /** Open intervals of live sessions count until this instant (default: now). */
  readonly now?: Date;
}

const CHUNK = 200;

export async function participationOfSessions(db: Db, sessionIds: readonly string[], options: ParticipationOptions = {}): Promise<SessionParticipation[]> {
  const directory = options.directory ?? scheduleDirectory(db);
  const now = options.now ?? new Date();
  const ids = [...new Set(sessionIds)];
  const out: SessionParticipation[] = [];
  const stVersions = await loadStRules(db);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const sessions = (await Promise.all(chunk.map((id) => directory.get(id)))).filter((s): s is LiveSessionInfo => s !== null);
    if (!sessions.length) continue;
    const found = sessions.map((s) => s.id);
    const [evidence, activity, verdicts, quiz, boards] = await Promise.all([
      db.select().from(liveEvidenceIntervals).where(inArray(liveEvidenceIntervals.sessionId, found)),
      db.select().from(liveActivityIntervals).where(inArray(liveActivityIntervals.sessionId, found)),
      db.select().from(liveSessionVerdicts).where(inArray(liveSessionVerdicts.sessionId, found)),
      quizCounts(db, found),
      boardShownSince(db, found),
    ]);
    const schoolIds = [...new Set(sessions.flatMap((s) => [s.hostTeacher, ...s.invitedTeachers, s.hostClassroom, ...s.memberClassrooms].filter((x) => x !== null).map((x) => x.schoolId)))];
    const names = new Map(
      schoolIds.length ? (await db.select({ id: schools.id, name: schools.name }).from(schools).where(inArray(schools.id, schoolIds))).map((r) => [r.id, r.name]) : [],
    );
    for (const s of sessions) {
      const v = verdicts.find((x) => x.sessionId === s.id);
      const facts = participationFacts(
        s,
        evidence.filter((r) => r.sessionId === s.id),
        activity.filter((r) => r.sessionId === s.id),
        v?.endedAt ?? now,
        boards.get(s.id) ?? null,
      );
      const stInput = stInputOf(facts);
      out.push({
        session: sessionView(s),
        plannedSeconds: Math.round((s.endsAt.getTime() - s.startsAt.getTime()) / 1000),
        final: s.status !== 'live' && s.status !== 'scheduled',
        computedAt: now.toISOString(),
        participants: withPresence(figuresOf(facts, names), facts, v?.rules).map((f) => ({ ...f, quizAnswers: (f.classroomId && quiz.answers.get(`${s.id}:${f.classroomId}`)) || 0 })),
        quizQuestions: quiz.questions.get(s.id) ?? 0,
        verdict: v
          ? { status: v.status as Verdict['status'], reason: v.reason, outcomes: v.outcomes as Verdict['outcomes'], evaluatedAt: v.evaluatedAt.toISOString() }
          : null,
        st: stInput ? analyseLesson(stInput, stRulesFor(stVersions, localDate(s.startsAt, s.timeZone))) : null,
      });
    }
  }
  const order = new Map(ids.map((id, i) => [id, i]));
  return out.sort((a, b) => order.get(a.session.id)! - order.get(b.session.id)!);
}

/** Member classrooms' `present` under the P-LESSON-CLASSROOM-PRESENT version the session was judged by (stored with its verdict). */
function withPresence(figures: SessionParticipation['participants'], facts: ReturnType<typeof participationFacts>, judgedBy: unknown): SessionParticipation['participants'] {
  const rule = Array.isArray(judgedBy) ? (judgedBy as EvidenceRule[]).find((r) => r.ruleId === 'P-LESSON-CLASSROOM-PRESENT') : undefined;
  if (!rule || facts.kind !== 'sync_lesson') return figures;
  const ok = new Map(classroomPresence({ ...rule, minSeconds: rule.minSeconds ?? 0 }, facts).map((e) => [e.c.key, e.ok]));
  return figures.map((f) => (ok.has(f.key) ? { ...f, present: ok.get(f.key)! } : f));
}

/** Who may read a session's evidence and participation: admins, the county's auditors, the community's coordinators, the session's teachers. */
export function mayReadParticipation(session: LiveSessionInfo, actor: Actor): boolean {
  switch (actor.role) {
    case 'admin':
      return true;
    case 'auditor':
      return auditsCounty(actor, session.countyId);
    case 'coordinator':
      return actor.communityIds.includes(session.communityId);
    case 'teacher':
      return !!actor.teacherId && (session.hostTeacher?.id === actor.teacherId || session.invitedTeachers.some((t) => t.id === actor.teacherId));
    default:
      return false;
  }
}

/** One session's participation for the actor, or null (→ 404) if it does not exist for them. */
export async function participationFor(db: Db, sessionId: string, actor: Actor, options: ParticipationOptions = {}): Promise<SessionParticipation | null> {
  const directory = options.directory ?? scheduleDirectory(db);
  const session = await directory.get(sessionId);
  if (!session || !mayReadParticipation(session, actor)) return null;
  const [one] = await participationOfSessions(db, [sessionId], { ...options, directory });
  return one ?? null;
}
