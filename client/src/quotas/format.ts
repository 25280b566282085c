import type { RuleProgress } from '../../../shared/quotas/progress.ts';
import { regionName } from '../../../shared/quotas/regions.ts';
import type { QuotaStatus } from '../../../shared/quotas/rules.ts';
import { localName, type Locale, type MessageKey, type Translate } from '../i18n/index.ts';
import type { BadgeTone } from '../ui/index.ts';

export const statusTone: Record<QuotaStatus, BadgeTone> = { met: 'green', on_track: 'blue', at_risk: 'orange', will_miss: 'red', not_applicable: 'gray' };
export const statusOrder: Record<QuotaStatus, number> = { will_miss: 0, at_risk: 1, on_track: 2, met: 3, not_applicable: 4 };
export const STATUSES: QuotaStatus[] = ['will_miss', 'at_risk', 'on_track', 'met', 'not_applicable'];

export const ruleName = (locale: Locale, r: Pick<RuleProgress, 'nameZh' | 'nameEn'>) => localName(locale, r);

/**
 * What to schedule, in words: "还需 6 节同步课，其中至少 1 节为新学科，须在 2027-01-22 前完成".
 * The lessons rule mentions the subjects rule's need when both fall short.
 */
export function adviceText(t: Translate, r: RuleProgress, all: readonly RuleProgress[]): string | null {
  const a = r.advice;
  if (!a) return null;
  if (!a.before) return t('quotas.advice.withNote', { advice: t(`quotas.advice.${r.metric}` as MessageKey, { more: a.more, before: '—', schools: (a.schools ?? []).map((s) => s.name).join(t('quotas.listSep')) }), note: t('quotas.advice.noTime') });
  if (r.metric === 'sync_lessons') {
    const subjects = all.find((x) => x.metric === 'sync_subjects' && x.advice)?.advice?.newSubjects;
    if (subjects) return t('quotas.advice.sync_lessons_subjects', { more: a.more, subjects, before: a.before });
  }
  return t(`quotas.advice.${r.metric}` as MessageKey, { more: a.newSubjects ?? a.more, before: a.before, schools: (a.schools ?? []).map((s) => s.name).join(t('quotas.listSep')) });
}

export const pct = (r: Pick<RuleProgress, 'counted' | 'required'>) => (r.required > 0 ? Math.min(100, Math.round((r.counted / r.required) * 100)) : 100);

/**
 * A rule set's region in words: `city:嘉兴市` → 嘉兴市, `county:<code>` → the county's name
 * (the community's, or looked up by code), `default` → 默认.
 */
export function regionLabel(t: Translate, region: string, countyName?: string | ((code: string) => string | undefined)): string {
  return regionName(region, { defaultName: t('quotas.region.default'), countyName });
}

/** "第2版" (zh) / "v2" (en): a rule set's version. */
export const versionTag = (t: Translate, version: number) => t('rules.versionTag', { version });

/** "嘉兴市 第2版", as the report and the community page name a rule set. */
export const ruleSetLabel = (t: Translate, rs: { region: string; version: number }, countyName?: string | ((code: string) => string | undefined)) =>
  `${regionLabel(t, rs.region, countyName)} ${versionTag(t, rs.version)}`;

/**
 * The platform's own rule-set notes (written by the migrations, in both languages at once)
 * in the reader's language; a note somebody typed stays as typed.
 */
const DEFAULT_NOTES: Record<string, MessageKey> = {
  '嘉兴市默认指标 Jiaxing defaults': 'rules.defaultNote.city',
  '平台默认指标（嘉兴标准）Platform default (Jiaxing numbers)': 'rules.defaultNote.platform',
};
export const ruleSetNote = (t: Translate, note: string) => (DEFAULT_NOTES[note] ? t(DEFAULT_NOTES[note]) : note);

/**
 * The months of a trend that have happened: later ones are left empty (null) so the
 * lines stop at the current month instead of running flat to the end of the year.
 */
export const pastOnly = (month: string, value: number, today: string): number | null => (month <= today.slice(0, 7) ? value : null);
