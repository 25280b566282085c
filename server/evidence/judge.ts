import { asc } from 'drizzle-orm';
import type { EvidenceRule, Verdict } from '../../shared/schemas/live.ts';
import type { Db } from '../db/client.ts';
import { liveEvidenceRules } from '../db/schema/index.ts';
import { factsOf, localDate, ruleBookFor } from './facts.ts';
import { participationFacts, type ActivityRow, type ParticipationEvidenceRow, type SessionPlan } from './participation.ts';
import { evaluateParticipation, participationBookFor, verdictOf, versionsInForce } from './participationRules.ts';
import { evaluate } from './verdict.ts';

/**
 * The one judgment an ended session gets (pure): its evidence rules (media
 * flowed, verdict.ts) and participation rules (people took part,
 * participationRules.ts), in the versions in force on its local start date.
 * Returns the verdict and those versions, which are stored beside it so a
 * later change of thresholds never re-judges a past session.
 */
export function judgeSession(
  session: SessionPlan & { readonly timeZone: string },
  evidence: readonly ParticipationEvidenceRow[],
  activity: readonly ActivityRow[],
  versions: readonly EvidenceRule[],
  endedAt: Date,
): { verdict: Verdict; rules: EvidenceRule[] } {
  const date = localDate(session.startsAt, session.timeZone);
  const media = evaluate(ruleBookFor(versions, date), factsOf(session, evidence, endedAt));
  const participation = evaluateParticipation(participationBookFor(versions, date), participationFacts(session, evidence, activity, endedAt));
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
