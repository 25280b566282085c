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

/**
 * The parameters of a failed built-in check (`code` is zod's issue code): for too_small /
 * too_big what was measured (`origin`: string, number, array…) and the `bound`; for
 * invalid_type what was `expected` and whether the value was `missing`; for
 * invalid_format the `format` (date, uuid…). The client words the check from them.
 */
export const FieldIssueParams = z.object({
  origin: z.string().optional(),
  bound: z.number().optional(),
  inclusive: z.boolean().optional(),
  expected: z.string().optional(),
  missing: z.boolean().optional(),
  format: z.string().optional(),
});
export type FieldIssueParams = z.infer<typeof FieldIssueParams>;

/** One bad field: its dotted path in the request (`body.memberSchoolIds.1`) and why (a code, its parameters, a message). */
export const FieldError = z.object({
  field: z.string(),
  code: z.string(),
  message: z.string(),
  /** Present when the check is zod's own (not a message the schema wrote): see FieldIssueParams. */
  params: FieldIssueParams.optional(),
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
  /**
   * A request of many items refused as a whole (the year planner's accept): each item that
   * clashes, by its key, what it clashes with, and free alternatives (local date and times).
   */
  items: z
    .array(
      z.object({
        key: z.string(),
        conflict: z.object({ kind: z.string(), title: z.string().optional(), startsAt: z.string().optional(), who: z.string().optional(), description: z.string() }),
        alternatives: z.array(z.object({ date: z.string(), startTime: z.string().nullable(), endTime: z.string().nullable(), endDate: z.string().nullable() })),
      }),
    )
    .optional(),
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
