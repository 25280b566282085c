import { z } from 'zod';

export const ErrorCode = z.enum([
  'validation',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'payload_too_large',
  'internal',
  'unsupported_media_type',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** One bad field: its dotted path in the request (`body.memberSchoolIds.1`) and why. */
export const FieldError = z.object({
  field: z.string(),
  code: z.string(),
  message: z.string(),
});
export type FieldError = z.infer<typeof FieldError>;

/** What a 409 names: the thing already there that the request collides with. */
export const ConflictDetail = z.object({
  kind: z.string(),
  id: z.string().optional(),
  title: z.string().optional(),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  who: z.string().optional(),
  description: z.string(),
});
export type ConflictDetail = z.infer<typeof ConflictDetail>;

export const ApiError = z
  .object({
    error: z.object({
      code: ErrorCode,
      message: z.string(),
      fields: z.array(FieldError).optional(),
      conflict: ConflictDetail.optional(),
    }),
  })
  .meta({ id: 'ApiError' });
export type ApiError = z.infer<typeof ApiError>;
