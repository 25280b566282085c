import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rowsOf } from '../schedule/sqlRows.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every id an audit entry mentions: the parts of its row id and the id values of its columns. */
export function idsOf(entries: readonly { rowId: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[]): string[] {
  const ids = new Set<string>();
  for (const e of entries) {
    for (const part of e.rowId.split('/')) if (UUID.test(part)) ids.add(part.toLowerCase());
    for (const row of [e.before, e.after]) for (const v of Object.values(row ?? {})) if (typeof v === 'string' && UUID.test(v)) ids.add(v.toLowerCase());
  }
  return [...ids];
}

/**
 * The names people know the rows behind `ids` by (an account's or teacher's name, a school,
 * classroom, community or county, a session's or correction's title), so the audit trail
 * reads as names instead of ids. Ids of rows without a name (or gone) are left out.
 */
export async function labelsOf(db: Db, ids: readonly string[]): Promise<Record<string, string>> {
  if (!ids.length) return {};
  const list = sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);
  const rows = await rowsOf<{ id: string; label: string }>(
    db,
    sql`select id::text as id, display_name as label from accounts where id in (${list})
        union all select id::text, name from teachers where id in (${list})
        union all select id::text, name from schools where id in (${list})
        union all select id::text, name from classrooms where id in (${list})
        union all select id::text, name from communities where id in (${list})
        union all select id::text, name from counties where id in (${list})
        union all select id::text, title from live_sessions where id in (${list})
        union all select id::text, title from offline_research where id in (${list})
        union all select id::text, title from quota_corrections where id in (${list})`,
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.label]));
}
