import { sql } from 'drizzle-orm';
import type { QuotaEvidence } from '../../shared/schemas/quotas.ts';
import type { Actor } from '../accounts/actor.ts';
import { NotFoundError } from '../http/errors.ts';
import { listCorrections } from './corrections.ts';
import { rowsOf } from './facts.ts';
import { communityInfo, type QuotaContext } from './service.ts';

/**
 * Everything behind one counted item, for the evidence page: a session's evidence
 * intervals (who, what, from when to when), its verdict with the rule IDs and figures,
 * recordings, status history; offline research's minutes and files; a correction's
 * reason and files. Visible to whoever may see the item's community (else 404).
 */
const iso = (d: unknown) => (d === null || d === undefined ? null : new Date(d as string).toISOString());
const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

export async function itemEvidence(ctx: QuotaContext, actor: Actor, kind: QuotaEvidence['kind'], id: string): Promise<QuotaEvidence> {
  const db = ctx.db;
  const table = { session: 'live_sessions', offline_research: 'offline_research', correction: 'quota_corrections' }[kind];
  const [owner] = await rowsOf<{ communityId: string }>(db, sql`select community_id as "communityId" from ${sql.identifier(table)} where id = ${id}::uuid`);
  if (!owner) throw new NotFoundError('Item');
  const ci = await communityInfo(db, actor, owner.communityId).catch(() => {
    throw new NotFoundError('Item');
  });
  const base = { kind, id, communityId: ci.id, communityName: ci.name, session: null, offlineResearch: null, correction: null };

  if (kind === 'session') {
    const [s] = await rowsOf<{ kind: string; title: string; status: string; startsAt: string; endsAt: string; timeZone: string; subjectCode: string | null; mode: string | null; on: string; host: string | null }>(
      db,
      sql`select s.kind, s.title, s.status, s.starts_at as "startsAt", s.ends_at as "endsAt", s.time_zone as "timeZone", s.subject_code as "subjectCode", s.mode,
                 (s.starts_at at time zone s.time_zone)::date::text as "on",
                 (select t.name from session_teachers st join teachers t on t.id = st.teacher_id where st.session_id = s.id and st.role = 'host') as host
            from live_sessions s where s.id = ${id}::uuid`,
    );
    const [classrooms, intervals, verdicts, recordings, history] = await Promise.all([
      rowsOf<{ id: string; name: string; schoolId: string; schoolName: string; role: string; attended: boolean }>(
        db,
        sql`select c.id, c.name, sc2.id as "schoolId", sc2.name as "schoolName", sc.role,
                   exists (select 1 from quota_lesson_attendance a where a.session_id = sc.session_id and a.classroom_id = c.id) as attended
              from session_classrooms sc join classrooms c on c.id = sc.classroom_id join schools sc2 on sc2.id = c.school_id
             where sc.session_id = ${id}::uuid order by sc.role, sc2.name, c.name`,
      ),
      rowsOf<{ id: string; kind: string; role: string; who: string; source: string | null; direction: string | null; fromRole: string | null; startedAt: string; endedAt: string | null; endReason: string | null }>(
        db,
        sql`select i.id, i.kind, i.role, coalesce(cl.name || ' · ' || sch.name, a.display_name) as who, i.source, i.direction, i.from_role as "fromRole",
                   i.started_at as "startedAt", i.ended_at as "endedAt", i.end_reason as "endReason"
              from live_evidence_intervals i join accounts a on a.id = i.account_id
              left join classrooms cl on cl.id = i.classroom_id left join schools sch on sch.id = cl.school_id
             where i.session_id = ${id}::uuid order by i.started_at, i.id limit 5000`,
      ),
      rowsOf<{ status: string; reason: string | null; outcomes: unknown; endedAt: string; endCause: string; evaluatedAt: string }>(
        db,
        sql`select status, reason, outcomes, ended_at as "endedAt", end_cause as "endCause", evaluated_at as "evaluatedAt" from live_session_verdicts where session_id = ${id}::uuid`,
      ),
      rowsOf<{ id: string; status: string; startedAt: string; endedAt: string | null; sizeBytes: string | number | null }>(
        db,
        sql`select id, status, started_at as "startedAt", ended_at as "endedAt", size_bytes as "sizeBytes" from live_recordings where session_id = ${id}::uuid order by started_at`,
      ),
      rowsOf<{ from: string | null; to: string; reason: string | null; by: string; at: string }>(
        db,
        sql`select h.from_status as "from", h.to_status as "to", h.reason, coalesce(a.display_name, h.system_source, 'system') as by, h.at
              from session_status_history h left join accounts a on a.id = h.actor_account_id where h.session_id = ${id}::uuid order by h.at, h.id`,
      ),
    ]);
    const v = verdicts[0];
    const parse = <T>(x: unknown): T => (typeof x === 'string' ? JSON.parse(x) : x) as T;
    return {
      ...base,
      title: s!.title,
      on: day(s!.on),
      subjectCode: s!.subjectCode,
      mode: s!.mode,
      session: {
        kind: s!.kind,
        status: s!.status,
        startsAt: iso(s!.startsAt)!,
        endsAt: iso(s!.endsAt)!,
        timeZone: s!.timeZone,
        hostTeacher: s!.host,
        classrooms,
        intervals: intervals.map((i) => ({ ...i, startedAt: iso(i.startedAt)!, endedAt: iso(i.endedAt) })),
        verdict: v ? { status: v.status, reason: v.reason, outcomes: parse(v.outcomes), endedAt: iso(v.endedAt)!, endCause: v.endCause, evaluatedAt: iso(v.evaluatedAt)! } : null,
        recordings: recordings.map((r) => ({ id: r.id, status: r.status, startedAt: iso(r.startedAt)!, endedAt: iso(r.endedAt), sizeBytes: r.sizeBytes === null ? null : Number(r.sizeBytes), url: `/api/live/recordings/${r.id}/file` })),
        history: history.map((h) => ({ ...h, at: iso(h.at)! })),
      },
    };
  }

  if (kind === 'offline_research') {
    const [o] = await rowsOf<{ title: string; heldOn: string; place: string; status: string; minutes: string; confirmedAt: string | null; confirmedBy: string | null }>(
      db,
      sql`select o.title, o.held_on::text as "heldOn", o.place, o.status, o.minutes, o.confirmed_at as "confirmedAt", a.display_name as "confirmedBy"
            from offline_research o left join accounts a on a.id = o.confirmed_by where o.id = ${id}::uuid`,
    );
    const [schools, files] = await Promise.all([
      rowsOf<{ name: string }>(db, sql`select s.name from offline_research_schools x join schools s on s.id = x.school_id where x.research_id = ${id}::uuid order by s.name`),
      rowsOf<{ id: string; fileName: string; contentType: string; sizeBytes: number; uploadedAt: string }>(
        db,
        sql`select id, file_name as "fileName", content_type as "contentType", size_bytes as "sizeBytes", uploaded_at as "uploadedAt" from offline_research_attachments where research_id = ${id}::uuid order by uploaded_at`,
      ),
    ]);
    return {
      ...base,
      title: o!.title,
      on: day(o!.heldOn),
      subjectCode: null,
      mode: null,
      offlineResearch: {
        place: o!.place,
        status: o!.status,
        minutes: o!.minutes,
        confirmedAt: iso(o!.confirmedAt),
        confirmedBy: o!.confirmedBy,
        schools: schools.map((s) => s.name),
        attachments: files.map((f) => ({ ...f, uploadedAt: iso(f.uploadedAt)!, url: `/api/offline-research/${id}/attachments/${f.id}` })),
      },
    };
  }

  const [c] = (await listCorrections(db, actor, { communityId: ci.id })).filter((x) => x.id === id);
  if (!c) throw new NotFoundError('Item');
  return {
    ...base,
    title: c.title,
    on: c.heldOn,
    subjectCode: c.subjectCode,
    mode: c.mode,
    correction: {
      reason: c.reason,
      createdBy: c.createdBy,
      createdAt: c.createdAt,
      schools: c.schools.map((s) => s.name),
      attachments: c.attachments.map((a) => ({ ...a, url: `/api/quota-corrections/${id}/attachments/${a.id}` })),
    },
  };
}
