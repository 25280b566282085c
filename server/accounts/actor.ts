import type { Locale } from '../../shared/schemas/common.ts';
import type { Role } from '../../shared/schemas/accounts.ts';
import type { AuditRegion } from './auditRegion.ts';

/**
 * Who is making a request, with the scope they act in — loaded once per request
 * (or per socket) from the session. Services take an Actor, never a raw request.
 */
export interface Actor {
  readonly accountId: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly locale: Locale;
  /** Auditors: the region they audit and its counties (read it through `auditRegion.ts`). */
  readonly audit: AuditRegion | null;
  readonly teacherId: string | null;
  readonly classroomId: string | null;
  /** Teachers and classrooms: the school they belong to. */
  readonly schoolId: string | null;
  /**
   * Coordinators: the communities they manage. Teachers and classrooms: the
   * communities their school has ever belonged to. Admins and auditors: empty
   * (their scope is everything, or a region).
   */
  readonly communityIds: readonly string[];
  readonly csrfToken: string;
  readonly sessionExpiresAt: Date;
}

export const isAdmin = (a: Actor) => a.role === 'admin';
