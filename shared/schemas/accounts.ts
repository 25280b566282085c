import { z } from 'zod';
import { Id, Locale } from './common.ts';

export const Role = z.enum(['admin', 'auditor', 'coordinator', 'teacher', 'classroom']);
export type Role = z.infer<typeof Role>;

/** An auditor's level (C-AUDIT-REGION): one county (县/区), the counties of a city (市) or of a province (省). */
export const AuditLevel = z.enum(['county', 'city', 'province']);
export type AuditLevel = z.infer<typeof AuditLevel>;

const RegionName = z.string().trim().min(1).max(40);

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,39}$/, '3–40 letters, digits, ".", "_" or "-"');
/** Long passphrases welcome; 10 characters is the floor. */
export const Password = z.string().min(10, 'at least 10 characters').max(256);

export const Account = z
  .object({
    id: Id,
    username: z.string(),
    displayName: z.string(),
    role: Role,
    countyId: Id.nullable(),
    /** Auditors: their level and region (a county is `countyId`; a city is `auditCity` of `auditProvince`; a province `auditProvince`). */
    auditLevel: AuditLevel.nullable(),
    auditCity: z.string().nullable(),
    auditProvince: z.string().nullable(),
    teacherId: Id.nullable(),
    classroomId: Id.nullable(),
    /** Coordinators: the communities they manage. */
    communityIds: z.array(Id),
    /** Teacher and classroom accounts: who or what they are, and where. */
    subject: z.object({ name: z.string(), schoolId: Id, schoolName: z.string() }).nullable(),
    locale: Locale,
    disabled: z.boolean(),
  })
  .meta({ id: 'Account' });
export type Account = z.infer<typeof Account>;

export const AccountCreate = z.discriminatedUnion('role', [
  z.object({ role: z.literal('admin'), username: Username, displayName: z.string().trim().min(1).max(80), password: Password }),
  z.object({
    role: z.literal('auditor'),
    username: Username,
    displayName: z.string().trim().min(1).max(80),
    password: Password,
    /** County auditors name `countyId`; city auditors `auditCity` and `auditProvince`; province auditors `auditProvince` (C-AUDIT-REGION). */
    auditLevel: AuditLevel.default('county'),
    countyId: Id.optional(),
    auditCity: RegionName.optional(),
    auditProvince: RegionName.optional(),
  }),
  z.object({
    role: z.literal('coordinator'),
    username: Username,
    displayName: z.string().trim().min(1).max(80),
    password: Password,
    communityIds: z.array(Id).min(1, 'a coordinator manages at least one community'),
  }),
  z.object({ role: z.literal('teacher'), username: Username, displayName: z.string().trim().min(1).max(80), password: Password, teacherId: Id }),
  z.object({ role: z.literal('classroom'), username: Username, displayName: z.string().trim().min(1).max(80), password: Password, classroomId: Id }),
]);
export type AccountCreate = z.input<typeof AccountCreate>;

export const AccountUpdate = z.object({
  displayName: z.string().trim().min(1).max(80).optional(),
  password: Password.optional(),
  disabled: z.boolean().optional(),
  locale: Locale.optional(),
  communityIds: z.array(Id).min(1).optional(),
});

/**
 * A username as typed at sign-in, normalised once — for the account lookup and the rate limiter's key alike,
 * so no padding (spaces, U+2003…), width or case variant is a different name to either.
 */
export const SignInUsername = z
  .string()
  .max(200)
  .overwrite((raw) => raw.normalize('NFKC').trim().toLowerCase())
  .min(1);
export const SignIn = z.object({ username: SignInUsername, password: z.string().min(1) });

/** Who is signed in, what they may see, and the token to send with writes. */
export const Me = z
  .object({
    account: Account,
    csrfToken: z.string(),
    expiresAt: z.string(),
    /** For teachers and classrooms: their school. */
    schoolId: Id.nullable(),
    /** The communities the account works in: managed ones for coordinators, their school's for teachers and classrooms. */
    communityIds: z.array(Id),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof Me>;

export const MeUpdate = z.object({ locale: Locale });
