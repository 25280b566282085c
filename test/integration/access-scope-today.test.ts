import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { accounts, classrooms, schools, teachers } from '../../server/db/schema/index.ts';
import { startTestPlatform, type SignedInClient, type TestPlatform } from '../support/platform.ts';

// A member school moves from community A (实验小学教共体) to B (向阳小学教共体) today.
let platform: TestPlatform;
let coordA: SignedInClient;
let coordB: SignedInClient;
const ids = { school: '', classroom: '', teacher: '', classroomAccount: '', teacherAccount: '' };

async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; status: number; error: { message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`expected success, got ${r.status} ${r.error.message}`);
  return r.data;
}

beforeAll(async () => {
  platform = await startTestPlatform();
  const { db } = platform.database;
  const admin = await platform.signIn('admin');
  coordA = await platform.signIn('coord.shiyan');
  coordB = await platform.signIn('coord.xiangyang');
  const [today] = await db.select({ d: sql<string>`current_date::text` }).from(schools).limit(1);
  const [school] = await db.select().from(schools).where(eq(schools.name, '海盐县澉浦小学'));
  ids.school = school!.id;
  const communityA = coordA.me.account.communityIds[0]!;
  const communityB = coordB.me.account.communityIds[0]!;
  const a = await ok(admin.call(api.getCommunity, { params: { communityId: communityA } }));
  const membership = a.memberships.find((m) => m.schoolId === ids.school && m.validTo === null)!;
  await ok(admin.call(api.updateMembership, { params: { communityId: communityA, membershipId: membership.id }, body: { validTo: today!.d } }));
  await ok(coordB.call(api.addMembership, { params: { communityId: communityB }, body: { schoolId: ids.school, role: 'member', validFrom: today!.d } }));
  const [room] = await db.select().from(classrooms).where(eq(classrooms.schoolId, ids.school)).limit(1);
  const [teacher] = await db.select().from(teachers).where(eq(teachers.schoolId, ids.school)).limit(1);
  ids.classroom = room!.id;
  ids.teacher = teacher!.id;
  ids.classroomAccount = (await db.select().from(accounts).where(eq(accounts.username, 'class.ganpu')))[0]!.id;
  ids.teacherAccount = (await db.select().from(accounts).where(eq(accounts.username, 'teacher.li')))[0]!.id;
});
afterAll(() => platform?.close());

describe('S-MANAGE-TODAY: managing a school follows the membership in force today', () => {
  it("S-MANAGE-TODAY: the former community's coordinator gets a 404 on every management operation of the school", async () => {
    const call = coordA.call;
    const attempts = {
      renameSchool: await call(api.updateSchool, { params: { id: ids.school }, body: { name: '被接管的学校' } }),
      listClassrooms: await call(api.listClassrooms, { params: { schoolId: ids.school } }),
      addClassroom: await call(api.createClassroom, { params: { schoolId: ids.school }, body: { name: '新教室', hasJoinTerminal: true } }),
      renameClassroom: await call(api.updateClassroom, { params: { id: ids.classroom }, body: { name: '改名' } }),
      listTeachers: await call(api.listTeachers, { params: { schoolId: ids.school } }),
      addTeacher: await call(api.createTeacher, { params: { schoolId: ids.school }, body: { name: '冒名', isBackbone: false, subjects: [] } }),
      updateTeacher: await call(api.updateTeacher, { params: { id: ids.teacher }, body: { isBackbone: true } }),
      resetClassroomPassword: await call(api.updateAccount, { params: { id: ids.classroomAccount }, body: { password: 'taken-over-password-1' } }),
      disableTeacherAccount: await call(api.updateAccount, { params: { id: ids.teacherAccount }, body: { disabled: true } }),
    };
    for (const [name, result] of Object.entries(attempts)) expect({ name, status: result.status }).toEqual({ name, status: 404 });

    const listed = await ok(call(api.listAccounts));
    expect(listed.map((a) => a.id)).not.toContain(ids.classroomAccount);
    expect(listed.map((a) => a.id)).not.toContain(ids.teacherAccount);
    const create = await call(api.createAccount, { body: { role: 'teacher', username: 'stolen.teacher', displayName: '冒名', password: 'stolen-password-1', teacherId: ids.teacher } });
    expect(create).toMatchObject({ ok: false, status: 400 });

    // The school stays readable (the community's past lessons name it), but no longer theirs to run.
    expect((await ok(call(api.getSchool, { params: { id: ids.school } }))).access).toBe('read');
    // The classroom account's password is unchanged: its owner still signs in.
    await platform.signIn('class.ganpu');
  });

  it('S-MANAGE-TODAY: the new community\'s coordinator runs the school, its classrooms, teachers and accounts', async () => {
    const call = coordB.call;
    expect((await ok(call(api.getSchool, { params: { id: ids.school } }))).access).toBe('manage');
    await ok(call(api.updateSchool, { params: { id: ids.school }, body: { name: '海盐县澉浦小学（向阳）' } }));
    expect((await ok(call(api.listClassrooms, { params: { schoolId: ids.school } }))).map((c) => c.id)).toContain(ids.classroom);
    await ok(call(api.createClassroom, { params: { schoolId: ids.school }, body: { name: '新教室', hasJoinTerminal: true } }));
    await ok(call(api.updateClassroom, { params: { id: ids.classroom }, body: { capacity: 40 } }));
    expect((await ok(call(api.listTeachers, { params: { schoolId: ids.school } }))).map((t) => t.id)).toContain(ids.teacher);
    await ok(call(api.updateTeacher, { params: { id: ids.teacher }, body: { isBackbone: true } }));
    const listed = await ok(call(api.listAccounts));
    expect(listed.map((a) => a.id)).toEqual(expect.arrayContaining([ids.classroomAccount, ids.teacherAccount]));
    await ok(call(api.updateAccount, { params: { id: ids.classroomAccount }, body: { password: 'new-terminal-password-1' } }));
    await platform.signIn('class.ganpu', 'new-terminal-password-1');
  });

  it("S-MANAGE-TODAY: a teacher of the former community no longer lists the school's staff", async () => {
    const teacherA = await platform.signIn('teacher.wang');
    expect(await teacherA.call(api.listTeachers, { params: { schoolId: ids.school } })).toMatchObject({ ok: false, status: 404 });
    expect((await ok(teacherA.call(api.listTeachers, { params: { schoolId: teacherA.me.schoolId! } }))).length).toBeGreaterThan(0);
  });
});
