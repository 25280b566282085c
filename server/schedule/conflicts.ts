import { sql } from 'drizzle-orm';
import type { ConflictDetail } from '../../shared/schemas/errors.ts';
import { toZoned } from '../../shared/schedule/time.ts';
import type { Actor } from '../accounts/actor.ts';
import { communityAccess } from '../accounts/scope.ts';
import type { Db } from '../db/client.ts';
import { ConflictError } from '../http/errors.ts';
import { rowsOf } from './sqlRows.ts';

export const BOOKING_CONSTRAINT = 'session_bookings_no_overlap';

export interface Resources {
  teacherIds: readonly string[];
  classroomIds: readonly string[];
}

interface ClashRow extends Record<string, unknown> {
  session_id: string;
  title: string;
  starts_at: string | Date;
  ends_at: string | Date;
  time_zone: string;
  community_id: string;
  county_id: string;
  resource_kind: 'teacher' | 'classroom';
  resource_name: string;
  school_name: string;
}

const uuidList = (ids: readonly string[]) => sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);

/**
 * The active bookings of these teachers and classrooms that overlap any of the
 * time ranges — the rows the exclusion constraint would (or did) collide with —
 * described for people: what, when, who. A clash in a community the actor may not
 * see is named without its title.
 */
export async function findClashes(
  db: Db,
  actor: Actor,
  ranges: readonly { startsAt: Date; endsAt: Date }[],
  resources: Resources,
  excludeSessionIds: readonly string[] = [],
  limit = 20,
): Promise<ConflictDetail[]> {
  if (ranges.length === 0 || resources.teacherIds.length + resources.classroomIds.length === 0) return [];
  const who = [
    ...(resources.teacherIds.length ? [sql`(b.resource_kind = 'teacher' and b.resource_id in (${uuidList(resources.teacherIds)}))`] : []),
    ...(resources.classroomIds.length ? [sql`(b.resource_kind = 'classroom' and b.resource_id in (${uuidList(resources.classroomIds)}))`] : []),
  ];
  const when = ranges.map((r) => sql`b.during && tstzrange(${r.startsAt.toISOString()}::timestamptz, ${r.endsAt.toISOString()}::timestamptz, '[)')`);
  const notSelf = excludeSessionIds.length ? sql`and b.session_id not in (${uuidList(excludeSessionIds)})` : sql``;
  const rows = await rowsOf<ClashRow>(db, sql`
    select s.id as session_id, s.title, s.starts_at, s.ends_at, s.time_zone, s.community_id, c.county_id, b.resource_kind,
           coalesce(t.name, cl.name) as resource_name, sch.name as school_name
      from session_bookings b
      join live_sessions s on s.id = b.session_id
      join communities c on c.id = s.community_id
      left join teachers t on b.resource_kind = 'teacher' and t.id = b.resource_id
      left join classrooms cl on b.resource_kind = 'classroom' and cl.id = b.resource_id
      left join schools sch on sch.id = coalesce(t.school_id, cl.school_id)
     where b.active and (${sql.join(who, sql` or `)}) and (${sql.join(when, sql` or `)}) ${notSelf}
     order by s.starts_at, b.resource_kind desc, resource_name
     limit ${limit}`);
  return rows.map((r) => describeClash(actor, r));
}

function describeClash(actor: Actor, r: ClashRow): ConflictDetail {
  const visible = communityAccess(actor, { id: r.community_id, countyId: r.county_id }) !== 'none';
  const startsAt = new Date(r.starts_at);
  const endsAt = new Date(r.ends_at);
  const from = toZoned(startsAt, r.time_zone);
  const to = toZoned(endsAt, r.time_zone);
  const span = `${from.date} ${from.time}–${to.date === from.date ? '' : `${to.date} `}${to.time}`;
  const who = r.school_name ? `${r.resource_name}（${r.school_name}）` : r.resource_name;
  const en = actor.locale === 'en';
  const what = visible ? (en ? `"${r.title}"` : `《${r.title}》`) : en ? 'a session of another community' : '其他教共体的活动';
  const description = r.resource_kind === 'teacher'
    ? en ? `${who} is already in ${what} at ${span}` : `${who} 在 ${span} 已有安排：${what}`
    : en ? `Classroom ${who} is already booked for ${what} at ${span}` : `教室 ${who} 在 ${span} 已被占用：${what}`;
  return {
    kind: r.resource_kind === 'teacher' ? 'teacher_busy' : 'classroom_busy',
    ...(visible ? { id: r.session_id, title: r.title } : {}),
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    who,
    description,
  };
}

/** The 409 for a write the database refused: names the first clash found. */
export async function clashError(db: Db, actor: Actor, ranges: readonly { startsAt: Date; endsAt: Date }[], resources: Resources, excludeSessionIds: readonly string[] = []): Promise<ConflictError> {
  const [first] = await findClashes(db, actor, ranges, resources, excludeSessionIds, 1);
  return new ConflictError(first ?? { kind: 'booking', description: actor.locale === 'en' ? 'A teacher or classroom is already booked at that time' : '教师或教室在该时段已有安排' });
}
