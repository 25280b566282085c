import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { addDays } from '../../shared/schedule/time.ts';
import type { Actor } from '../accounts/actor.ts';
import { hashPassword } from '../accounts/password.ts';
import { actorOfAccount } from '../accounts/sessions.ts';
import { withActor } from '../audit/actor.ts';
import type { Db } from '../db/client.ts';
import { accounts, classrooms, liveActivityIntervals, liveEvidenceIntervals, liveRecorders, liveSessionVerdicts, schools, teachers } from '../db/schema/index.ts';
import { judgeSession, loadRuleVersions } from '../evidence/judge.ts';
import { getLiveSessionForJoin, transitionSessionStatus, type SessionForJoin } from '../schedule/lifecycle.ts';
import { confirmOfflineResearch, createOfflineResearch } from '../schedule/offline.ts';
import { createDispatch } from '../schedule/dispatch.ts';
import { createSession } from '../schedule/sessions.ts';
import { loadYears } from '../quotas/years.ts';
import * as haiyan from './haiyan.ts';

/**
 * The demo county's academic year so far (npm start on an empty database, unless
 * SEED_DEMO_HISTORY=0), so that calendars, session pages and the quota dashboards
 * show a year in progress rather than zeros.
 *
 * It goes through the platform's own doors: coordinators plan weekly series with the
 * scheduling service (holidays skipped, clashes refused); every session that ended
 * before now gets evidence intervals as the media plane writes them and is judged by
 * the same `judgeSession` as a live one, so a session "delivered" here met the same
 * rules. The story is deterministic: one community strong, one steady, one behind; a
 * few lessons fail honestly (a rural link that kept dropping, a research session
 * where only the host school spoke). Teachers and classroom terminals that took part
 * get accounts (random passwords, not printed; an admin can set one).
 */

interface LessonSeries {
  subject: string;
  /** Host teacher's name (at the core school). */
  host: string;
  /** Member classrooms: [school name, classroom name]. */
  members: [string, string][];
  weekday: number;
  time: string;
  everyWeeks: number;
}

interface CommunityStory {
  key: string;
  coordinator: string;
  hostRoom: string;
  lessons: LessonSeries[];
  research: { host: string; invited: string[]; weekday: number; time: string; everyWeeks: number };
  /** Offline research: days after the year's start; held ones before today are confirmed. */
  offline: { title: string; day: number; place: string }[];
  dispatches: { teacher: string; school: string; fromDay: number; toDay: number; hours: number }[];
}

const stories: CommunityStory[] = [
  {
    key: 'shiyan-primary',
    coordinator: 'coord.shiyan',
    hostRoom: '同步课堂录播教室',
    lessons: [
      { subject: 'math', host: '王丽华', members: [['海盐县澉浦小学', '三年级(1)班'], ['海盐县六里小学', '四年级(2)班']], weekday: 2, time: '09:00', everyWeeks: 1 },
      { subject: 'music', host: '徐静怡', members: [['海盐县明德新居民子女学校', '三年级(1)班']], weekday: 4, time: '10:00', everyWeeks: 2 },
    ],
    research: { host: '王丽华', invited: ['李春燕', '吴海燕'], weekday: 3, time: '15:30', everyWeeks: 2 },
    offline: [
      { title: '低段数学同课异构', day: 23, place: '实验小学 学术报告厅' },
      { title: '新居民子女学校音乐教学研讨', day: 58, place: '明德新居民子女学校 音乐教室' },
      { title: '期中质量分析会', day: 86, place: '澉浦小学 会议室' },
      { title: '期末复习课示范', day: 114, place: '六里小学 多功能厅' },
    ],
    dispatches: [
      { teacher: '徐静怡', school: '海盐县澉浦小学', fromDay: 6, toDay: 121, hours: 4 },
      { teacher: '陈志强', school: '海盐县六里小学', fromDay: 181, toDay: 302, hours: 6 },
      { teacher: '王丽华', school: '海盐县明德新居民子女学校', fromDay: 181, toDay: 302, hours: 2 },
    ],
  },
  {
    key: 'xiangyang-primary',
    coordinator: 'coord.xiangyang',
    hostRoom: '未来教室',
    lessons: [
      { subject: 'math', host: '金鑫', members: [['海盐县沈荡小学', '三年级(1)班']], weekday: 3, time: '09:00', everyWeeks: 1 },
      { subject: 'art', host: '顾晓红', members: [['海盐县通元小学', '三年级(1)班']], weekday: 5, time: '14:00', everyWeeks: 2 },
    ],
    research: { host: '杨帆', invited: ['何建平', '郭晨'], weekday: 4, time: '15:30', everyWeeks: 2 },
    offline: [
      { title: '融合型教共体教学常规检查', day: 44, place: '向阳小学 会议室' },
      { title: '美术跨校区联合教研', day: 79, place: '通元小学 美术室' },
      { title: '期末联合命题研讨', day: 106, place: '沈荡小学 会议室' },
      { title: '寒假作业设计交流', day: 134, place: '向阳小学 会议室' },
    ],
    dispatches: [],
  },
  {
    key: 'shiyan-junior',
    coordinator: 'coord.junior',
    hostRoom: '智慧教室',
    lessons: [
      { subject: 'physics', host: '林国华', members: [['海盐县澉浦中学', '七年级(1)班'], ['海盐县于城中学', '八年级(3)班']], weekday: 2, time: '14:00', everyWeeks: 2 },
      { subject: 'english', host: '黄佳琪', members: [['海盐县育才新居民子女学校', '八年级(1)班']], weekday: 4, time: '09:00', everyWeeks: 3 },
    ],
    research: { host: '冯涛', invited: ['董明'], weekday: 5, time: '15:30', everyWeeks: 4 },
    offline: [{ title: '初中物理实验教学研讨', day: 72, place: '实验中学 物理实验室' }],
    dispatches: [{ teacher: '林国华', school: '海盐县澉浦中学', fromDay: 6, toDay: 136, hours: 4 }],
  },
];

const MINUTE = 60_000;

export interface DemoHistoryResult {
  sessions: number;
  delivered: number;
  missed: number;
  offlineResearch: number;
  dispatches: number;
}

/** Seeds the demo year up to `now` (the academic year containing it; none → nothing). */
export async function seedDemoHistory(db: Db, now = new Date()): Promise<DemoHistoryResult> {
  const result: DemoHistoryResult = { sessions: 0, delivered: 0, missed: 0, offlineResearch: 0, dispatches: 0 };
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
  const year = (await loadYears(db)).find((y) => y.startsOn <= today && today <= y.endsOn);
  if (!year) return result;
  // Plans run to the end of the term we are in (so forecasts have a "still to come").
  const planUntil = year.calendar.terms.find((t) => today <= t.endsOn)?.endsOn ?? year.endsOn;
  const people = await directory(db);
  const recorder = (await db.insert(liveRecorders).values({ host: 'demo-history', pid: 0, stoppedAt: now }).returning({ id: liveRecorders.id }))[0]!.id;
  const versions = await loadRuleVersions(db);

  // The coordinators planned their year before it began (S-SCHEDULE-PAST judges a plan by when it was made).
  const plannedAt = new Date(`${year.startsOn}T00:00:00+08:00`);
  for (const story of stories) {
    const coordinator = await people.actor(story.coordinator);
    const communityId = coordinator.communityIds[0]!;
    const core = haiyan.schools.find((s) => s.key === haiyan.communities.find((c) => c.key === story.key)!.core)!.name;
    const ids: string[] = [];
    for (const l of story.lessons) {
      const first = firstWeekday(year.startsOn, l.weekday);
      const startsAt = new Date(`${first}T${l.time}:00+08:00`);
      const created = await createSession(db, coordinator, {
        communityId,
        kind: 'sync_lesson',
        title: `${people.subjectName(l.subject)}同步课堂`,
        topic: '',
        subjectCode: l.subject,
        mode: 'interactive',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 40 * MINUTE).toISOString(),
        hostTeacherId: people.teacher(l.host),
        hostClassroomId: people.classroom(core, story.hostRoom),
        memberClassroomIds: l.members.map(([s, c]) => people.classroom(s, c)),
        invitedTeacherIds: [],
        recurrence: { intervalWeeks: l.everyWeeks, until: planUntil },
        override: null,
      }, plannedAt);
      ids.push(...created.sessions.map((s) => s.id));
    }
    const r = story.research;
    const first = new Date(`${firstWeekday(year.startsOn, r.weekday)}T${r.time}:00+08:00`);
    const research = await createSession(db, coordinator, {
      communityId,
      kind: 'online_research',
      title: '网络集体备课',
      topic: '单元整体教学设计',
      subjectCode: null,
      mode: null,
      startsAt: first.toISOString(),
      endsAt: new Date(first.getTime() + 60 * MINUTE).toISOString(),
      hostTeacherId: people.teacher(r.host),
      hostClassroomId: null,
      memberClassroomIds: [],
      invitedTeacherIds: r.invited.map((n) => people.teacher(n)),
      recurrence: { intervalWeeks: r.everyWeeks, until: planUntil },
      override: null,
    }, plannedAt);
    ids.push(...research.sessions.map((s) => s.id));
    result.sessions += ids.length;

    let n = 0;
    for (const id of ids) {
      const session = (await getLiveSessionForJoin(db, id))!;
      if (session.endsAt > now) continue;
      const status = await replay(db, session, n++, { recorder, versions, people });
      result[status]++;
    }

    for (const o of story.offline) {
      const heldOn = addDays(year.startsOn, o.day);
      if (heldOn > planUntil) continue;
      const held = heldOn < today;
      const row = await createOfflineResearch(db, coordinator, {
        communityId,
        title: o.title,
        heldOn,
        place: o.place,
        hostSchoolId: people.school(core),
        // Held jointly (P-OFFLINE-RESEARCH-SCHOOLS): the member schools of the community's lessons take part.
        schoolIds: [...new Set(story.lessons.flatMap((l) => l.members.map(([school]) => people.school(school))))],
        teacherIds: [],
        minutes: held ? `${o.title}：核心校与成员校教师参加，听课、评课并形成改进意见。` : '',
      });
      if (held) await confirmOfflineResearch(db, coordinator, row.id, today);
      result.offlineResearch++;
    }
    for (const d of story.dispatches) {
      await createDispatch(db, coordinator, {
        communityId,
        teacherId: people.teacher(d.teacher),
        schoolId: people.school(d.school),
        startsOn: addDays(year.startsOn, d.fromDay),
        endsOn: addDays(year.startsOn, d.toDay),
        hoursPerWeek: d.hours,
        note: '',
      });
      result.dispatches++;
    }
  }
  return result;
}

/** The first date on or after `from` (YYYY-MM-DD) that falls on `weekday` (1 = Monday … 7 = Sunday). */
function firstWeekday(from: string, weekday: number): string {
  const day = new Date(`${from}T00:00:00Z`).getUTCDay() || 7;
  return addDays(from, (weekday - day + 7) % 7);
}

type Directory = Awaited<ReturnType<typeof directory>>;

/** Names → ids of the demo county, and accounts for whoever takes part (created on first use). */
async function directory(db: Db) {
  const teacherRows = await db.select({ id: teachers.id, name: teachers.name }).from(teachers);
  const roomRows = await db.select({ id: classrooms.id, name: classrooms.name, school: schools.name, schoolId: schools.id }).from(classrooms).innerJoin(schools, eq(schools.id, classrooms.schoolId));
  const schoolRows = await db.select({ id: schools.id, name: schools.name }).from(schools);
  const subjects = new Map<string, string>([['math', '数学'], ['music', '音乐'], ['art', '美术'], ['physics', '物理'], ['english', '英语']]);
  const pick = <T extends { id: string }>(rows: T[], match: (r: T) => boolean, what: string) => rows.find(match)?.id ?? fail(what);
  const accountIds = new Map<string, string>();
  return {
    teacher: (name: string) => pick(teacherRows, (t) => t.name === name, `teacher ${name}`),
    classroom: (school: string, name: string) => pick(roomRows, (r) => r.school === school && r.name === name, `classroom ${school} ${name}`),
    school: (name: string) => pick(schoolRows, (s) => s.name === name, `school ${name}`),
    subjectName: (code: string) => subjects.get(code) ?? code,
    async actor(username: string): Promise<Actor> {
      const [account] = await db.select().from(accounts).where(eq(accounts.username, username));
      return actorOfAccount(db, account ?? fail(`account ${username}`), '', new Date(Date.now() + 3600_000));
    },
    /** The account of a teacher or classroom terminal, created if it has none. */
    async accountOf(kind: 'teacher' | 'classroom', id: string): Promise<string> {
      const known = accountIds.get(id);
      if (known) return known;
      const column = kind === 'teacher' ? accounts.teacherId : accounts.classroomId;
      const [existing] = await db.select({ id: accounts.id }).from(accounts).where(and(eq(column, id), inArray(accounts.role, [kind])));
      let accountId = existing?.id;
      if (!accountId) {
        const name = kind === 'teacher' ? teacherRows.find((t) => t.id === id)!.name : (() => { const r = roomRows.find((c) => c.id === id)!; return `${r.school.replace('海盐县', '')} ${r.name}`; })();
        const [row] = await db
          .insert(accounts)
          .values({
            username: `${kind === 'teacher' ? 't' : 'c'}.${id.slice(0, 8)}`,
            displayName: name,
            passwordHash: await hashPassword(randomBytes(12).toString('base64url')),
            role: kind,
            teacherId: kind === 'teacher' ? id : null,
            classroomId: kind === 'classroom' ? id : null,
          })
          .returning({ id: accounts.id });
        accountId = row!.id;
      }
      accountIds.set(id, accountId);
      return accountId;
    },
  };
}

function fail(what: string): never {
  throw new Error(`demo history: no ${what} in the demo county`);
}

type EvidenceInsert = typeof liveEvidenceIntervals.$inferInsert;
type ActivityInsert = typeof liveActivityIntervals.$inferInsert;

/**
 * One past session as the media plane would have recorded it, then judged. The n-th
 * session of a community decides its fate: every 7th lesson's classrooms kept losing
 * the link (received < 60%), every 5th research session only the host school spoke.
 */
async function replay(db: Db, s: SessionForJoin, n: number, ctx: { recorder: string; versions: Awaited<ReturnType<typeof loadRuleVersions>>; people: Directory }): Promise<'delivered' | 'missed'> {
  const start = s.startsAt.getTime();
  const end = s.endsAt.getTime();
  const at = (offsetMinutes: number) => new Date(Math.min(end, start + offsetMinutes * MINUTE));
  const evidence: EvidenceInsert[] = [];
  const activity: ActivityInsert[] = [];
  const base = { sessionId: s.id, recorderId: ctx.recorder, endReason: 'session_ended' } as const;
  const span = (from: Date, to: Date, endReason = 'session_ended') => ({ startedAt: from, endedAt: to, endReason });
  const hostPeer = `demo-${s.id.slice(0, 8)}-host`;
  const host = s.hostTeacher!;
  const hostAccount = await ctx.people.accountOf('teacher', host.id);

  const person = async (p: { peerId: string; role: 'host' | 'teacher' | 'classroom'; teacherId: string | null; classroomId: string | null; accountId: string }, from: Date, to: Date, publishes: string[], receivesFrom: { peerId: string; accountId: string; role: string; sources: string[] }[]) => {
    const who = { ...base, role: p.role, accountId: p.accountId, teacherId: p.teacherId, classroomId: p.classroomId, peerId: p.peerId };
    for (const direction of ['send', 'recv'] as const) evidence.push({ ...who, ...span(from, to), kind: 'connected', direction, mediaId: randomUUID() });
    for (const source of publishes) evidence.push({ ...who, ...span(from, to), kind: 'publishing', source, mediaId: randomUUID() });
    for (const f of receivesFrom) for (const source of f.sources) evidence.push({ ...who, ...span(from, to), kind: 'receiving', source, fromPeerId: f.peerId, fromAccountId: f.accountId, fromRole: f.role, mediaId: randomUUID() });
  };
  const speak = (p: { peerId: string; role: 'host' | 'teacher' | 'classroom'; teacherId: string | null; classroomId: string | null; accountId: string }, minutes: [number, number][]) => {
    for (const [a, b] of minutes) activity.push({ ...base, kind: 'speaking', role: p.role, accountId: p.accountId, teacherId: p.teacherId, classroomId: p.classroomId, peerId: p.peerId, startedAt: at(a), endedAt: at(b) });
  };
  const hostWho = { peerId: hostPeer, role: 'host' as const, teacherId: host.id, classroomId: null, accountId: hostAccount };
  const fromHost = (sources: string[]) => ({ peerId: hostPeer, accountId: hostAccount, role: 'host', sources });

  if (s.kind === 'sync_lesson') {
    await person(hostWho, new Date(start - 3 * MINUTE), s.endsAt, ['camera', 'microphone'], []);
    // Lessons of different S-T types (server/live/stAnalysis.ts): mostly the teacher talks with a
    // few answers (讲授型); every 4th one the teacher and the classrooms take turns each half
    // minute (对话型); the one after it the pupils mostly do exercises in silence (练习型).
    const style = n % 4 === 1 ? 'dialogue' : n % 4 === 2 ? 'practice' : 'lecture';
    const turns = (first: number) => Array.from({ length: 30 }, (_, i): [number, number] => [5 + i + first, 5.5 + i + first]);
    const hostSpeech: [number, number][] = style === 'dialogue' ? [[0, 5], ...turns(0), [35, 38]] : style === 'practice' ? [[0, 6], [34, 37]] : [[0, 12], [15, 28], [31, 38]];
    const classroomSpeech: [number, number][] = style === 'dialogue' ? turns(0.5) : style === 'practice' ? [[6, 8], [37, 39]] : [[12, 14], [28, 31]];
    speak(hostWho, hostSpeech);
    const linkTrouble = n % 7 === 6;
    for (const [i, c] of s.memberClassrooms.entries()) {
      const who = { peerId: `demo-${s.id.slice(0, 8)}-c${i}`, role: 'classroom' as const, teacherId: null, classroomId: c.id, accountId: await ctx.people.accountOf('classroom', c.id) };
      // A weak rural link: connected for a third of the lesson, then gone for good.
      await person(who, new Date(start - MINUTE), linkTrouble ? at(14) : s.endsAt, ['camera', 'microphone'], [fromHost(['camera', 'microphone'])]);
      if (!linkTrouble) speak(who, classroomSpeech);
      activity.push({ ...base, kind: 'hand', role: 'classroom', accountId: who.accountId, classroomId: c.id, peerId: who.peerId, startedAt: at(11 + i), endedAt: at(12 + i), endReason: 'stopped' });
    }
  } else {
    const onlyHostSpoke = n % 5 === 4;
    const invited = await Promise.all(s.invitedTeachers.map(async (t, i) => ({ t, who: { peerId: `demo-${s.id.slice(0, 8)}-t${i}`, role: 'teacher' as const, teacherId: t.id, classroomId: null, accountId: await ctx.people.accountOf('teacher', t.id) } })));
    const everyone = [hostWho, ...invited.map((x) => x.who)];
    for (const p of everyone) {
      const others = everyone.filter((o) => o.peerId !== p.peerId).map((o) => ({ peerId: o.peerId, accountId: o.accountId, role: o.role, sources: ['camera', 'microphone'] }));
      await person(p, new Date(start - 2 * MINUTE), s.endsAt, ['camera', 'microphone'], others);
    }
    speak(hostWho, [[0, 15], [40, 55]]);
    if (!onlyHostSpoke) invited.forEach(({ who }, i) => speak(who, [[16 + i * 8, 22 + i * 8]]));
  }

  const rows = evidence.map((e) => ({ ...e, teacherId: e.teacherId ?? null, classroomId: e.classroomId ?? null, direction: e.direction ?? null, source: e.source ?? null, fromRole: e.fromRole ?? null, startedAt: e.startedAt, endedAt: e.endedAt ?? null }));
  const acts = activity.map((a) => ({ ...a, teacherId: a.teacherId ?? null, classroomId: a.classroomId ?? null, endedAt: a.endedAt ?? null, endReason: a.endReason ?? null }));
  // The demo history shows no board and no audio-and-courseware mode.
  const { verdict, rules } = judgeSession(s, rows, acts, ctx.versions, s.endsAt, null);
  await withActor(db, { system: 'demo:history' }, async (tx) => {
    await tx.insert(liveEvidenceIntervals).values(evidence);
    if (activity.length) await tx.insert(liveActivityIntervals).values(activity);
    await tx.insert(liveSessionVerdicts).values({ sessionId: s.id, status: verdict.status, reason: verdict.reason, outcomes: verdict.outcomes, rules, endedAt: s.endsAt, endCause: 'host', endedBy: hostAccount });
  });
  await transitionSessionStatus(db, s.id, verdict.status, { system: 'demo:history', reason: verdict.reason });
  return verdict.status;
}
