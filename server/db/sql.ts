import { getTableName, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * A column written with its table name. Drizzle leaves columns unqualified in
 * single-table selects, and inside a correlated subquery an unqualified "id"
 * silently binds to the inner table — so correlated subqueries use this.
 */
export const qualified = (column: AnyPgColumn) => sql.raw(`"${getTableName(column.table)}"."${column.name}"`);
