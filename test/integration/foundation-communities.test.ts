import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { communityMemberships, counties, schools, accounts } from '../../server/db/schema/index.ts';
import { isPgError, PgCode } from '../../server/http/errors.ts';
import { seedDemo } from '../../server/seed/demo.ts';
import { DEMO_PASSWORD, startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';

let platform: TestPlatform;
let admin: SignedInClient;
let coord: SignedInClient;
let communityId = '';

beforeAll(async () => {
  platform = await startTestPlatform();
  admin = await platform.signIn('admin');
  coord = await platform.signIn('coord.shiyan');
  communityId = coord.me.account.communityIds[0]!;
});
afterAll(() => platform?.close());

const schoolNamed = async (name: string) => (await platform.database.db.select().from(schools).where(eq(schools.name, name)))[0]!;

describe('memberships with effective dates', () => {
  it('a coordinator adds an unaffiliated school as a member and it is listed', async () => {
    const qinshan = await schoolNamed('海盐县秦山小学');
    const added = await coord.call(api.addMembership, { params: { communityId }, body: { schoolId: qinshan.id, validFrom: '2026-11-01' } });
    expect(added).toMatchObject({ ok: true, status: 201 });
    const community = await coord.call(api.getCommunity, { params: { communityId } });
    if (!community.ok) throw new Error('read failed');
    expect(community.data.memberships.find((m) => m.schoolId === qinshan.id)).toMatchObject({ role: 'member', validFrom: '2026-11-01', validTo: null });
  });

  it('a school already in another community is refused with a 409 naming the clash (database-enforced)', async () => {
    const other = (await admin.call(api.listCommunities)) as { ok: true; data: { id: string; name: string }[] };
    const b = other.data.find((c) => c.id !== communityId)!;
    const bDetail = (await admin.call(api.getCommunity, { params: { communityId: b.id } })) as { ok: true; data: { memberships: { schoolId: string; schoolName: string }[] } };
    const school = bDetail.data.memberships[1]!;
    const r = await admin.call(api.addMembership, { params: { communityId }, body: { schoolId: school.schoolId, validFrom: '2026-12-01' } });
    expect(r).toMatchObject({ ok: false, status: 409 });
    if (!r.ok) {
      expect(r.error.conflict?.kind).toBe('membership');
      expect(r.error.conflict?.description).toContain(school.schoolName);
      expect(r.error.conflict?.description).toContain(b.name);
    }
  });

  it('a school leaving on a date can join another community from that date, not a day earlier', async () => {
    const wuyuan = await schoolNamed('海盐县武原小学');
    const communities = (await admin.call(api.listCommunities)) as { ok: true; data: { id: string }[] };
    const [first, second] = communities.data.map((c) => c.id).filter((id) => id !== communityId);
    const joined = await admin.call(api.addMembership, { params: { communityId: first! }, body: { schoolId: wuyuan.id, validFrom: '2026-09-01' } });
    if (!joined.ok) throw new Error(joined.error.message);
    const left = await admin.call(api.updateMembership, { params: { communityId: first!, membershipId: joined.data.id }, body: { validTo: '2027-02-01' } });
    expect(left).toMatchObject({ ok: true });
    const tooEarly = await admin.call(api.addMembership, { params: { communityId: second! }, body: { schoolId: wuyuan.id, validFrom: '2027-01-31' } });
    expect(tooEarly).toMatchObject({ ok: false, status: 409 });
    const onTime = await admin.call(api.addMembership, { params: { communityId: second! }, body: { schoolId: wuyuan.id, validFrom: '2027-02-01' } });
    expect(onTime).toMatchObject({ ok: true, status: 201 });
  });

  it('the database itself refuses overlapping memberships and a second core school, whatever the code does', async () => {
    const db = platform.database.db;
    const [m] = await db.select().from(communityMemberships).where(eq(communityMemberships.role, 'member')).limit(1);
    const overlap = await db
      .insert(communityMemberships)
      .values({ communityId: m!.communityId, schoolId: m!.schoolId, role: 'member', validFrom: '2030-01-01' })
      .then(() => null, (err: unknown) => err);
    expect(isPgError(overlap, PgCode.exclusionViolation, 'memberships_school_no_overlap')).toBe(true);

    const [county] = await db.select().from(counties).limit(1);
    const [extra] = await db.insert(schools).values({ countyId: county!.id, name: '测试第二核心校', stage: 'primary', locality: 'urban' }).returning();
    const secondCore = await db
      .insert(communityMemberships)
      .values({ communityId: m!.communityId, schoolId: extra!.id, role: 'core', validFrom: '2030-01-01' })
      .then(() => null, (err: unknown) => err);
    expect(isPgError(secondCore, PgCode.exclusionViolation, 'memberships_one_core_at_a_time')).toBe(true);
  });

  it('only an administrator changes the core school', async () => {
    const wuyuan = await schoolNamed('海盐县武原小学');
    const r = await coord.call(api.addMembership, { params: { communityId }, body: { schoolId: wuyuan.id, role: 'core', validFrom: '2028-01-01' } });
    expect(r.ok).toBe(false);
    expect([403, 400]).toContain(r.status);
  });
});

describe('validation: 400 naming each bad field, never a 500', () => {
  it('names every bad field of a new community', async () => {
    const r = await admin.call(api.createCommunity, {
      body: { countyId: 'nope', name: '', typeCode: 'co_built', coreSchoolId: '00000000-0000-4000-8000-000000000001', memberSchoolIds: [], validFrom: '2026-13-45' } as never,
    });
    expect(r).toMatchObject({ ok: false, status: 400 });
    if (!r.ok) expect(r.error.fields!.map((f) => f.field).sort()).toEqual(['countyId', 'memberSchoolIds', 'name', 'validFrom']);
  });

  it('gives messages in Chinese by default and in English on request', async () => {
    const zh = await fetch(`${platform.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 5 }) });
    const zhBody = (await zh.json()) as { error: { fields: { field: string; message: string }[] } };
    expect(zh.status).toBe(400);
    expect(zhBody.error.fields.find((f) => f.field === 'username')!.message).toMatch(/[\u4e00-\u9fff]/);
    const en = await fetch(`${platform.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': 'en-US' }, body: JSON.stringify({ username: 5 }) });
    const enBody = (await en.json()) as { error: { fields: { field: string; message: string }[] } };
    expect(enBody.error.fields.find((f) => f.field === 'username')!.message).toMatch(/expected string/i);
  });

  it('answers 4xx to malformed JSON, wrong content, huge bodies and unknown routes', async () => {
    const headers = { cookie: admin.cookie, 'x-csrf-token': admin.me.csrfToken, 'content-type': 'application/json' };
    const malformed = await fetch(`${platform.url}/api/counties`, { method: 'POST', headers, body: '{"code": ' });
    expect(malformed.status).toBe(400);
    const huge = await fetch(`${platform.url}/api/counties`, { method: 'POST', headers, body: JSON.stringify({ code: 'x'.repeat(2_000_000) }) });
    expect(huge.status).toBe(413);
    const arrayBody = await fetch(`${platform.url}/api/counties`, { method: 'POST', headers, body: '[1,2,3]' });
    expect(arrayBody.status).toBe(400);
    const unknown = await fetch(`${platform.url}/api/does-not-exist`, { headers });
    expect(unknown.status).toBe(404);
    const nulls = await fetch(`${platform.url}/api/schools`, { method: 'POST', headers, body: 'null' });
    expect(nulls.status).toBe(400);
  });

  it('a duplicate classroom name is a 409 naming it', async () => {
    const school = await schoolNamed('海盐县澉浦小学');
    const r = await coord.call(api.createClassroom, { params: { schoolId: school.id }, body: { name: '三年级(1)班' } });
    expect(r).toMatchObject({ ok: false, status: 409 });
    if (!r.ok) expect(r.error.conflict?.description).toContain('三年级(1)班');
  });

  it('an unknown subject on a teacher is named by its position', async () => {
    const school = await schoolNamed('海盐县澉浦小学');
    const r = await coord.call(api.createTeacher, { params: { schoolId: school.id }, body: { name: '新老师', subjects: ['math', 'alchemy'] } });
    expect(r).toMatchObject({ ok: false, status: 400 });
    if (!r.ok) expect(r.error.fields).toEqual([expect.objectContaining({ field: 'subjects.1' })]);
  });
});

describe('demo data', () => {
  it('seeds a Haiyan-like county once; seeding again changes nothing', async () => {
    const db = platform.database.db;
    const before = { schools: (await db.select().from(schools)).length, accounts: (await db.select().from(accounts)).length };
    const again = await seedDemo(db, { password: DEMO_PASSWORD });
    expect(again.created).toBe(false);
    expect({ schools: (await db.select().from(schools)).length, accounts: (await db.select().from(accounts)).length }).toEqual(before);
  });

  it('has three communities, each with a core school and 2–4 members, and a new-resident children\'s school', async () => {
    const list = await admin.call(api.listCommunities);
    if (!list.ok) throw new Error('list failed');
    const haiyan = list.data.filter((c) => c.coreSchool?.name.startsWith('海盐'));
    expect(haiyan).toHaveLength(3);
    for (const c of haiyan) {
      expect(c.coreSchool).not.toBeNull();
      expect(c.memberSchoolCount).toBeGreaterThanOrEqual(2);
    }
    const newRes = await platform.database.db.select().from(schools).where(eq(schools.newResident, true));
    expect(newRes.length).toBeGreaterThanOrEqual(1);
    const roles = new Set((await platform.database.db.select().from(accounts)).map((a) => a.role));
    expect([...roles].sort()).toEqual(['admin', 'auditor', 'classroom', 'coordinator', 'teacher']);
  });
});
