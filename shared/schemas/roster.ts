import { z } from 'zod';
import { Id } from './common.ts';
import { Password } from './accounts.ts';

/**
 * The county roster import: schools, classrooms, teachers and accounts from one XLSX workbook
 * (or one CSV per sheet). Rule IDs C-ROSTER-* in shared/county/SPEC.md.
 */
export const RosterSheet = z.enum(['schools', 'classrooms', 'teachers', 'accounts', 'resources']);
export type RosterSheet = z.infer<typeof RosterSheet>;

export const RosterTemplateQuery = z.object({
  format: z.enum(['xlsx', 'csv']).default('xlsx'),
  /** CSV: one file per sheet. */
  sheet: RosterSheet.default('schools'),
});

export const RosterImportRequest = z.object({
  dryRun: z.boolean().default(true),
  /** A real import: the fingerprint of the dry run it confirms (C-ROSTER-PREVIEWED). */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/, 'the fingerprint of a dry run').optional(),
});

/** Parameters of a row error's code, for the client to word it. */
const RosterParams = z.record(z.string(), z.union([z.string(), z.number()]));

export const RosterRowError = z.object({
  sheet: RosterSheet,
  /** The sheet as the file names it (学校, 教室, 教师, 账号). */
  sheetName: z.string(),
  /** The row number as the spreadsheet shows it (the header is row 1). */
  row: z.number().int(),
  /** The column's header, or null for the whole row. */
  column: z.string().nullable(),
  code: z.string(),
  params: RosterParams,
  message: z.string(),
});
export type RosterRowError = z.infer<typeof RosterRowError>;

const RosterFieldChange = z.object({ field: z.string(), before: z.string().nullable(), after: z.string().nullable() });
export const RosterChange = z.object({
  sheet: RosterSheet,
  row: z.number().int(),
  action: z.enum(['create', 'update']),
  /** What the row is known by: a school code, 学校标识码/classroom, a staff number, a username. */
  key: z.string(),
  fields: z.array(RosterFieldChange),
});
export type RosterChange = z.infer<typeof RosterChange>;

export const RosterCounts = z.object({ create: z.number().int(), update: z.number().int(), unchanged: z.number().int() });
export type RosterCounts = z.infer<typeof RosterCounts>;

export const RosterResult = z
  .object({
    dryRun: z.boolean(),
    committed: z.boolean(),
    /** The committed import (its credentials sheet is fetched with it). */
    importId: Id.nullable(),
    rows: z.number().int(),
    /** Of the file and the changes planned: a real import must name it (what commits is what was previewed). */
    fingerprint: z.string(),
    errors: z.array(RosterRowError),
    summary: z.object({ schools: RosterCounts, classrooms: RosterCounts, teachers: RosterCounts, accounts: RosterCounts, resources: RosterCounts }),
    changes: z.array(RosterChange),
    /** Changes beyond the first 2,000, counted but not listed. */
    changesLeftOut: z.number().int(),
    /**
     * A committed import that created accounts: the key to fetch their one-time sign-in codes
     * once, as a printable sheet per school (C-ROSTER-CREDENTIALS). Shown to nobody else.
     */
    credentials: z.object({ key: z.string(), accounts: z.number().int(), expiresAt: z.string() }).nullable(),
  })
  .meta({ id: 'RosterResult' });
export type RosterResult = z.infer<typeof RosterResult>;

export const RosterCountyParams = z.object({ countyId: Id });
export const RosterImportParams = z.object({ importId: Id });
export const RosterCredentialsRequest = z.object({
  key: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'the key the import gave'),
  format: z.enum(['xlsx', 'html']).default('html'),
});

/** A new account's first password, chosen with its one-time sign-in code. */
export const AccountActivation = z.object({
  code: z.string().trim().toLowerCase().regex(/^[0-9a-f]{32}$/, 'the sign-in code from the sheet'),
  password: Password,
});
