import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { SessionCreate } from '../../shared/schemas/schedule.ts';
import type { LiveSession } from '../../shared/schemas/schedule.ts';
import { buildIcal, escapeText, foldLine } from '../../server/schedule/ical.ts';
import { parseCsv } from '../../server/http/spreadsheetRead.ts';

const session = (over: Partial<LiveSession> = {}): LiveSession => ({
  id: '11111111-1111-4111-8111-111111111111',
  communityId: '22222222-2222-4222-8222-222222222222',
  communityName: '海盐县实验小学教育共同体',
  kind: 'sync_lesson',
  title: '分数的初步认识',
  topic: '',
  subjectCode: 'math',
  mode: 'interactive',
  startsAt: '2026-12-31T23:30:00.000Z',
  endsAt: '2027-01-01T00:30:00.000Z',
  timeZone: 'Asia/Shanghai',
  status: 'scheduled',
  statusReason: null,
  seriesId: null,
  teachers: [{ id: '33333333-3333-4333-8333-333333333333', name: '王丽华', schoolId: '44444444-4444-4444-8444-444444444444', schoolName: '海盐县实验小学', role: 'host' }],
  classrooms: [],
  override: null,
  createdAt: '2026-11-23T00:00:00.000Z',
  updatedAt: '2026-11-23T00:00:00.000Z',
  ...over,
});

describe('iCalendar writing', () => {
  it('escapes text and folds long UTF-8 lines at 75 octets without splitting a character', () => {
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
    const folded = foldLine(`SUMMARY:${'同步课堂'.repeat(20)}`);
    const lines = folded.split('\r\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    expect(lines.map((l, i) => (i ? l.slice(1) : l)).join('')).toBe(`SUMMARY:${'同步课堂'.repeat(20)}`);
  });

  it('writes local times with a VTIMEZONE, and UTC for a zone with daylight saving', () => {
    const text = buildIcal([session(), session({ id: '55555555-5555-4555-8555-555555555555', timeZone: 'Europe/Berlin', startsAt: '2027-03-29T07:00:00.000Z', endsAt: '2027-03-29T08:00:00.000Z' })], [], { name: '测试', now: new Date('2026-11-23T00:00:00Z') });
    expect(text).toContain('DTSTART;TZID=Asia/Shanghai:20270101T073000');
    expect(text).toContain('DTSTART:20270329T070000Z');
    const cal = new ICAL.Component(ICAL.parse(text));
    for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
    const starts = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v).startDate.toJSDate().toISOString());
    expect(starts).toEqual(['2026-12-31T23:30:00.000Z', '2027-03-29T07:00:00.000Z']);
  });
});

describe('CSV reading', () => {
  it('reads quotes, doubled quotes, commas and line breaks inside cells, CRLF and LF', () => {
    expect(parseCsv('a,"b,c","d ""e"""\r\n"f\ng",h\n')).toEqual([
      ['a', 'b,c', 'd "e"'],
      ['f\ng', 'h'],
    ]);
  });
});

describe('session drafts', () => {
  const base = {
    communityId: '22222222-2222-4222-8222-222222222222',
    kind: 'sync_lesson',
    title: '课',
    subjectCode: 'math',
    mode: 'interactive',
    startsAt: '2026-12-01T09:00:00+08:00',
    endsAt: '2026-12-01T09:40:00+08:00',
    hostTeacherId: '33333333-3333-4333-8333-333333333333',
    hostClassroomId: '66666666-6666-4666-8666-666666666666',
    memberClassroomIds: ['77777777-7777-4777-8777-777777777777'],
  };
  it('a lesson needs a subject, a mode and a member classroom; ends after it starts', () => {
    expect(SessionCreate.safeParse(base).success).toBe(true);
    const bad = SessionCreate.safeParse({ ...base, mode: null, memberClassroomIds: [], endsAt: '2026-12-01T08:00:00+08:00' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['endsAt', 'memberClassroomIds', 'mode']);
  });
  it('a series gives either an end date or a count', () => {
    expect(SessionCreate.safeParse({ ...base, recurrence: { until: '2027-01-01', count: 3 } }).success).toBe(false);
    expect(SessionCreate.safeParse({ ...base, recurrence: { count: 3 } }).success).toBe(true);
  });
});
