import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';

let platform: TestPlatform;
let admin: SignedInClient;
let coordA: SignedInClient;
const ids = { communityA: '', communityB: '', schoolOfB: '', otherCounty: '', otherCommunity: '' };

async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; status: number; error: { message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`expected success, got ${r.status} ${r.error.message}`);
  return r.data;
}

beforeAll(async () => {
  platform = await startTestPlatform();
  admin = await platform.signIn('admin');
  coordA = await platform.signIn('coord.shiyan');
  ids.communityA = coordA.me.account.communityIds[0]!;
  const all = await ok(admin.call(api.listCommunities));
  ids.communityB = all.find((c) => c.id !== ids.communityA)!.id;
  const b = await ok(admin.call(api.getCommunity, { params: { communityId: ids.communityB } }));
  ids.schoolOfB = b.memberships.find((m) => m.role === 'member')!.schoolId;

  // A second county with its own community, for the auditor's boundary.
  const county = await ok(admin.call(api.createCounty, { body: { code: 'zj-jx-pinghu', name: '平湖市', city: '嘉兴市', province: '浙江省' } }));
  ids.otherCounty = county.id;
  const core = await ok(admin.call(api.createSchool, { body: { countyId: county.id, name: '平湖市实验小学', stage: 'primary', locality: 'urban' } }));
  const member = await ok(admin.call(api.createSchool, { body: { countyId: county.id, name: '平湖市新埭小学', stage: 'primary', locality: 'rural' } }));
  const community = await ok(
    admin.call(api.createCommunity, {
      body: { countyId: county.id, name: '平湖市实验小学教共体', typeCode: 'co_built', coreSchoolId: core.id, memberSchoolIds: [member.id], validFrom: '2026-09-01' },
    }),
  );
  ids.otherCommunity = community.id;
});
afterAll(() => platform?.close());

describe('community scope: nothing of another community leaks', () => {
  it('a coordinator lists only their own community, which they manage', async () => {
    const list = await ok(coordA.call(api.listCommunities));
    expect(list.map((c) => c.id)).toEqual([ids.communityA]);
    expect(list[0]!.access).toBe('manage');
  });

  it('tells each caller what they may do: manage for the coordinator, read for a teacher of the same school', async () => {
    const community = await ok(coordA.call(api.getCommunity, { params: { communityId: ids.communityA } }));
    const memberSchoolId = community.memberships.find((m) => m.role === 'member')!.schoolId;
    const asCoord = await ok(coordA.call(api.getSchool, { params: { id: memberSchoolId } }));
    expect(asCoord.access).toBe('manage');
    expect(asCoord.counts.classrooms).toBeGreaterThan(0);
    expect(asCoord.counts.terminals).toBe(asCoord.counts.classrooms);
    const teacher = await platform.signIn('teacher.li');
    expect(teacher.me.communityIds).toEqual([ids.communityA]);
    expect((await ok(teacher.call(api.getSchool, { params: { id: teacher.me.schoolId! } }))).access).toBe('read');
    expect((await ok(teacher.call(api.getCommunity, { params: { communityId: ids.communityA } }))).access).toBe('read');
  });

  it('another community is a 404 for reading and writing, exactly like a community that does not exist', async () => {
    const other = await coordA.call(api.getCommunity, { params: { communityId: ids.communityB } });
    const missing = await coordA.call(api.getCommunity, { params: { communityId: '00000000-0000-4000-8000-000000000000' } });
    expect(other).toMatchObject({ ok: false, status: 404 });
    expect(missing).toMatchObject({ ok: false, status: 404 });
    if (!other.ok && !missing.ok) expect(other.error).toEqual(missing.error);
    expect(await coordA.call(api.updateCommunity, { params: { communityId: ids.communityB }, body: { name: 'taken over' } })).toMatchObject({ ok: false, status: 404 });
    expect(await coordA.call(api.getSchool, { params: { id: ids.schoolOfB } })).toMatchObject({ ok: false, status: 404 });
    expect(await coordA.call(api.listTeachers, { params: { schoolId: ids.schoolOfB } })).toMatchObject({ ok: false, status: 404 });
  });

  it('a malformed id is a 404 too, not a 400 or a 500', async () => {
    expect(await coordA.call(api.getCommunity, { params: { communityId: 'not-a-uuid' } })).toMatchObject({ ok: false, status: 404 });
  });

  it('schools of another community never appear in a coordinator\'s school list', async () => {
    const schools = await ok(coordA.call(api.listSchools, { query: {} }));
    expect(schools.some((s) => s.id === ids.schoolOfB)).toBe(false);
    // Unaffiliated schools of their county are listed, as candidates to add.
    const candidates = await ok(coordA.call(api.listSchools, { query: { unaffiliated: 'true' } }));
    expect(candidates.map((s) => s.name).sort()).toEqual(['海盐县武原小学', '海盐县秦山小学']);
  });

  it('an auditor reads every community of their county, none of another county, and changes nothing', async () => {
    const auditor = await platform.signIn('auditor.haiyan');
    const list = await ok(auditor.call(api.listCommunities));
    expect(list).toHaveLength(3);
    expect(list.some((c) => c.id === ids.otherCommunity)).toBe(false);
    expect(await auditor.call(api.getCommunity, { params: { communityId: ids.otherCommunity } })).toMatchObject({ ok: false, status: 404 });
    expect(await auditor.call(api.updateCommunity, { params: { communityId: ids.communityA }, body: { name: 'x' } })).toMatchObject({ ok: false, status: 403 });
    const counties = await ok(auditor.call(api.listCounties));
    expect(counties.map((c) => c.name)).toEqual(['海盐县']);
  });

  it('a teacher reads their own community and school, not others', async () => {
    const teacher = await platform.signIn('teacher.li');
    const list = await ok(teacher.call(api.listCommunities));
    expect(list.map((c) => c.id)).toEqual([ids.communityA]);
    expect(await teacher.call(api.getCommunity, { params: { communityId: ids.communityB } })).toMatchObject({ ok: false, status: 404 });
    expect(await teacher.call(api.createClassroom, { params: { schoolId: teacher.me.schoolId! }, body: { name: '新教室' } })).toMatchObject({ ok: false, status: 403 });
  });
});

describe('accounts: who creates whom', () => {
  it('a coordinator creates a teacher account for a school of their community, not for another community', async () => {
    const community = await ok(coordA.call(api.getCommunity, { params: { communityId: ids.communityA } }));
    const memberSchool = community.memberships.find((m) => m.role === 'member')!.schoolId;
    const teacher = await ok(coordA.call(api.createTeacher, { params: { schoolId: memberSchool }, body: { name: '赵新', subjects: ['math'] } }));
    const account = await coordA.call(api.createAccount, { body: { role: 'teacher', username: 'teacher.zhao', displayName: '赵新', password: 'a-long-password-1', teacherId: teacher.id } });
    expect(account).toMatchObject({ ok: true, status: 201, data: { subject: { name: '赵新', schoolId: memberSchool } } });

    const foreignTeachers = await ok(admin.call(api.listTeachers, { params: { schoolId: ids.schoolOfB } }));
    const foreign = await coordA.call(api.createAccount, { body: { role: 'teacher', username: 'teacher.foreign', displayName: 'x', password: 'a-long-password-1', teacherId: foreignTeachers[0]!.id } });
    expect(foreign).toMatchObject({ ok: false, status: 400 });
    if (!foreign.ok) expect(foreign.error.fields?.[0]?.field).toBe('teacherId');
  });

  it('a coordinator cannot create coordinators or auditors', async () => {
    const r = await coordA.call(api.createAccount, { body: { role: 'auditor', username: 'sneaky.auditor', displayName: 'x', password: 'a-long-password-1', countyId: ids.otherCounty } });
    expect(r).toMatchObject({ ok: false, status: 403 });
  });

  it('an admin creates a coordinator; a taken username is a 409 naming it', async () => {
    const body = { role: 'coordinator' as const, username: 'coord.pinghu', displayName: '平湖协调员', password: 'a-long-password-1', communityIds: [ids.otherCommunity] };
    expect(await admin.call(api.createAccount, { body })).toMatchObject({ ok: true, status: 201 });
    const again = await admin.call(api.createAccount, { body });
    expect(again).toMatchObject({ ok: false, status: 409 });
    if (!again.ok) expect(again.error.conflict?.description).toContain('coord.pinghu');
    const pinghu = await platform.signIn('coord.pinghu', 'a-long-password-1');
    expect(await pinghu.call(api.getCommunity, { params: { communityId: ids.communityA } })).toMatchObject({ ok: false, status: 404 });
  });
});
