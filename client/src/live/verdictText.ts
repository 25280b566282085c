import type { RuleFailure } from '../../../shared/signaling/live.ts';
import { isMessageKey, type MessageKey, type Translate } from '../i18n/index.ts';

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** A failed rule in the UI language: its name, then what was measured against what it needs. */
type Failure = Omit<RuleFailure, 'ruleId'> & { ruleId: string };

export function failureText(t: Translate, f: Failure): string {
  const key = `live.rule.${f.ruleId}`;
  const rule = isMessageKey(key) ? t(key as MessageKey) : f.ruleId;
  return f.requiredCount > 1
    ? t('live.verdict.failedCount', { rule, count: f.count, required: f.requiredCount, share: pct(f.requiredShare) })
    : t('live.verdict.failedShare', { rule, measured: pct(f.measuredShare), required: pct(f.requiredShare) });
}

/** Every failed rule, joined in the UI language's list style. */
export const failuresText = (t: Translate, failed: readonly Failure[]) => failed.map((f) => failureText(t, f)).join(t('common.listSeparator'));

/** A participation rule's time figure ("seen or heard 80 s, needs 300 s"), or null for rules without one. */
const secondsText = (t: Translate, o: { measuredSeconds?: number | undefined; requiredSeconds?: number | undefined }) =>
  o.requiredSeconds ? t('live.verdict.seconds', { measured: Math.round(o.measuredSeconds ?? 0), required: o.requiredSeconds }) : null;

/** How much of a classroom rule's share came by sound and courseware (E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE), or null when none did. */
const audioCoursewareText = (t: Translate, o: { audioCoursewareShare?: number | undefined }) =>
  o.audioCoursewareShare ? t('live.verdict.audioCourseware', { share: pct(o.audioCoursewareShare) }) : null;

/** A rule outcome's time and audio-and-courseware figures, joined, or null when it has neither. */
export const extraFiguresText = (t: Translate, o: { measuredSeconds?: number | undefined; requiredSeconds?: number | undefined; audioCoursewareShare?: number | undefined }) =>
  [secondsText(t, o), audioCoursewareText(t, o)].filter((x) => x !== null).join(t('common.listSeparator')) || null;

/** A rule outcome's figures without the rule's name (the report lists the name beside it). */
export function figuresText(
  t: Translate,
  o: Failure & { measuredSeconds?: number | undefined; requiredSeconds?: number | undefined; audioCoursewareShare?: number | undefined },
): string {
  const share =
    o.requiredCount > 1
      ? o.requiredShare > 0
        ? t('live.verdict.figuresCount', { count: o.count, required: o.requiredCount, share: pct(o.requiredShare) })
        : t('live.verdict.figuresCountOnly', { count: o.count, required: o.requiredCount })
      : t('live.verdict.figuresShare', { measured: pct(o.measuredShare), required: pct(o.requiredShare) });
  const extra = extraFiguresText(t, o);
  return extra ? `${share}${t('common.listSeparator')}${extra}` : share;
}

const VERDICT_REASON = /(?:^|; )([A-Z]+(?:-[A-Z0-9]+)+): /g;

/**
 * A status reason as the reader should see it: a verdict's reason ("E-TEACHER-PUBLISHED: …; …",
 * stored for logs) becomes the failed rules' names, from their IDs; a reason somebody typed
 * (a cancellation) stays as typed.
 */
export function statusReasonText(t: Translate, reason: string): string {
  const ids = [...reason.matchAll(VERDICT_REASON)].map((m) => m[1]!);
  if (!reason.match(/^[A-Z]+(?:-[A-Z0-9]+)+: /) || !ids.every((id) => isMessageKey(`live.rule.${id}`))) return reason;
  return ids.map((id) => t(`live.rule.${id}` as MessageKey)).join(t('common.listSeparator'));
}
