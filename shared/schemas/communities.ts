import { z } from 'zod';
import { Id, IsoDate, Name } from './common.ts';

export const CommunityType = z
  .object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), requiresDispatch: z.boolean() })
  .meta({ id: 'CommunityType' });
export type CommunityType = z.infer<typeof CommunityType>;

export const MembershipRole = z.enum(['core', 'member']);
export type MembershipRole = z.infer<typeof MembershipRole>;

export const Membership = z
  .object({
    id: Id,
    schoolId: Id,
    schoolName: z.string(),
    role: MembershipRole,
    /** Inclusive. */
    validFrom: IsoDate,
    /** Exclusive; null while the school is still a member. */
    validTo: IsoDate.nullable(),
  })
  .meta({ id: 'Membership' });
export type Membership = z.infer<typeof Membership>;

export const CommunitySummary = z
  .object({
    id: Id,
    countyId: Id,
    name: z.string(),
    typeCode: z.string(),
    coreSchool: z.object({ id: Id, name: z.string() }).nullable(),
    memberSchoolCount: z.number().int(),
    access: z.enum(['read', 'manage']),
  })
  .meta({ id: 'CommunitySummary' });
export type CommunitySummary = z.infer<typeof CommunitySummary>;

export const Community = z
  .object({
    id: Id,
    countyId: Id,
    name: z.string(),
    typeCode: z.string(),
    description: z.string(),
    memberships: z.array(Membership),
    coordinators: z.array(z.object({ id: Id, displayName: z.string() })),
    access: z.enum(['read', 'manage']),
  })
  .meta({ id: 'Community' });
export type Community = z.infer<typeof Community>;

export const CommunityCreate = z
  .object({
    countyId: Id,
    name: Name,
    typeCode: z.string().min(1),
    description: z.string().max(2000).default(''),
    coreSchoolId: Id,
    memberSchoolIds: z.array(Id).min(1, 'a community needs at least one member school'),
    validFrom: IsoDate,
  })
  .refine((c) => !c.memberSchoolIds.includes(c.coreSchoolId), {
    path: ['memberSchoolIds'],
    message: 'the core school cannot also be a member school',
  })
  .refine((c) => new Set(c.memberSchoolIds).size === c.memberSchoolIds.length, {
    path: ['memberSchoolIds'],
    message: 'a member school is listed twice',
  });

export const CommunityUpdate = z.object({
  name: Name.optional(),
  typeCode: z.string().min(1).optional(),
  description: z.string().max(2000).optional(),
});

export const MembershipCreate = z
  .object({ schoolId: Id, role: MembershipRole.default('member'), validFrom: IsoDate, validTo: IsoDate.nullable().default(null) })
  .refine((m) => m.validTo === null || m.validTo > m.validFrom, { path: ['validTo'], message: 'must be after validFrom' });

/** Ending a membership (a school leaves on `validTo`, exclusive). */
export const MembershipUpdate = z.object({ validTo: IsoDate.nullable() });

export const CommunityParams = z.object({ communityId: Id });
export const MembershipParams = z.object({ communityId: Id, membershipId: Id });
