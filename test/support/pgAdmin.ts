import pg from 'pg';

/**
 * A PostgreSQL server's administration, for the test harness and the benchmarks
 * (no vitest here: `npm run bench` imports it too): a database URL on the same
 * server, and one statement-sized admin connection.
 */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
