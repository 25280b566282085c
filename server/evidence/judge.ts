import { and, asc, eq, inArray, min } from 'drizzle-orm';
import type { EvidenceRule, Verdict } from '../../shared/schemas/live.ts';
import type { Db } from '../db/client.ts';
import { liveBoardEvents, liveEvidenceRules } from '../db/schema/index.ts';
import { factsOf, localDate, ruleBookFor } from './facts.ts';
import { participationFacts, type ActivityRow, type ParticipationEvidenceRow, type SessionPlan } from './participation.ts';
import { evaluateParticipation, participationBookFor, verdictOf, versionsInForce } from './participationRules.ts';
import { evaluate } from './verdict.ts';

/**
 * The one judgment an ended session gets (pure): its evidence rules (media
 * flowed, verdict.ts) and participation rules (people took part,
 * participationRules.ts), in the versions in force on its local start date.
 * Returns the verdict and those versions, which are stored beside it so a
 * later change of thresholds never re-judges a past session. `boardShownAt`: when
 * the session's board was first shown (`boardShownSince`), null if never — time in
 * the audio-and-courseware mode counts from then (E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE).
 */
export function judgeSession(
  session: SessionPlan & { readonly timeZone: string },
  evidence: readonly ParticipationEvidenceRow[],
  activity: readonly ActivityRow[],
  versions: readonly EvidenceRule[],
  endedAt: Date,
  boardShownAt: Date | null,
): { verdict: Verdict; rules: EvidenceRule[] } {
  const date = localDate(session.startsAt, session.timeZone);
  const media = evaluate(ruleBookFor(versions, date), factsOf(session, evidence, endedAt, boardShownAt));
  const participation = evaluateParticipation(participationBookFor(versions, date), participationFacts(session, evidence, activity, endedAt, boardShownAt));
  return { verdict: verdictOf([...media.outcomes, ...participation]), rules: versionsInForce(versions, date) };
}

/** Every version of every evidence and participation rule (table live_evidence_rules). */
export async function loadRuleVersions(db: Db): Promise<EvidenceRule[]> {
  const rows = await db.select().from(liveEvidenceRules).orderBy(asc(liveEvidenceRules.ruleId), asc(liveEvidenceRules.effectiveFrom));
  return rows.map((r) => ({
    ruleId: r.ruleId as EvidenceRule['ruleId'],
    effectiveFrom: r.effectiveFrom,
    minShare: Number(r.minShare),
    minCount: r.minCount,
    marginMinutes: r.marginMinutes,
    minSeconds: r.minSeconds,
    description: r.description,
  }));
}

/**
 * When each session's board was first shown (courseware or the blank board: its first
 * `page` event in live_board_events). A board once shown stays up for the rest of the
 * session (shared/courseware/board.ts has no way down), so this one instant is all the
 * verdict needs of it.
 */
export async function boardShownSince(db: Db, sessionIds: readonly string[]): Promise<Map<string, Date>> {
  if (!sessionIds.length) return new Map();
  const rows = await db
    .select({ sessionId: liveBoardEvents.sessionId, at: min(liveBoardEvents.at) })
    .from(liveBoardEvents)
    .where(and(inArray(liveBoardEvents.sessionId, [...sessionIds]), eq(liveBoardEvents.kind, 'page')))
    .groupBy(liveBoardEvents.sessionId);
  return new Map(rows.flatMap((r) => (r.at ? [[r.sessionId, r.at] as const] : [])));
}
