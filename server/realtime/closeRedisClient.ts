import type { createClient } from 'redis';

/** How long a connected client may take to answer QUIT on shutdown before it is dropped. */
const QUIT_ANSWER_MS = 2_000;

/**
 * Closes a node-redis client on shutdown without hanging. A client that is connected says QUIT;
 * one that is not (Redis gone, or the client between two reconnect attempts) is dropped at once:
 * node-redis queues a QUIT on a client that is not ready and stops reconnecting it, so that QUIT
 * would wait for ever, and with it the shutdown of the node.
 */
export async function closeRedisClient(client: Pick<ReturnType<typeof createClient>, 'isOpen' | 'isReady' | 'quit' | 'destroy'>): Promise<void> {
  if (!client.isOpen) return;
  if (!client.isReady) return client.destroy();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), QUIT_ANSWER_MS);
  });
  const answer = await Promise.race([client.quit().catch(() => 'failed' as const), late]).finally(() => clearTimeout(timer));
  // Redis went away just as QUIT was sent: nothing will answer it.
  if (answer === 'late' && client.isOpen) client.destroy();
}
