import { sql } from 'drizzle-orm';
import type { Server as IoServer } from 'socket.io';
import { REMINDER_EVENT, REMINDER_WITHDRAWN_EVENT, type Reminder, type ReminderWithdrawn } from '../../shared/schemas/schedule.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../log.ts';
import { rooms } from '../realtime/io.ts';
import { rowsOf } from './sqlRows.ts';

export interface ReminderSchedulerOptions {
  db: Db;
  io: Pick<IoServer, 'to'>;
  /** Minutes before the start the "upcoming" notice goes out (SCHEDULE_REMINDER_MINUTES). */
  leadMinutes: number;
  /** The clock; tests inject one instead of waiting. */
  now?: () => Date;
  log?: Pick<Logger, 'error' | 'debug'>;
}

interface DueRow extends Record<string, unknown> {
  session_id: string;
  kind: 'upcoming' | 'start';
  title: string;
  session_kind: Reminder['sessionKind'];
  starts_at: string | Date;
  ends_at: string | Date;
  time_zone: string;
}

/** The accounts reminded of each session: its teachers' and its classroom terminals'. */
async function reminderRecipients(db: Db, sessionIds: string[]): Promise<Map<string, string[]>> {
  if (sessionIds.length === 0) return new Map();
  const ids = sql.join(sessionIds.map((id) => sql`${id}::uuid`), sql`, `);
  const rows = await rowsOf<{ session_id: string; account_id: string }>(db, sql`
    select st.session_id, a.id as account_id from session_teachers st join accounts a on a.teacher_id = st.teacher_id and not a.disabled where st.session_id in (${ids})
    union
    select sc.session_id, a.id from session_classrooms sc join accounts a on a.classroom_id = sc.classroom_id and not a.disabled where sc.session_id in (${ids})`);
  const map = new Map<string, string[]>();
  for (const r of rows) map.set(r.session_id, [...(map.get(r.session_id) ?? []), r.account_id]);
  return map;
}

/** Takes down the notices of a session that ended: nobody is asked to join it any more. */
export async function withdrawReminders(db: Db, io: Pick<IoServer, 'to'>, sessionId: string): Promise<void> {
  const accounts = (await reminderRecipients(db, [sessionId])).get(sessionId) ?? [];
  const body: ReminderWithdrawn = { sessionId };
  if (accounts.length) io.to(accounts.map(rooms.account)).emit(REMINDER_WITHDRAWN_EVENT, body);
}

/**
 * Sends each session's two notices — "starts in N minutes" and "join now" — to the
 * `account:<id>` rooms of its teachers and classroom terminals. Sending is claimed
 * first with an insert into `reminders_sent` (primary key: session, kind, start time),
 * so a restart, a slow tick or a second server process never sends one twice; a
 * moved session has a new start time and is reminded again.
 */
export function createReminderScheduler(options: ReminderSchedulerOptions) {
  const { db, io, leadMinutes } = options;
  const now = options.now ?? (() => new Date());
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<Reminder[]> | null = null;

  async function claimDue(at: Date): Promise<DueRow[]> {
    const atIso = at.toISOString();
    return rowsOf<DueRow>(db, sql`
      with due as (
        select s.id, s.title, s.kind as session_kind, s.starts_at, s.ends_at, s.time_zone,
               case when s.starts_at > ${atIso}::timestamptz then 'upcoming' else 'start' end as kind
          from live_sessions s
         where s.status in ('scheduled', 'live')
           and s.starts_at <= ${atIso}::timestamptz + make_interval(mins => ${leadMinutes})
           and s.ends_at > ${atIso}::timestamptz
      ), claimed as (
        insert into reminders_sent (session_id, kind, starts_at)
        select id, kind, starts_at from due
        on conflict do nothing
        returning session_id, kind
      )
      select c.session_id, c.kind, d.title, d.session_kind, d.starts_at, d.ends_at, d.time_zone
        from claimed c join due d on d.id = c.session_id and d.kind = c.kind`);
  }

  /**
   * Notices already on screens for a session that was since cancelled, or moved to another
   * start: claimed once (withdrawn_at) and taken down. Only notices of the last day are
   * still on a screen.
   */
  async function withdrawStale(at: Date): Promise<void> {
    const atIso = at.toISOString();
    const stale = await rowsOf<{ session_id: string }>(db, sql`
      update reminders_sent r set withdrawn_at = ${atIso}::timestamptz
        from live_sessions s
       where s.id = r.session_id and r.withdrawn_at is null
         and r.starts_at > ${atIso}::timestamptz - interval '1 day'
         and (s.status = 'cancelled' or s.starts_at <> r.starts_at)
      returning r.session_id`);
    for (const sessionId of new Set(stale.map((r) => r.session_id))) await withdrawReminders(db, io, sessionId);
  }

  /** One pass: withdraws stale notices, claims what is due at the clock's now, emits it, returns what it sent. */
  async function tickOnce(): Promise<Reminder[]> {
    const at = now();
    await withdrawStale(at);
    const due = await claimDue(at);
    const people = await reminderRecipients(db, [...new Set(due.map((d) => d.session_id))]);
    const sent: Reminder[] = [];
    for (const d of due) {
      const startsAt = new Date(d.starts_at);
      const reminder: Reminder = {
        sessionId: d.session_id,
        kind: d.kind,
        title: d.title,
        sessionKind: d.session_kind,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(d.ends_at).toISOString(),
        timeZone: d.time_zone,
        minutesBefore: Math.max(0, Math.round((startsAt.getTime() - at.getTime()) / 60_000)),
      };
      const accountRooms = (people.get(d.session_id) ?? []).map(rooms.account);
      if (accountRooms.length) io.to(accountRooms).emit(REMINDER_EVENT, reminder);
      sent.push(reminder);
    }
    return sent;
  }

  /** Runs a pass unless one is still running (then waits for that one). */
  function tick(): Promise<Reminder[]> {
    running ??= tickOnce().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    tick,
    start(intervalMs: number) {
      if (timer) return;
      timer = setInterval(() => {
        tick().catch((err: unknown) => options.log?.error({ err }, 'reminder tick failed'));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}

export type ReminderScheduler = ReturnType<typeof createReminderScheduler>;
