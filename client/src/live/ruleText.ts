import { isMessageKey, type MessageKey, type Translate } from '../i18n/index.ts';

/**
 * The descriptions the migrations wrote for the platform's own rule versions (English data).
 * They say what the rule ID already says, so the reader gets the dictionary's wording instead;
 * a description an administrator typed is shown as typed.
 */
const PLATFORM_DESCRIPTIONS = new Set([
  'The teaching teacher sent picture (camera or screen) and sound (microphone) at the same time for at least this share of the scheduled time.',
  "At least min_count member classrooms each received the teacher's picture and sound for at least this share of the scheduled time.",
  'In a research session, somebody was sending (camera, microphone or screen) for at least this share of the scheduled time.',
  'At least min_count teachers of the research session were each connected and receiving for at least this share of the scheduled time.',
  'The teaching teacher published camera and microphone at the same time for at least this share of the scheduled time.',
  "At least min_count member classrooms each received the teacher's picture and sound for at least this share of the scheduled time and were seen or heard (camera on, or speaking) for at least min_seconds (waived in master-teacher lessons, where classrooms only receive).",
  'Teachers of at least min_count different schools spoke, each school through a teacher who spoke for at least min_seconds in total.',
]);

export const isPlatformDescription = (description: string) => PLATFORM_DESCRIPTIONS.has(description);

type RuleFigures = { ruleId: string; minShare: number; minCount: number; minSeconds: number };

/** What a rule version asks, in the reader's language, with its own figures. */
export function ruleExplanation(t: Translate, r: RuleFigures): string | null {
  const key = `live.ruleExplain.${r.ruleId}`;
  return isMessageKey(key) ? t(key as MessageKey, { share: Math.round(r.minShare * 100), count: r.minCount, seconds: r.minSeconds }) : null;
}

/** The administrator's own description of a version, unless it is the platform's default wording. */
export const typedDescription = (description: string) => (description && !isPlatformDescription(description) ? description : null);
