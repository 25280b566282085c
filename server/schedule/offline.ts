import { createHash, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { and, asc, desc, eq, gte, inArray, lte, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { OfflineResearchRuleIds } from '../../shared/quotas/rules.ts';
import type { OfflineResearch, OfflineResearchCreate, OfflineResearchListQuery, OfflineResearchUpdate } from '../../shared/schemas/schedule.ts';
import type { Actor } from '../accounts/actor.ts';
import { requireCommunity, visibleCommunitiesWhere } from '../accounts/scope.ts';
import type { Db } from '../db/client.ts';
import { accounts, communities, offlineResearch, offlineResearchAttachments, offlineResearchSchools, offlineResearchTeachers, schools, teachers } from '../db/schema/index.ts';
import { ConflictError, isPgError, NotFoundError, PgCode, ValidationError } from '../http/errors.ts';
import type { UploadedFile } from '../http/route.ts';
import { communitySchoolsOn } from './access.ts';
import { evidenceFileName } from './evidenceFileName.ts';

type Row = typeof offlineResearch.$inferSelect;

async function toDtos(db: Db, rows: Row[]): Promise<OfflineResearch[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [hosts, ss, ts, as, confirmers] = await Promise.all([
    db.select({ id: schools.id, name: schools.name }).from(schools).where(inArray(schools.id, rows.map((r) => r.hostSchoolId))),
    db.select({ researchId: offlineResearchSchools.researchId, id: schools.id, name: schools.name }).from(offlineResearchSchools).innerJoin(schools, eq(schools.id, offlineResearchSchools.schoolId)).where(inArray(offlineResearchSchools.researchId, ids)).orderBy(asc(schools.name)),
    db
      .select({ researchId: offlineResearchTeachers.researchId, id: teachers.id, name: teachers.name, schoolId: schools.id, schoolName: schools.name })
      .from(offlineResearchTeachers)
      .innerJoin(teachers, eq(teachers.id, offlineResearchTeachers.teacherId))
      .innerJoin(schools, eq(schools.id, teachers.schoolId))
      .where(inArray(offlineResearchTeachers.researchId, ids))
      .orderBy(asc(schools.name), asc(teachers.name)),
    db.select().from(offlineResearchAttachments).where(inArray(offlineResearchAttachments.researchId, ids)).orderBy(asc(offlineResearchAttachments.uploadedAt)),
    db.select({ id: accounts.id, displayName: accounts.displayName }).from(accounts).where(inArray(accounts.id, rows.map((r) => r.confirmedBy ?? r.createdBy ?? r.id))),
  ]);
  const hostName = new Map(hosts.map((h) => [h.id, h.name]));
  const confirmer = new Map(confirmers.map((c) => [c.id, c.displayName]));
  return rows.map((r) => ({
    id: r.id,
    communityId: r.communityId,
    title: r.title,
    heldOn: r.heldOn,
    place: r.place,
    hostSchool: { id: r.hostSchoolId, name: hostName.get(r.hostSchoolId) ?? '' },
    schools: ss.filter((s) => s.researchId === r.id).map(({ id, name }) => ({ id, name })),
    teachers: ts.filter((t) => t.researchId === r.id).map(({ researchId: _r, ...t }) => t),
    minutes: r.minutes,
    status: r.status as OfflineResearch['status'],
    confirmedAt: r.confirmedAt?.toISOString() ?? null,
    confirmedBy: r.confirmedBy ? (confirmer.get(r.confirmedBy) ?? null) : null,
    attachments: as.filter((a) => a.researchId === r.id).map((a) => ({ id: a.id, fileName: evidenceFileName(a.fileName, a.contentType), contentType: a.contentType, sizeBytes: a.sizeBytes, uploadedAt: a.uploadedAt.toISOString() })),
  }));
}

/** The record if the actor may `need` it (404 outside their communities, 403 when they may only read). */
async function requireResearch(db: Db, actor: Actor, id: string, need: 'read' | 'manage'): Promise<Row> {
  const [row] = await db.select().from(offlineResearch).where(eq(offlineResearch.id, id));
  if (!row) throw new NotFoundError('Offline research');
  await requireCommunity(db, actor, row.communityId, 'read').catch(() => {
    throw new NotFoundError('Offline research');
  });
  if (need === 'manage') await requireCommunity(db, actor, row.communityId, 'manage');
  return row;
}

async function validateParticipants(db: Db, communityId: string, heldOn: string, hostSchoolId: string, schoolIds: readonly string[], teacherIds: readonly string[]) {
  const inCommunity = new Set((await communitySchoolsOn(db, communityId, heldOn)).map((m) => m.schoolId));
  const fields: { field: string; code: string; message: string }[] = [];
  if (!inCommunity.has(hostSchoolId)) fields.push({ field: 'hostSchoolId', code: 'not_in_community', message: `not a school of this community on ${heldOn}` });
  schoolIds.forEach((id, i) => {
    if (!inCommunity.has(id)) fields.push({ field: `schoolIds.${i}`, code: 'not_in_community', message: `not a school of this community on ${heldOn}` });
  });
  const ts = teacherIds.length ? await db.select({ id: teachers.id, schoolId: teachers.schoolId }).from(teachers).where(inArray(teachers.id, [...teacherIds])) : [];
  const schoolOf = new Map(ts.map((t) => [t.id, t.schoolId]));
  teacherIds.forEach((id, i) => {
    const s = schoolOf.get(id);
    if (!s || !inCommunity.has(s)) fields.push({ field: `teacherIds.${i}`, code: 'not_in_community', message: `not a teacher of this community on ${heldOn}` });
  });
  if (fields.length) throw new ValidationError(fields);
  // The host school and the teachers' schools take part by definition.
  return [...new Set([hostSchoolId, ...schoolIds, ...ts.map((t) => t.schoolId)])];
}

export async function listOfflineResearch(db: Db, actor: Actor, q: z.output<typeof OfflineResearchListQuery>): Promise<OfflineResearch[]> {
  if (q.communityId) await requireCommunity(db, actor, q.communityId, 'read');
  const where: SQL[] = [
    q.communityId ? eq(offlineResearch.communityId, q.communityId) : inArray(offlineResearch.communityId, db.select({ id: communities.id }).from(communities).where(visibleCommunitiesWhere(actor))),
  ];
  if (q.from) where.push(gte(offlineResearch.heldOn, q.from));
  if (q.to) where.push(lte(offlineResearch.heldOn, q.to));
  return toDtos(db, await db.select().from(offlineResearch).where(and(...where)).orderBy(desc(offlineResearch.heldOn)).limit(2000));
}

export async function getOfflineResearch(db: Db, actor: Actor, id: string): Promise<OfflineResearch> {
  return (await toDtos(db, [await requireResearch(db, actor, id, 'read')]))[0]!;
}

export async function createOfflineResearch(db: Db, actor: Actor, input: z.output<typeof OfflineResearchCreate>): Promise<OfflineResearch> {
  await requireCommunity(db, actor, input.communityId, 'manage');
  const schoolIds = await validateParticipants(db, input.communityId, input.heldOn, input.hostSchoolId, input.schoolIds, input.teacherIds);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(offlineResearch)
      .values({ communityId: input.communityId, title: input.title, heldOn: input.heldOn, place: input.place, hostSchoolId: input.hostSchoolId, minutes: input.minutes, createdBy: actor.accountId })
      .returning({ id: offlineResearch.id });
    await tx.insert(offlineResearchSchools).values(schoolIds.map((schoolId) => ({ researchId: row!.id, schoolId })));
    if (input.teacherIds.length) await tx.insert(offlineResearchTeachers).values(input.teacherIds.map((teacherId) => ({ researchId: row!.id, teacherId })));
    return row!.id;
  });
  return getOfflineResearch(db, actor, id);
}

export async function updateOfflineResearch(db: Db, actor: Actor, id: string, input: z.output<typeof OfflineResearchUpdate>): Promise<OfflineResearch> {
  const row = await requireResearch(db, actor, id, 'manage');
  if (row.status !== 'planned') throw new ConflictError({ kind: 'offline_research', id, title: row.title, description: `It is ${row.status} and no longer changes` });
  const heldOn = input.heldOn ?? row.heldOn;
  const hostSchoolId = input.hostSchoolId ?? row.hostSchoolId;
  const participantsChange = input.schoolIds || input.teacherIds || input.hostSchoolId || input.heldOn;
  const currentTeachers = participantsChange && !input.teacherIds ? (await db.select().from(offlineResearchTeachers).where(eq(offlineResearchTeachers.researchId, id))).map((t) => t.teacherId) : [];
  const currentSchools = participantsChange && !input.schoolIds ? (await db.select().from(offlineResearchSchools).where(eq(offlineResearchSchools.researchId, id))).map((s) => s.schoolId) : [];
  const teacherIds = input.teacherIds ?? currentTeachers;
  const schoolIds = participantsChange ? await validateParticipants(db, row.communityId, heldOn, hostSchoolId, input.schoolIds ?? currentSchools, teacherIds) : [];
  await db.transaction(async (tx) => {
    await tx
      .update(offlineResearch)
      .set({
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.place !== undefined ? { place: input.place } : {}),
        ...(input.minutes !== undefined ? { minutes: input.minutes } : {}),
        ...(input.status ? { status: input.status } : {}),
        heldOn,
        hostSchoolId,
        updatedAt: new Date(),
      })
      .where(eq(offlineResearch.id, id));
    if (participantsChange) {
      await tx.delete(offlineResearchSchools).where(eq(offlineResearchSchools.researchId, id));
      await tx.delete(offlineResearchTeachers).where(eq(offlineResearchTeachers.researchId, id));
      await tx.insert(offlineResearchSchools).values(schoolIds.map((schoolId) => ({ researchId: id, schoolId })));
      if (teacherIds.length) await tx.insert(offlineResearchTeachers).values(teacherIds.map((teacherId) => ({ researchId: id, teacherId })));
    }
  });
  return getOfflineResearch(db, actor, id);
}

/**
 * A coordinator confirms it happened: it then counts (needs minutes or an attachment; the
 * database checks too). E-OFFLINE-RESEARCH-HELD: not before its day (`today`, the quota
 * tracker's today) — a meeting still to come has not happened.
 */
export async function confirmOfflineResearch(db: Db, actor: Actor, id: string, today: string): Promise<OfflineResearch> {
  const row = await requireResearch(db, actor, id, 'manage');
  if (row.status === 'confirmed') return getOfflineResearch(db, actor, id);
  if (row.status === 'cancelled') throw new ConflictError({ kind: 'offline_research', id, title: row.title, description: 'A cancelled record cannot be confirmed' });
  if (row.heldOn > today) {
    throw new ConflictError({ kind: 'offline_research_not_held', id, title: row.title, startsAt: row.heldOn, description: `${OfflineResearchRuleIds.held}: it takes place on ${row.heldOn} and can be confirmed from that day on` });
  }
  try {
    await db.transaction((tx) => tx.update(offlineResearch).set({ status: 'confirmed', confirmedBy: actor.accountId, confirmedAt: new Date(), updatedAt: new Date() }).where(eq(offlineResearch.id, id)));
  } catch (err) {
    if (isPgError(err, PgCode.checkViolation, 'offline_research_evidence_ck')) {
      throw ValidationError.field('minutes', actor.locale === 'en' ? 'add the minutes or an attachment before confirming' : '确认前请填写纪要或上传附件', 'evidence_required');
    }
    throw err;
  }
  return getOfflineResearch(db, actor, id);
}

/** The first bytes each accepted type starts with: the declared type must match the content. */
const SIGNATURES: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
};

export const attachmentsDir = (dataDir: string) => path.join(dataDir, 'attachments', 'offline-research');

/**
 * Evidence files, shared with the quota tracker's corrections (server/quotas/corrections.ts):
 * the declared type must match the content, the bytes go under `dir/<storageKey>` (mode 0600),
 * and a stored key is resolved only inside `dir`.
 */
export function checkEvidenceFile(file: UploadedFile | null): UploadedFile {
  if (!file) throw ValidationError.field('file', 'attach a photo (JPEG, PNG, WebP) or a PDF', 'required');
  if (!SIGNATURES[file.contentType]?.(file.bytes)) throw ValidationError.field('file', `the content is not ${file.contentType}`, 'content_type');
  return file;
}

export async function storeEvidenceFile(dir: string, storageKey: string, file: UploadedFile) {
  const target = path.join(dir, storageKey);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, file.bytes, { mode: 0o600 });
  const fileName = evidenceFileName(file.originalName, file.contentType);
  return { fileName, contentType: file.contentType, sizeBytes: file.bytes.length, sha256: createHash('sha256').update(file.bytes).digest('hex'), storageKey };
}

export function resolveEvidenceFile(dir: string, storageKey: string): string | null {
  const base = path.resolve(dir);
  const full = path.resolve(base, storageKey);
  return full.startsWith(base + path.sep) ? full : null;
}

export async function addAttachment(db: Db, actor: Actor, dataDir: string, id: string, file: UploadedFile | null) {
  const row = await requireResearch(db, actor, id, 'manage');
  if (!file) throw ValidationError.field('file', 'attach a photo (JPEG, PNG, WebP) or a PDF', 'required');
  if (row.status === 'cancelled') throw new ConflictError({ kind: 'offline_research', id, title: row.title, description: 'The record is cancelled' });
  const stored = await storeEvidenceFile(attachmentsDir(dataDir), `${id}/${randomUUID()}`, checkEvidenceFile(file));
  const [a] = await db
    .insert(offlineResearchAttachments)
    .values({ researchId: id, ...stored, uploadedBy: actor.accountId })
    .returning();
  return { id: a!.id, fileName: a!.fileName, contentType: a!.contentType, sizeBytes: a!.sizeBytes, uploadedAt: a!.uploadedAt.toISOString() };
}

/** The file of an attachment, for people of the community and its county's auditors only. */
export async function attachmentFile(db: Db, actor: Actor, dataDir: string, id: string, attachmentId: string) {
  await requireResearch(db, actor, id, 'read');
  const [a] = await db.select().from(offlineResearchAttachments).where(and(eq(offlineResearchAttachments.id, attachmentId), eq(offlineResearchAttachments.researchId, id)));
  if (!a) throw new NotFoundError('Attachment');
  const full = resolveEvidenceFile(attachmentsDir(dataDir), a.storageKey);
  if (!full) throw new NotFoundError('Attachment');
  return { contentType: a.contentType, filename: evidenceFileName(a.fileName, a.contentType), inline: true, path: full };
}
