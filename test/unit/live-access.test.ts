import { describe, expect, it } from 'vitest';
import type { Actor } from '../../server/accounts/actor.ts';
import { liveRoleOf, mayBeOnStage, mayReceive, permissionsFor, refusePublish } from '../../server/live/access.ts';
import type { LiveSessionInfo } from '../../server/live/directory.ts';
import { liveNotifications, liveRequests } from '../../shared/signaling/live.ts';
import { notificationNames, requestNames, SignalingErrorBody } from '../../shared/signaling/protocol.ts';

const place = (id: string) => ({ id, name: id, schoolId: 'school' });
const session = (p: Partial<LiveSessionInfo> = {}): LiveSessionInfo => ({
  id: 's1',
  communityId: 'comm-1',
  countyId: 'county-1',
  kind: 'sync_lesson',
  mode: 'interactive',
  title: 'math',
  subjectCode: 'math',
  startsAt: new Date(),
  endsAt: new Date(),
  timeZone: 'Asia/Shanghai',
  status: 'live',
  hostTeacher: place('t-host'),
  invitedTeachers: [place('t-inv')],
  hostClassroom: place('c-host'),
  memberClassrooms: [place('c-1'), place('c-2')],
  ...p,
});
const county = (countyId: string) => ({ level: 'county' as const, countyId, city: null, province: null, countyIds: [countyId] });
const city = (countyIds: string[]) => ({ level: 'city' as const, countyId: null, city: '嘉兴市', province: '浙江省', countyIds });
const actor = (p: Partial<Actor>): Actor => ({
  accountId: 'a',
  username: 'u',
  displayName: 'U',
  role: 'teacher',
  locale: 'zh-CN',
  audit: null,
  teacherId: null,
  classroomId: null,
  schoolId: null,
  communityIds: ['comm-1'],
  csrfToken: '',
  sessionExpiresAt: new Date(),
  ...p,
});

describe('who joins a live session', () => {
  it('C-AUDIT-REGION: the host teacher, invited teachers, its classrooms; coordinators of the community and auditors of its county or of a region holding it as patrols (observers)', () => {
    const s = session();
    expect(liveRoleOf(s, actor({ role: 'teacher', teacherId: 't-host' }))).toBe('host');
    expect(liveRoleOf(s, actor({ role: 'teacher', teacherId: 't-inv' }))).toBe('teacher');
    expect(liveRoleOf(s, actor({ role: 'classroom', classroomId: 'c-1' }))).toBe('classroom');
    expect(liveRoleOf(s, actor({ role: 'classroom', classroomId: 'c-host' }))).toBe('classroom');
    expect(liveRoleOf(s, actor({ role: 'coordinator', communityIds: ['comm-1'] }))).toBe('observer');
    expect(liveRoleOf(s, actor({ role: 'auditor', audit: county('county-1'), communityIds: [] }))).toBe('observer');
    expect(liveRoleOf(s, actor({ role: 'auditor', audit: city(['county-2', 'county-1']), communityIds: [] }))).toBe('observer');
  });

  it('C-AUDIT-REGION: nobody else: other teachers and classrooms, other coordinators, auditors of other counties and regions, admins', () => {
    const s = session();
    expect(liveRoleOf(s, actor({ role: 'teacher', teacherId: 't-other' }))).toBeNull();
    expect(liveRoleOf(s, actor({ role: 'classroom', classroomId: 'c-9' }))).toBeNull();
    expect(liveRoleOf(s, actor({ role: 'coordinator', communityIds: ['comm-2'] }))).toBeNull();
    expect(liveRoleOf(s, actor({ role: 'auditor', audit: county('county-2'), communityIds: [] }))).toBeNull();
    expect(liveRoleOf(s, actor({ role: 'auditor', audit: city(['county-2', 'county-3']), communityIds: [] }))).toBeNull();
    expect(liveRoleOf(s, actor({ role: 'auditor', audit: null, communityIds: [] }))).toBeNull();
    expect(liveRoleOf(s, actor({ role: 'admin', communityIds: [] }))).toBeNull();
  });
});

describe('who publishes what', () => {
  it('lesson: the host publishes everything; classrooms camera + microphone in interactive and dedicated mode', () => {
    for (const mode of ['interactive', 'dedicated'] as const) {
      const s = session({ mode });
      expect(permissionsFor(s, 'host')).toEqual({ role: 'host', publish: ['camera', 'microphone', 'screen', 'screen-audio'], moderate: true, endSession: true });
      expect(permissionsFor(s, 'classroom').publish).toEqual(['camera', 'microphone']);
      expect(refusePublish(s, 'classroom', 'screen')).toMatch(/only its camera and microphone/);
      expect(refusePublish(s, 'classroom', 'camera')).toBeNull();
    }
  });

  it('lesson in master mode: classrooms only receive', () => {
    const s = session({ mode: 'master' });
    expect(permissionsFor(s, 'classroom').publish).toEqual([]);
    expect(refusePublish(s, 'classroom', 'microphone')).toMatch(/名师课堂/);
  });

  it('lesson: invited teachers and observers publish nothing; observers may end, only the host moderates', () => {
    const s = session();
    expect(permissionsFor(s, 'teacher')).toMatchObject({ publish: [], moderate: false, endSession: false });
    expect(permissionsFor(s, 'observer')).toMatchObject({ publish: [], moderate: false, endSession: true });
    // An auditor's patrol is read-only: it may not end the session.
    expect(permissionsFor(s, 'observer', 'auditor')).toMatchObject({ publish: [], moderate: false, endSession: false });
    expect(permissionsFor(s, 'observer', 'coordinator').endSession).toBe(true);
    expect(refusePublish(s, 'teacher', 'camera')).toMatch(/only the teaching teacher/);
    expect(refusePublish(s, 'observer', 'camera')).toMatch(/Observers/);
  });

  it('research: every teacher publishes camera, microphone and screen', () => {
    const s = session({ kind: 'online_research', mode: null, hostClassroom: null, memberClassrooms: [] });
    expect(permissionsFor(s, 'teacher').publish).toEqual(['camera', 'microphone', 'screen', 'screen-audio']);
    expect(permissionsFor(s, 'host').moderate).toBe(true);
    expect(permissionsFor(s, 'observer').publish).toEqual([]);
  });
});

describe('who receives whom', () => {
  const host = { peerId: 'p-host', role: 'host' as const };
  const c1 = { peerId: 'p-c1', role: 'classroom' as const };
  const c2 = { peerId: 'p-c2', role: 'classroom' as const };
  const obs = { peerId: 'p-obs', role: 'observer' as const };

  it('lesson: classrooms receive the teacher and the classroom on stage; the teacher and observers receive all', () => {
    const s = session();
    expect(mayReceive(s, c1, host, null)).toBe(true);
    expect(mayReceive(s, c1, c2, null)).toBe(false);
    expect(mayReceive(s, c1, c2, 'p-c2')).toBe(true);
    expect(mayReceive(s, host, c1, null)).toBe(true);
    expect(mayReceive(s, obs, c2, null)).toBe(true);
    expect(mayReceive(s, c1, c1, 'p-c1')).toBe(false);
  });

  it('research: everyone receives everyone', () => {
    const s = session({ kind: 'online_research' });
    expect(mayReceive(s, { peerId: 'a', role: 'teacher' }, { peerId: 'b', role: 'teacher' }, null)).toBe(true);
  });

  it('the stage takes participants who publish, not observers nor master-mode classrooms', () => {
    expect(mayBeOnStage(session(), 'classroom')).toBe(true);
    expect(mayBeOnStage(session(), 'observer')).toBe(false);
    expect(mayBeOnStage(session({ mode: 'master' }), 'classroom')).toBe(false);
  });
});

describe('signaling table', () => {
  it('request and notification names do not collide (they share the live: prefix)', () => {
    const both = requestNames.filter((n) => (notificationNames as string[]).includes(n));
    expect(both).toEqual([]);
  });

  it('no response has a top-level `error` (that shape is the error acknowledgement)', () => {
    for (const [name, entry] of Object.entries(liveRequests)) {
      const shape = (entry.response as unknown as { shape?: Record<string, unknown> }).shape ?? {};
      expect(Object.keys(shape), name).not.toContain('error');
    }
    expect(SignalingErrorBody.safeParse({ error: { code: 'forbidden', message: 'no' } }).success).toBe(true);
  });

  it('requests validate: a produce without rtpParameters codecs is refused', () => {
    const bad = liveRequests.produce.request.safeParse({ transportId: 't', kind: 'video', source: 'camera', rtpParameters: { codecs: [] } });
    expect(bad.success).toBe(false);
    expect(liveNotifications.stageChanged.safeParse({ peerId: null }).success).toBe(true);
  });
});
