import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { todayOf } from '../../server/quotas/years.ts';
import { addDays } from '../../shared/schedule/time.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';
import { demoDirectory, lessonDraft, type DemoDirectory, PLANNING_NOW } from '../support/schedule.ts';

let p: TestPlatform;
let dir: DemoDirectory;
let coord: SignedInClient;

let dataDir: string;

beforeAll(async () => {
  // Evidence files go under DATA_DIR: a directory of this test's own.
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'tongbu-schedule-'));
  p = await startTestPlatform({ env: { DATA_DIR: dataDir, SCHEDULE_NOW: PLANNING_NOW } });
  dir = await demoDirectory(p.database.db);
  coord = await p.signIn('coord.shiyan');
  const series = await coord.call(api.createSession, {
    body: lessonDraft(dir, '2026-12-04T07:30:00+08:00', '2026-12-04T08:30:00+08:00', { title: '早课, 分数; 第一讲', topic: '跨零点：UTC 前一天', recurrence: { until: '2027-01-15' } }),
  });
  if (!series.ok) throw new Error(JSON.stringify(series));
  const cancel = await coord.call(api.cancelSession, { params: { id: series.data.sessions[1]!.id }, body: { reason: '学校运动会' } });
  if (!cancel.ok) throw new Error(JSON.stringify(cancel));
});
afterAll(async () => {
  await p?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Parses with ical.js (a real RFC 5545 parser), registering the calendar's own VTIMEZONEs. */
function parse(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  return { cal, events: cal.getAllSubcomponents('vevent').map((v) => ({ v, e: new ICAL.Event(v) })) };
}

async function textOf(blob: unknown): Promise<string> {
  return (blob as Blob).text();
}

describe('iCalendar export', () => {
  it('parses with ical.js: expanded occurrences, Asia/Shanghai VTIMEZONE, holidays skipped, cancellations marked', async () => {
    const res = await coord.call(api.exportCalendar, { query: { communityId: dir.community('实验小学教育共同体') } });
    expect(res.ok).toBe(true);
    const text = await textOf(res.ok ? res.data : null);
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    const { cal, events } = parse(text);
    expect(cal.getFirstPropertyValue('version')).toBe('2.0');
    expect(cal.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe('Asia/Shanghai');
    expect(events).toHaveLength(6);
    const first = events[0]!.e;
    expect(first.summary).toBe('早课, 分数; 第一讲');
    expect(first.startDate.zone?.tzid).toBe('Asia/Shanghai');
    expect(first.startDate.toString()).toBe('2026-12-04T07:30:00');
    // 07:30 in Beijing is 23:30 UTC on the day before.
    expect(first.startDate.toJSDate().toISOString()).toBe('2026-12-03T23:30:00.000Z');
    expect(first.endDate.toJSDate().toISOString()).toBe('2026-12-04T00:30:00.000Z');
    expect(first.description).toContain('王丽华');
    expect(first.location).toBe('海盐县实验小学 同步课堂录播教室');
    const days = events.map(({ e }) => e.startDate.toString().slice(0, 10));
    expect(days).not.toContain('2027-01-01');
    const cancelled = events.find(({ v }) => v.getFirstPropertyValue('status') === 'CANCELLED');
    expect(cancelled?.e.startDate.toString().slice(0, 10)).toBe('2026-12-11');
    expect(new Set(events.map(({ e }) => e.uid)).size).toBe(6);
  });

  it('from/to are the school\'s local days (Asia/Shanghai), not UTC days', async () => {
    const communityId = dir.community('实验小学教育共同体');
    const starts = async (query: { from: string; to: string }) => {
      const res = await coord.call(api.exportCalendar, { query: { communityId, ...query } });
      return parse(await textOf(res.ok ? res.data : null)).events.map(({ e }) => e.startDate.toJSDate().toISOString());
    };
    // The 07:30 lesson of 4 December starts at 23:30 UTC on 3 December: it is on the 4th, not the 3rd.
    expect(await starts({ from: '2026-12-03', to: '2026-12-03' })).toEqual([]);
    expect(await starts({ from: '2026-12-04', to: '2026-12-04' })).toEqual(['2026-12-03T23:30:00.000Z']);
    // The last day of the window is included whole: the lesson of 18 December (a Friday) ends at 08:30 local.
    expect(await starts({ from: '2026-12-05', to: '2026-12-18' })).toEqual(['2026-12-10T23:30:00.000Z', '2026-12-17T23:30:00.000Z']);
  });

  it('a private subscription URL works without a session, and stops working when revoked', async () => {
    const teacher = await p.signIn('teacher.wang');
    expect((await teacher.call(api.getCalendarFeed)).ok && ((await teacher.call(api.getCalendarFeed)) as { data: { active: boolean } }).data.active).toBe(false);
    const created = await teacher.call(api.createCalendarFeed);
    expect(created.status).toBe(201);
    const url = created.ok ? created.data.url! : '';
    expect(url).toMatch(/\/api\/calendar-feeds\/[A-Za-z0-9_-]+\.ics$/);
    const feed = await fetch(url);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toContain('text/calendar');
    const { events } = parse(await feed.text());
    expect(events.length).toBe(6);
    expect(events.every(({ e }) => e.description.includes('王丽华'))).toBe(true);

    // A new URL revokes the old one; revoking ends the new one.
    const rotated = await teacher.call(api.createCalendarFeed);
    expect((await fetch(url)).status).toBe(404);
    const url2 = rotated.ok ? rotated.data.url! : '';
    expect((await fetch(url2)).status).toBe(200);
    expect((await teacher.call(api.revokeCalendarFeed)).status).toBe(204);
    expect((await fetch(url2)).status).toBe(404);
    expect((await fetch(`${p.url}/api/calendar-feeds/not-a-token.ics`)).status).toBe(404);
  });

  it('a classroom terminal\'s feed holds only its own classroom\'s sessions', async () => {
    const liuli = await p.signIn('class.liuli');
    const created = await liuli.call(api.createCalendarFeed);
    const { events } = parse(await (await fetch(created.ok ? created.data.url! : '')).text());
    expect(events).toHaveLength(0);
  });
});

describe('offline research and dispatch over the API', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4a30000000049454e44ae426082', 'hex');

  it('records, attaches evidence (served only within the community and to auditors) and confirms', async () => {
    const created = await coord.call(api.createOfflineResearch, {
      body: { communityId: dir.community('实验小学教育共同体'), title: '城乡同课异构', heldOn: '2026-12-02', place: '澉浦小学 会议室', hostSchoolId: dir.school('海盐县澉浦小学'), teacherIds: [dir.teacher('王丽华'), dir.teacher('李春燕')] },
    });
    expect(created.status).toBe(201);
    const id = created.ok ? created.data.id : '';
    expect(created.ok && created.data.schools.map((s) => s.name).sort()).toEqual(['海盐县实验小学', '海盐县澉浦小学']);
    const early = await coord.call(api.confirmOfflineResearch, { params: { id } });
    expect(early.status).toBe(400);

    const fake = await coord.call(api.uploadOfflineAttachment, { params: { id }, file: Object.assign(new Blob(['not a png'], { type: 'image/png' }), { name: 'x.png' }) });
    expect(fake.status).toBe(400);
    const exe = await coord.call(api.uploadOfflineAttachment, { params: { id }, file: Object.assign(new Blob(['MZ'], { type: 'application/x-msdownload' }), { name: 'x.exe' }) });
    expect(exe.status).toBe(400);
    const uploaded = await coord.call(api.uploadOfflineAttachment, { params: { id }, file: Object.assign(new Blob([png], { type: 'image/png' }), { name: '现场照片.png' }) });
    expect(uploaded.status).toBe(201);
    const attachmentId = uploaded.ok ? uploaded.data.id : '';

    const confirmed = await coord.call(api.confirmOfflineResearch, { params: { id } });
    expect(confirmed.ok && confirmed.data).toMatchObject({ status: 'confirmed', confirmedBy: '实验小学教共体协调员' });

    const download = async (c: SignedInClient) => c.call(api.downloadOfflineAttachment, { params: { id, attachmentId } });
    const own = await download(coord);
    expect(own.ok && Buffer.from(await (own.data as Blob).arrayBuffer()).equals(png)).toBe(true);
    expect((await download(await p.signIn('auditor.haiyan'))).status).toBe(200);
    expect((await download(await p.signIn('teacher.li'))).status).toBe(200);
    expect((await download(await p.signIn('coord.xiangyang'))).status).toBe(404);
    expect((await p.anonymous()(api.downloadOfflineAttachment, { params: { id, attachmentId } })).status).toBe(401);
  });

  it('E-OFFLINE-RESEARCH-HELD: research still to come cannot be confirmed (409 naming it and its day); from its day on it can', async () => {
    const today = todayOf(null);
    const tomorrow = addDays(today, 1);
    const body = (heldOn: string) => ({
      communityId: dir.community('实验小学教育共同体'), title: `提前确认 ${heldOn}`, heldOn, place: '澉浦小学 会议室', hostSchoolId: dir.school('海盐县澉浦小学'),
      teacherIds: [dir.teacher('王丽华')], minutes: '会议纪要已提前写好。',
    });
    const future = await coord.call(api.createOfflineResearch, { body: body(tomorrow) });
    if (!future.ok) throw new Error(JSON.stringify(future));
    const early = await coord.call(api.confirmOfflineResearch, { params: { id: future.data.id } });
    expect(early.status).toBe(409);
    expect(!early.ok && early.error.conflict).toMatchObject({ kind: 'offline_research_not_held', id: future.data.id, startsAt: tomorrow, description: expect.stringContaining('E-OFFLINE-RESEARCH-HELD') });
    const still = await coord.call(api.getOfflineResearch, { params: { id: future.data.id } });
    expect(still.ok && still.data).toMatchObject({ status: 'planned', confirmedAt: null });
    const sameDay = await coord.call(api.createOfflineResearch, { body: body(today) });
    if (!sameDay.ok) throw new Error(JSON.stringify(sameDay));
    expect((await coord.call(api.confirmOfflineResearch, { params: { id: sameDay.data.id } })).ok).toBe(true);
  });

  it('dispatches a backbone teacher; a second overlapping dispatch is a 409 naming the first', async () => {
    const base = { communityId: dir.community('实验小学教育共同体'), teacherId: dir.teacher('徐静怡'), hoursPerWeek: 4 };
    const first = await coord.call(api.createDispatch, { body: { ...base, schoolId: dir.school('海盐县六里小学'), startsOn: '2026-09-01', endsOn: '2027-01-22' } });
    expect(first.status).toBe(201);
    const second = await coord.call(api.createDispatch, { body: { ...base, schoolId: dir.school('海盐县明德新居民子女学校'), startsOn: '2027-01-01', endsOn: '2027-07-02' } });
    expect(second.status).toBe(409);
    expect(!second.ok && second.error.conflict).toMatchObject({ kind: 'dispatch', title: '海盐县六里小学', who: '徐静怡', startsAt: '2026-09-01' });
    const notBackbone = await coord.call(api.createDispatch, { body: { ...base, teacherId: dir.teacher('周敏'), schoolId: dir.school('海盐县六里小学'), startsOn: '2027-02-22', endsOn: '2027-07-02' } });
    expect(!notBackbone.ok && notBackbone.error.fields?.[0]).toMatchObject({ field: 'teacherId', code: 'not_backbone' });
    const auditor = await p.signIn('auditor.haiyan');
    expect((await auditor.call(api.listDispatches, {})).ok).toBe(true);
    expect((await auditor.call(api.createDispatch, { body: { ...base, schoolId: dir.school('海盐县六里小学'), startsOn: '2027-02-22', endsOn: '2027-07-02' } })).status).toBe(403);
  });
});
