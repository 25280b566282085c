import type { RuleFailure } from '../../../shared/signaling/live.ts';
import { isMessageKey, type MessageKey, type Translate } from '../i18n/index.ts';

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** A failed rule in the UI language: its name, then what was measured against what it needs. */
export function failureText(t: Translate, f: RuleFailure): string {
  const key = `live.rule.${f.ruleId}`;
  const rule = isMessageKey(key) ? t(key as MessageKey) : f.ruleId;
  return f.requiredCount > 1
    ? t('live.verdict.failedCount', { rule, count: f.count, required: f.requiredCount, share: pct(f.requiredShare) })
    : t('live.verdict.failedShare', { rule, measured: pct(f.measuredShare), required: pct(f.requiredShare) });
}

/** Every failed rule, joined in the UI language's list style. */
export const failuresText = (t: Translate, failed: readonly RuleFailure[]) => failed.map((f) => failureText(t, f)).join(t('common.listSeparator'));
