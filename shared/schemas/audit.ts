import { z } from 'zod';
import { Id, IsoDate, IsoDateTime } from './common.ts';

/** The audit trail (issue #5): who created, changed or deleted what, when, before and after. */
export const AuditEntry = z
  .object({
    id: z.number().int(),
    at: IsoDateTime,
    /** The acting account, or null for the platform itself (see `source`). */
    actor: z.object({ id: Id, username: z.string(), displayName: z.string() }).nullable(),
    /** `account`, or what acted without one: `system`, `live:evidence`, `live:auto-close`… */
    source: z.string(),
    table: z.string(),
    op: z.enum(['insert', 'update', 'delete']),
    rowId: z.string(),
    communityId: Id.nullable(),
    communityName: z.string().nullable(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    /** Update: the columns that changed. */
    changed: z.array(z.string()),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z.object({
  communityId: Id.optional(),
  /** Table name, e.g. live_sessions, quota_corrections. */
  table: z.string().regex(/^[a-z_]+$/).optional(),
  rowId: z.string().max(200).optional(),
  actorId: Id.optional(),
  op: z.enum(['insert', 'update', 'delete']).optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  /** Older than this entry id (paging backwards). */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const AuditPage = z
  .object({
    entries: z.array(AuditEntry),
    next: z.number().int().nullable(),
    tables: z.array(z.string()),
    /** The names of the rows the entries mention by id (accounts, schools, sessions…), by id. */
    labels: z.record(z.string(), z.string()),
  })
  .meta({ id: 'AuditPage' });
export type AuditPage = z.infer<typeof AuditPage>;
