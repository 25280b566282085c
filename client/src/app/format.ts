import type { Membership } from '../../../shared/schemas/communities.ts';
import type { School } from '../../../shared/schemas/places.ts';
import type { Translate } from '../i18n/index.ts';
import type { BadgeTone } from '../ui/Badge.tsx';

/** Today in the schools' zone (Asia/Shanghai by default), as an ISO date. */
export function todayIso(timeZone = 'Asia/Shanghai'): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** The academic year holding `today` (1 September – 31 August, the counting period's default): its label and first day. */
export function academicYearOf(today = todayIso()): { label: string; startsOn: string } {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const first = m >= 9 ? y : y - 1;
  return { label: `${first}-${first + 1}`, startsOn: `${first}-09-01` };
}

export type MembershipStatus = 'active' | 'ended' | 'upcoming';

/** `validFrom` is inclusive, `validTo` exclusive (the day the school is no longer a member). */
export function membershipStatus(m: Pick<Membership, 'validFrom' | 'validTo'>, today = todayIso()): MembershipStatus {
  if (m.validFrom > today) return 'upcoming';
  if (m.validTo !== null && m.validTo <= today) return 'ended';
  return 'active';
}

export const membershipTone: Record<MembershipStatus, BadgeTone> = { active: 'green', ended: 'gray', upcoming: 'orange' };

export const stageLabel = (t: Translate, stage: School['stage']) => t(`school.stage.${stage}`);
export const localityLabel = (t: Translate, locality: School['locality']) => t(`school.locality.${locality}`);

/** "小学 · 乡村 · 新居民子女学校" */
export function schoolKind(t: Translate, s: Pick<School, 'stage' | 'locality' | 'newResident'>): string {
  return [stageLabel(t, s.stage), localityLabel(t, s.locality), ...(s.newResident ? [t('school.newResident')] : [])].join(' · ');
}

/** Compare names the way people read them (pinyin order for Chinese). */
export const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name, 'zh-CN');

/** The ISO date `days` after an ISO date. */
export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** An instant as the schools read it: `2026-12-04 16:05` (Asia/Shanghai), with seconds if asked. */
export function localDateTime(iso: string, opts: { seconds?: boolean; timeZone?: string } = {}): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: opts.timeZone ?? 'Asia/Shanghai', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${opts.seconds ? `:${p.second}` : ''}`;
}
