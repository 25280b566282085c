import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { accountActivations, accountCommunities, accounts, classrooms, schoolResources, schools, teacherSubjects, teachers } from '../db/schema/index.ts';
import type { RosterOps } from './plan.ts';

/** Rows per multi-row INSERT: well under PostgreSQL's 65,535 parameters for every table here. */
const CHUNK = 500;

async function insertChunked<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/** A new account's password hash until its owner chooses one with the sign-in code: no password verifies against it. */
const NO_PASSWORD_YET = '!activation-pending';

/**
 * Writes a plan inside the caller's transaction (with the actor set for the audit trail):
 * creations as multi-row INSERTs, updates row by row (only what changed).
 */
export async function applyRoster(tx: Db, ops: RosterOps, by: { accountId: string; importId: string }, activation: { hashes: Map<string, string>; expiresAt: Date }) {
  await insertChunked(ops.schoolInserts, (chunk) => tx.insert(schools).values(chunk));
  for (const u of ops.schoolUpdates) await tx.update(schools).set(u.set).where(eq(schools.id, u.id));
  if (ops.academicYear) {
    const year = ops.academicYear;
    for (const p of ops.pupils) {
      await tx
        .insert(schoolResources)
        .values({ schoolId: p.schoolId, academicYear: year, pupils: p.pupils, updatedBy: by.accountId })
        .onConflictDoUpdate({ target: [schoolResources.schoolId, schoolResources.academicYear], set: { pupils: p.pupils, updatedBy: by.accountId, updatedAt: sql`now()` } });
    }
  }
  for (const f of ops.resources) {
    const set = { ...f.set, updatedBy: by.accountId, updatedAt: sql`now()` };
    await tx.insert(schoolResources).values({ schoolId: f.schoolId, academicYear: f.academicYear, ...set }).onConflictDoUpdate({ target: [schoolResources.schoolId, schoolResources.academicYear], set });
  }
  await insertChunked(ops.classroomInserts, (chunk) => tx.insert(classrooms).values(chunk));
  for (const u of ops.classroomUpdates) await tx.update(classrooms).set(u.set).where(eq(classrooms.id, u.id));
  await insertChunked(ops.teacherInserts, (chunk) => tx.insert(teachers).values(chunk));
  for (const u of ops.teacherUpdates) await tx.update(teachers).set(u.set).where(eq(teachers.id, u.id));
  for (const s of ops.subjectSets.filter((x) => x.replace)) await tx.delete(teacherSubjects).where(eq(teacherSubjects.teacherId, s.teacherId));
  await insertChunked(
    ops.subjectSets.flatMap((s) => s.codes.map((subjectCode) => ({ teacherId: s.teacherId, subjectCode }))),
    (chunk) => tx.insert(teacherSubjects).values(chunk),
  );
  await insertChunked(ops.accountInserts, (chunk) =>
    tx.insert(accounts).values(
      chunk.map((a) => ({ id: a.id, username: a.username, displayName: a.displayName, passwordHash: NO_PASSWORD_YET, role: a.role, auditLevel: a.role === 'auditor' ? 'county' : null, countyId: a.countyId, teacherId: a.teacherId, classroomId: a.classroomId, createdBy: by.accountId })),
    ),
  );
  await insertChunked(ops.accountInserts, (chunk) =>
    tx.insert(accountActivations).values(chunk.map((a) => ({ accountId: a.id, codeHash: activation.hashes.get(a.id)!, importId: by.importId, expiresAt: activation.expiresAt }))),
  );
  for (const u of ops.accountUpdates) await tx.update(accounts).set(u.set).where(eq(accounts.id, u.id));
  for (const l of ops.communityLinks.filter((x) => x.remove.length)) {
    await tx.delete(accountCommunities).where(and(eq(accountCommunities.accountId, l.accountId), inArray(accountCommunities.communityId, l.remove)));
  }
  await insertChunked(
    ops.communityLinks.flatMap((l) => l.add.map((communityId) => ({ accountId: l.accountId, communityId }))),
    (chunk) => tx.insert(accountCommunities).values(chunk),
  );
}
