import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import {
  academicTerms,
  academicYears,
  accountCommunities,
  accounts,
  classrooms,
  communities,
  communityMemberships,
  counties,
  holidays,
  schools,
  teacherSubjects,
  teachers,
} from '../db/schema/index.ts';
import { hashPassword } from '../accounts/password.ts';
import * as haiyan from './haiyan.ts';
import { HAIYAN_RATIOS, HAIYAN_ROTATIONS, seedDemoCounty } from './demoCounty.ts';
import * as xiuzhou from './xiuzhou.ts';

export interface DemoSignIn {
  role: string;
  username: string;
  /** Known only when the seed just created the accounts, or from the credentials file. */
  password: string;
  note: string;
}

export interface SeedResult {
  created: boolean;
  accounts: DemoSignIn[];
}

export interface SeedOptions {
  /** All demo accounts get this password; by default each gets a random one. */
  password?: string;
  /** Where the generated passwords are kept so a restart can print them again. */
  credentialsFile?: string;
  /** The date memberships start (defaults to the first academic year's start). */
  membershipsFrom?: string;
}

const randomPassword = () => randomBytes(9).toString('base64url');

/** A demo county: its schools with their classrooms and teachers, its communities and their memberships. */
async function seedCounty(
  tx: Db,
  data: { county: typeof haiyan.county; schools: readonly haiyan.DemoSchool[]; communities: readonly haiyan.DemoCommunity[] },
  membershipsFrom: string,
) {
  const [county] = await tx.insert(counties).values(data.county).returning();
  const schoolIds = new Map<string, string>();
  const classroomIds = new Map<string, string>();
  const teacherIds = new Map<string, string>();
  const memberKeys = new Set(data.communities.flatMap((c) => c.members));

  const schoolRows = await tx
    .insert(schools)
    .values(data.schools.map((s) => ({ countyId: county!.id, name: s.name, stage: s.stage, locality: s.locality, newResident: s.newResident ?? false })))
    .returning({ id: schools.id });
  data.schools.forEach((s, i) => schoolIds.set(s.key, schoolRows[i]!.id));

  const classroomSpecs = data.schools.flatMap((s) =>
    s.classrooms.map((name) => ({ key: `${s.key}/${name}`, schoolId: schoolIds.get(s.key)!, name, hasJoinTerminal: memberKeys.has(s.key) || name.includes('教室'), capacity: 45 })),
  );
  const classroomRows = await tx.insert(classrooms).values(classroomSpecs.map(({ key: _k, ...c }) => c)).returning({ id: classrooms.id });
  classroomSpecs.forEach((c, i) => classroomIds.set(c.key, classroomRows[i]!.id));

  const teacherSpecs = data.schools.flatMap((s) => s.teachers.map((t) => ({ ...t, schoolKey: s.key })));
  const teacherRows = await tx
    .insert(teachers)
    .values(teacherSpecs.map((t) => ({ schoolId: schoolIds.get(t.schoolKey)!, name: t.name, isBackbone: t.backbone ?? false })))
    .returning({ id: teachers.id });
  teacherSpecs.forEach((t, i) => teacherIds.set(`${t.schoolKey}/${t.key}`, teacherRows[i]!.id));
  await tx.insert(teacherSubjects).values(teacherSpecs.flatMap((t, i) => t.subjects.map((subjectCode) => ({ teacherId: teacherRows[i]!.id, subjectCode }))));

  const communityIds = new Map<string, string>();
  for (const c of data.communities) {
    const [row] = await tx.insert(communities).values({ countyId: county!.id, name: c.name, typeCode: c.typeCode, description: c.description }).returning();
    communityIds.set(c.key, row!.id);
    await tx.insert(communityMemberships).values([
      { communityId: row!.id, schoolId: schoolIds.get(c.core)!, role: 'core', validFrom: membershipsFrom },
      ...c.members.map((m) => ({ communityId: row!.id, schoolId: schoolIds.get(m)!, role: 'member', validFrom: membershipsFrom })),
    ]);
  }
  const ruralKeys = new Set(data.schools.filter((s) => s.locality === 'rural').map((s) => s.key));
  return { county: county!, schoolIds, classroomIds, teacherIds, communityIds, ruralKeys };
}

/**
 * Seeds the Haiyan demo county (and 秀洲区 beside it, for the city auditor) on an empty database, all in one transaction;
 * on a database that already has it, changes nothing.
 */
export async function seedDemo(db: Db, options: SeedOptions = {}): Promise<SeedResult> {
  const { readFile, writeFile, mkdir } = await import('node:fs/promises');
  const path = await import('node:path');
  const [existing] = await db.select().from(counties).where(eq(counties.code, haiyan.county.code));
  if (existing) {
    const saved = options.credentialsFile ? await readFile(options.credentialsFile, 'utf8').then((t) => JSON.parse(t) as DemoSignIn[], () => null) : null;
    return {
      created: false,
      accounts: saved ?? haiyan.demoAccounts.map((a) => ({ role: a.role, username: a.username, password: options.password ?? '(set at first start)', note: a.note })),
    };
  }

  const signIns: DemoSignIn[] = haiyan.demoAccounts.map((a) => ({ role: a.role, username: a.username, password: options.password ?? randomPassword(), note: a.note }));
  const hashes = await Promise.all(signIns.map((s) => hashPassword(s.password)));
  const membershipsFrom = options.membershipsFrom ?? haiyan.academicYears[0]!.startsOn;

  await db.transaction(async (tx) => {
    const years = haiyan.academicYearsThrough(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()));
    for (const y of years) {
      const [year] = await tx.insert(academicYears).values({ label: y.label, startsOn: y.startsOn, endsOn: y.endsOn }).returning();
      await tx.insert(academicTerms).values(y.terms.map((t) => ({ ...t, yearId: year!.id })));
      await tx.insert(holidays).values(y.holidays.map((h) => ({ ...h, yearId: year!.id })));
    }
    const main = await seedCounty(tx, { county: haiyan.county, schools: haiyan.schools, communities: haiyan.communities }, membershipsFrom);
    await seedDemoCounty(tx, { ratios: HAIYAN_RATIOS, rotations: HAIYAN_ROTATIONS }, main.schoolIds, main.ruralKeys, main.teacherIds, years);
    // A second county of the same city, for the city auditor (C-AUDIT-REGION).
    const second = await seedCounty(tx, { county: xiuzhou.county, schools: xiuzhou.schools, communities: xiuzhou.communities }, membershipsFrom);
    await seedDemoCounty(tx, { ratios: xiuzhou.ratios, rotations: xiuzhou.rotations }, second.schoolIds, second.ruralKeys, second.teacherIds, years);

    for (const [i, a] of haiyan.demoAccounts.entries()) {
      const region =
        'auditCity' in a
          ? { auditLevel: 'city', countyId: null, auditCity: main.county.city, auditProvince: main.county.province }
          : a.role === 'auditor'
            ? { auditLevel: 'county', countyId: main.county.id, auditCity: null, auditProvince: null }
            : { auditLevel: null, countyId: null, auditCity: null, auditProvince: null };
      const [row] = await tx
        .insert(accounts)
        .values({
          username: a.username,
          displayName: a.displayName,
          passwordHash: hashes[i]!,
          role: a.role,
          ...region,
          teacherId: 'teacher' in a ? main.teacherIds.get(a.teacher.join('/'))! : null,
          classroomId: 'classroom' in a ? main.classroomIds.get(a.classroom.join('/'))! : null,
        })
        .returning();
      if ('community' in a) await tx.insert(accountCommunities).values({ accountId: row!.id, communityId: main.communityIds.get(a.community)! });
    }
  });

  if (options.credentialsFile && !options.password) {
    await mkdir(path.dirname(options.credentialsFile), { recursive: true });
    await writeFile(options.credentialsFile, JSON.stringify(signIns, null, 2), { mode: 0o600 });
  }
  return { created: true, accounts: signIns };
}
