import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { and, asc, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { QuotaCorrection, QuotaCorrectionCreate } from '../../shared/schemas/quotas.ts';
import type { Actor } from '../accounts/actor.ts';
import { requireCommunity, visibleCommunitiesWhere } from '../accounts/scope.ts';
import { withActor } from '../audit/actor.ts';
import type { Db } from '../db/client.ts';
import { academicYears, accounts, communities, communityMemberships, quotaCorrectionAttachments, quotaCorrections, quotaCorrectionSchools, schools } from '../db/schema/index.ts';
import { NotFoundError, ValidationError } from '../http/errors.ts';
import type { UploadedFile } from '../http/route.ts';
import { evidenceFileName } from '../schedule/evidenceFileName.ts';
import { checkEvidenceFile, resolveEvidenceFile, storeEvidenceFile } from '../schedule/offline.ts';
import type { QuotaContext } from './service.ts';

/**
 * Coordinators' corrections: something that happened that the platform did not see
 * (a lesson given with another tool during an outage…). Only with a reason and an
 * attachment (the database refuses a correction left without a file at commit);
 * counted separately and marked as such; every auditor of the county sees each one.
 * Files are stored like offline research evidence (server/schedule/offline.ts helpers)
 * under DATA_DIR/attachments/quota-corrections/<correction>/<uuid>.
 */

type Row = typeof quotaCorrections.$inferSelect;

export const correctionFilesDir = (dataDir: string) => path.join(dataDir, 'attachments', 'quota-corrections');

async function toDtos(db: Db, rows: Row[]): Promise<QuotaCorrection[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [ss, as, cs, people] = await Promise.all([
    db.select({ correctionId: quotaCorrectionSchools.correctionId, id: schools.id, name: schools.name }).from(quotaCorrectionSchools).innerJoin(schools, eq(schools.id, quotaCorrectionSchools.schoolId)).where(inArray(quotaCorrectionSchools.correctionId, ids)).orderBy(asc(schools.name)),
    db.select().from(quotaCorrectionAttachments).where(inArray(quotaCorrectionAttachments.correctionId, ids)).orderBy(asc(quotaCorrectionAttachments.uploadedAt)),
    db.select({ id: communities.id, name: communities.name }).from(communities).where(inArray(communities.id, [...new Set(rows.map((r) => r.communityId))])),
    db.select({ id: accounts.id, name: accounts.displayName }).from(accounts).where(inArray(accounts.id, rows.map((r) => r.createdBy ?? r.id))),
  ]);
  const community = new Map(cs.map((c) => [c.id, c.name]));
  const person = new Map(people.map((p) => [p.id, p.name]));
  return rows.map((r) => ({
    id: r.id,
    communityId: r.communityId,
    communityName: community.get(r.communityId) ?? '',
    kind: r.kind as QuotaCorrection['kind'],
    title: r.title,
    heldOn: r.heldOn,
    subjectCode: r.subjectCode,
    mode: r.mode,
    reason: r.reason,
    schools: ss.filter((s) => s.correctionId === r.id).map(({ id, name }) => ({ id, name })),
    attachments: as.filter((a) => a.correctionId === r.id).map((a) => ({ id: a.id, fileName: evidenceFileName(a.fileName, a.contentType), contentType: a.contentType, sizeBytes: a.sizeBytes, uploadedAt: a.uploadedAt.toISOString() })),
    createdBy: r.createdBy ? (person.get(r.createdBy) ?? null) : null,
    createdAt: r.createdAt.toISOString(),
  }));
}

export async function listCorrections(db: Db, actor: Actor, q: { communityId?: string | undefined; academicYear?: string | undefined }): Promise<QuotaCorrection[]> {
  if (actor.role === 'classroom') return [];
  if (q.communityId) await requireCommunity(db, actor, q.communityId, 'read');
  const where = [
    q.communityId ? eq(quotaCorrections.communityId, q.communityId) : inArray(quotaCorrections.communityId, db.select({ id: communities.id }).from(communities).where(visibleCommunitiesWhere(actor))),
  ];
  if (q.academicYear) {
    const [y] = await db.select().from(academicYears).where(eq(academicYears.label, q.academicYear));
    if (!y) throw new NotFoundError(`Academic year ${q.academicYear}`);
    where.push(gte(quotaCorrections.heldOn, y.startsOn), lte(quotaCorrections.heldOn, y.endsOn));
  }
  return toDtos(db, await db.select().from(quotaCorrections).where(and(...where)).orderBy(desc(quotaCorrections.heldOn), desc(quotaCorrections.createdAt)).limit(5000));
}

export async function createCorrection(ctx: QuotaContext, actor: Actor, communityId: string, input: z.output<typeof QuotaCorrectionCreate>, file: UploadedFile | null): Promise<QuotaCorrection> {
  await requireCommunity(ctx.db, actor, communityId, 'manage');
  const evidence = checkEvidenceFile(file);
  const fields: { field: string; code: string; message: string }[] = [];
  if (input.heldOn > ctx.today()) fields.push({ field: 'heldOn', code: 'in_future', message: 'a correction records something that already happened' });
  // The schools must be member schools of the community on that day.
  const members = new Set(
    (
      await ctx.db
        .select({ id: communityMemberships.schoolId })
        .from(communityMemberships)
        .where(
          and(
            eq(communityMemberships.communityId, communityId),
            eq(communityMemberships.role, 'member'),
            sql`${communityMemberships.validFrom} <= ${input.heldOn}::date and (${communityMemberships.validTo} is null or ${communityMemberships.validTo} > ${input.heldOn}::date)`,
          ),
        )
    ).map((m) => m.id),
  );
  input.schoolIds.forEach((id, i) => {
    if (!members.has(id)) fields.push({ field: `schoolIds.${i}`, code: 'not_member_school', message: `not a member school of this community on ${input.heldOn}` });
  });
  if (fields.length) throw new ValidationError(fields);
  const id = randomUUID();
  const stored = await storeEvidenceFile(correctionFilesDir(ctx.dataDir), `${id}/${randomUUID()}`, evidence);
  await withActor(ctx.db, actor, async (tx) => {
    await tx.insert(quotaCorrections).values({
      id,
      communityId,
      kind: input.kind,
      title: input.title,
      heldOn: input.heldOn,
      subjectCode: input.kind === 'sync_lesson' ? input.subjectCode : null,
      mode: input.kind === 'sync_lesson' ? input.mode : null,
      reason: input.reason,
      createdBy: actor.accountId,
    });
    const schoolIds = [...new Set(input.schoolIds)];
    if (schoolIds.length) await tx.insert(quotaCorrectionSchools).values(schoolIds.map((schoolId) => ({ correctionId: id, schoolId })));
    await tx.insert(quotaCorrectionAttachments).values({ correctionId: id, ...stored, uploadedBy: actor.accountId });
  });
  return (await toDtos(ctx.db, await ctx.db.select().from(quotaCorrections).where(eq(quotaCorrections.id, id))))[0]!;
}

async function requireCorrection(db: Db, actor: Actor, id: string, need: 'read' | 'manage'): Promise<Row> {
  const [row] = await db.select().from(quotaCorrections).where(eq(quotaCorrections.id, id));
  if (!row) throw new NotFoundError('Correction');
  await requireCommunity(db, actor, row.communityId, 'read').catch(() => {
    throw new NotFoundError('Correction');
  });
  if (need === 'manage') await requireCommunity(db, actor, row.communityId, 'manage');
  return row;
}

export async function deleteCorrection(ctx: QuotaContext, actor: Actor, id: string): Promise<void> {
  await requireCorrection(ctx.db, actor, id, 'manage');
  await withActor(ctx.db, actor, (tx) => tx.delete(quotaCorrections).where(eq(quotaCorrections.id, id)));
}

export async function correctionFile(ctx: QuotaContext, actor: Actor, id: string, attachmentId: string) {
  await requireCorrection(ctx.db, actor, id, 'read');
  const [a] = await ctx.db.select().from(quotaCorrectionAttachments).where(and(eq(quotaCorrectionAttachments.id, attachmentId), eq(quotaCorrectionAttachments.correctionId, id)));
  const full = a && resolveEvidenceFile(correctionFilesDir(ctx.dataDir), a.storageKey);
  if (!a || !full) throw new NotFoundError('Attachment');
  return { contentType: a.contentType, filename: evidenceFileName(a.fileName, a.contentType), inline: true, path: full };
}
