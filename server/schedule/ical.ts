import type { LiveSession, OfflineResearch } from '../../shared/schemas/schedule.ts';
import { toZoned, zoneOffsetMinutes } from '../../shared/schedule/time.ts';

/**
 * iCalendar (RFC 5545) for the sessions a person may see.
 *
 * Every occurrence is its own VEVENT (UID = session id) rather than one RRULE with
 * EXDATEs and overrides: occurrences of a series diverge one by one (a holiday
 * skipped, one moved, one cancelled, each with its own live status), a feed is
 * regenerated on every fetch so expansion costs nothing, and calendar clients agree
 * on plain events far more than on RECURRENCE-ID overrides. Times are local to the
 * session's zone with a VTIMEZONE (Asia/Shanghai: fixed +08:00); a zone with daylight
 * saving, which the VTIMEZONE here would not describe, is written in UTC instead.
 */

const MODE_ZH: Record<string, string> = { interactive: '同步互动混合课堂', dedicated: '专递课堂', master: '名师课堂' };
const KIND_ZH: Record<string, string> = { sync_lesson: '同步课堂', online_research: '网络研修' };

/** TEXT escaping (RFC 5545 §3.3.11). */
export const escapeText = (s: string) => s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');

/** Folds a content line at 75 octets without splitting a UTF-8 character (§3.1). */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    const limit = out.length === 0 ? 75 : 74; // continuation lines start with a space
    if (bytes + n > limit) {
      out.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += n;
  }
  out.push(current);
  return out.join('\r\n ');
}

const utcStamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const localStamp = (d: Date, tz: string) => {
  const z = toZoned(d, tz);
  return `${z.date.replace(/-/g, '')}T${z.time.replace(':', '')}00`;
};
const offsetText = (minutes: number) => {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${String(Math.floor(m / 60)).padStart(2, '0')}${String(m % 60).padStart(2, '0')}`;
};

/** A zone with one offset all year (probed at four dates) gets a one-line VTIMEZONE. */
function fixedOffset(tz: string, year: number): number | null {
  const probes = [0, 3, 6, 9].map((month) => zoneOffsetMinutes(new Date(Date.UTC(year, month, 15)), tz));
  return probes.every((p) => p === probes[0]) ? probes[0]! : null;
}

function vtimezone(tz: string, offset: number): string[] {
  const abbr = tz === 'Asia/Shanghai' ? 'CST' : `UTC${offsetText(offset)}`;
  return ['BEGIN:VTIMEZONE', `TZID:${tz}`, `X-LIC-LOCATION:${tz}`, 'BEGIN:STANDARD', 'DTSTART:19700101T000000', `TZOFFSETFROM:${offsetText(offset)}`, `TZOFFSETTO:${offsetText(offset)}`, `TZNAME:${abbr}`, 'END:STANDARD', 'END:VTIMEZONE'];
}

export interface IcalOptions {
  name: string;
  /** Base URL of the web app, for links to each session. */
  appUrl?: string | undefined;
  now?: Date;
}

const dateTimeProp = (name: string, d: Date, tz: string, fixed: Set<string>) => (fixed.has(tz) ? `${name};TZID=${tz}:${localStamp(d, tz)}` : `${name}:${utcStamp(d)}`);

/** Sequence numbers must grow with each change: seconds since 2020 of the last update. */
const sequenceOf = (iso: string) => Math.max(0, Math.floor((Date.parse(iso) - Date.UTC(2020, 0, 1)) / 1000));

export function buildIcal(sessions: readonly LiveSession[], research: readonly OfflineResearch[], options: IcalOptions): string {
  const now = options.now ?? new Date();
  const zones = new Set(sessions.map((s) => s.timeZone));
  zones.add('Asia/Shanghai');
  const fixed = new Map<string, number>();
  for (const tz of zones) {
    const offset = fixedOffset(tz, now.getUTCFullYear());
    if (offset !== null) fixed.set(tz, offset);
  }
  const fixedZones = new Set(fixed.keys());
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//tongbu//schedule//ZH',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(options.name)}`,
    'X-WR-TIMEZONE:Asia/Shanghai',
    'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
    'X-PUBLISHED-TTL:PT1H',
  ];
  for (const [tz, offset] of fixed) lines.push(...vtimezone(tz, offset));
  for (const s of sessions) {
    const host = s.teachers.find((t) => t.role === 'host');
    const hostRoom = s.classrooms.find((c) => c.role === 'host');
    const kind = s.kind === 'sync_lesson' ? `${KIND_ZH[s.kind]}·${MODE_ZH[s.mode ?? ''] ?? ''}` : KIND_ZH[s.kind]!;
    const description = [
      s.topic && `主题 Topic: ${s.topic}`,
      `类型 Kind: ${kind}`,
      host && `${s.kind === 'sync_lesson' ? '授课' : '主持'} Host: ${host.name}（${host.schoolName}）`,
      s.classrooms.filter((c) => c.role === 'member').length ? `参与教室 Classrooms: ${s.classrooms.filter((c) => c.role === 'member').map((c) => `${c.schoolName} ${c.name}`).join('、')}` : '',
      s.teachers.filter((t) => t.role === 'invited').length ? `受邀教师 Invited: ${s.teachers.filter((t) => t.role === 'invited').map((t) => t.name).join('、')}` : '',
      `教共体 Community: ${s.communityName}`,
      s.status === 'cancelled' && s.statusReason ? `已取消 Cancelled: ${s.statusReason}` : '',
    ].filter(Boolean).join('\n');
    lines.push(
      'BEGIN:VEVENT',
      `UID:${s.id}@tongbu`,
      `DTSTAMP:${utcStamp(now)}`,
      dateTimeProp('DTSTART', new Date(s.startsAt), s.timeZone, fixedZones),
      dateTimeProp('DTEND', new Date(s.endsAt), s.timeZone, fixedZones),
      `SUMMARY:${escapeText(`${s.status === 'cancelled' ? '[已取消] ' : ''}${s.title}`)}`,
      `DESCRIPTION:${escapeText(description)}`,
      ...(hostRoom ? [`LOCATION:${escapeText(`${hostRoom.schoolName} ${hostRoom.name}`)}`] : [`LOCATION:${escapeText('线上 Online')}`]),
      `CATEGORIES:${escapeText(KIND_ZH[s.kind]!)}`,
      `STATUS:${s.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
      `SEQUENCE:${sequenceOf(s.updatedAt)}`,
      'TRANSP:OPAQUE',
      ...(options.appUrl ? [`URL:${options.appUrl.replace(/\/$/, '')}/schedule/sessions/${s.id}`] : []),
      'END:VEVENT',
    );
  }
  for (const r of research) {
    const next = new Date(Date.parse(`${r.heldOn}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
    lines.push(
      'BEGIN:VEVENT',
      `UID:${r.id}@tongbu-offline`,
      `DTSTAMP:${utcStamp(now)}`,
      `DTSTART;VALUE=DATE:${r.heldOn.replace(/-/g, '')}`,
      `DTEND;VALUE=DATE:${next.replace(/-/g, '')}`,
      `SUMMARY:${escapeText(`线下教研：${r.title}`)}`,
      `LOCATION:${escapeText(`${r.hostSchool.name} ${r.place}`)}`,
      `CATEGORIES:${escapeText('线下教研')}`,
      `STATUS:${r.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
