import { createHash, randomUUID } from 'node:crypto';
import { and, eq, gt, isNotNull, sql } from 'drizzle-orm';
import type { RosterResult } from '../../shared/schemas/roster.ts';
import type { Actor } from '../accounts/actor.ts';
import { countiesOfCommunities } from '../accounts/scope.ts';
import { withActor } from '../audit/actor.ts';
import type { Db } from '../db/client.ts';
import { counties, rosterImports } from '../db/schema/index.ts';
import { ConflictError, ForbiddenError, isPgError, NotFoundError, PgCode, ValidationError } from '../http/errors.ts';
import type { UploadedFile } from '../http/route.ts';
import { applyRoster } from './apply.ts';
import { issueCodes, openSheet, sealSheet, type Credential } from './credentials.ts';
import { planRoster, type RosterPlan } from './plan.ts';
import { readRoster } from './read.ts';

/** Changes listed in a result; the rest are counted (`changesLeftOut`). */
const LISTED_CHANGES = 2000;
/** How long the importer has to fetch the credentials sheet, and the owners to use their codes. */
const SHEET_HOURS = 2;
const CODE_DAYS = 30;

/**
 * The county a roster import is for (C-ROSTER-SCOPE): an administrator imports any county; a
 * coordinator a county of their communities (what they may change in it is checked per row);
 * anyone else may not import. A county the caller may not see is a 404.
 */
async function requireImportCounty(db: Db, actor: Actor, countyId: string) {
  if (actor.role !== 'admin' && actor.role !== 'coordinator') throw new ForbiddenError('Only administrators and coordinators import rosters');
  const inScope = actor.role === 'admin' ? sql`true` : sql`${counties.id} in (${countiesOfCommunities(actor.communityIds)})`;
  const [county] = await db.select({ id: counties.id, code: counties.code, name: counties.name }).from(counties).where(and(eq(counties.id, countyId), inScope));
  if (!county) throw new NotFoundError('County');
  return county;
}

/** Of the file and of the changes planned (C-ROSTER-PREVIEWED): the same file on the same database gives the same fingerprint. */
function fingerprintOf(countyId: string, bytes: Buffer, plan: RosterPlan) {
  const file = createHash('sha256').update(bytes).digest('hex');
  return createHash('sha256').update(JSON.stringify({ countyId, file, changes: plan.changes, summary: plan.summary })).digest('hex');
}

const resultOf = (plan: RosterPlan, fingerprint: string, extra: Partial<RosterResult> & Pick<RosterResult, 'dryRun' | 'committed'>): RosterResult => ({
  importId: null,
  rows: plan.rows,
  fingerprint,
  errors: plan.errors,
  summary: plan.summary,
  changes: plan.changes.slice(0, LISTED_CHANGES),
  changesLeftOut: Math.max(0, plan.changes.length - LISTED_CHANGES),
  credentials: null,
  ...extra,
});

class Refused extends Error {
  constructor(readonly plan: RosterPlan) {
    super('the roster has errors');
  }
}

/**
 * C-ROSTER-DRY-RUN / C-ROSTER-ALL-OR-NOTHING: a dry run reports every bad row and the changes
 * planned and writes nothing; a real import names the dry run's fingerprint and writes every
 * change in one transaction (the audit trail naming the importer), or nothing.
 */
export async function importRoster(db: Db, actor: Actor, countyId: string, input: { dryRun: boolean; fingerprint?: string | undefined }, file: UploadedFile | null, today: string): Promise<RosterResult> {
  const county = await requireImportCounty(db, actor, countyId);
  if (!file) throw ValidationError.field('file', 'attach the filled-in template (XLSX, or CSV per sheet)', 'required');
  const sheets = await readRoster(file.bytes);
  if (input.dryRun) {
    const plan = await planRoster(db, actor, county, sheets, today);
    return resultOf(plan, fingerprintOf(county.id, file.bytes, plan), { dryRun: true, committed: false });
  }
  if (!input.fingerprint) throw ValidationError.field('fingerprint', 'confirm a dry run: send its fingerprint', 'required');
  try {
    return await withActor(db, { accountId: actor.accountId }, async (tx) => {
      // One import of a county at a time: the second plans on what the first wrote.
      await tx.execute(sql`select id from counties where id = ${county.id} for update`);
      const plan = await planRoster(tx, actor, county, sheets, today);
      if (plan.errors.length) throw new Refused(plan);
      const fingerprint = fingerprintOf(county.id, file.bytes, plan);
      if (fingerprint !== input.fingerprint) {
        throw new ConflictError({ kind: 'roster_changed', description: 'The file or the county changed since the dry run: run it again and confirm what it shows' });
      }
      const importId = randomUUID();
      const { credentials, hashes } = issueCodes(plan.ops.accountInserts);
      const sealed = credentials.length ? sealSheet(credentials) : null;
      const sheetExpires = new Date(Date.now() + SHEET_HOURS * 3600_000);
      await tx.insert(rosterImports).values({
        id: importId,
        countyId: county.id,
        accountId: actor.accountId,
        fingerprint,
        rows: plan.rows,
        summary: plan.summary,
        credentialSheet: sealed?.sealed ?? null,
        credentialSheetExpiresAt: sealed ? sheetExpires : null,
      });
      await applyRoster(tx, plan.ops, { accountId: actor.accountId, importId }, { hashes, expiresAt: new Date(Date.now() + CODE_DAYS * 86_400_000) });
      return resultOf(plan, fingerprint, {
        dryRun: false,
        committed: true,
        importId,
        credentials: sealed ? { key: sealed.key, accounts: credentials.length, expiresAt: sheetExpires.toISOString() } : null,
      });
    });
  } catch (err) {
    if (err instanceof Refused) return resultOf(err.plan, fingerprintOf(county.id, file.bytes, err.plan), { dryRun: false, committed: false });
    if (isPgError(err, PgCode.uniqueViolation) || isPgError(err, PgCode.foreignKeyViolation)) {
      throw new ConflictError({ kind: 'roster_changed', description: 'Another change to the county came first: run the dry run again' });
    }
    throw err;
  }
}

/**
 * C-ROSTER-CREDENTIALS: the importer fetches the new accounts' sign-in codes once, with the key
 * the import gave; then the sheet is erased. Someone else's import, an erased or expired sheet: 404.
 */
export async function takeCredentials(db: Db, actor: Actor, importId: string, key: string): Promise<{ credentials: Credential[]; expiresOn: string }> {
  return withActor(db, { accountId: actor.accountId }, async (tx) => {
    const [row] = await tx
      .select()
      .from(rosterImports)
      .where(and(eq(rosterImports.id, importId), eq(rosterImports.accountId, actor.accountId), isNotNull(rosterImports.credentialSheet), gt(rosterImports.credentialSheetExpiresAt, sql`now()`)))
      .for('update');
    if (!row) throw new NotFoundError('Credentials sheet');
    const credentials = openSheet(row.credentialSheet!, key);
    if (!credentials) throw ValidationError.field('key', 'not the key this import gave', 'mismatch');
    await tx.update(rosterImports).set({ credentialSheet: null, credentialSheetExpiresAt: null }).where(eq(rosterImports.id, importId));
    const expiresOn = new Date(row.createdAt.getTime() + CODE_DAYS * 86_400_000).toISOString().slice(0, 10);
    return { credentials, expiresOn };
  });
}
