import { createClient } from 'redis';
import { closeRedisClient } from '../realtime/closeRedisClient.ts';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';

// One round trip: count the hit, start the window on the first one, answer the count and the time left.
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { hits, ttl }`;

/**
 * express-rate-limit counts kept in Redis, so several server processes behind a load
 * balancer count one client's attempts together (a per-process count multiplies the limit).
 */
export class RedisRateLimitStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  private readonly client: ReturnType<typeof createClient>;
  private readonly ready: Promise<unknown>;
  private windowMs = 60_000;

  constructor(url: string, prefix: string) {
    this.prefix = prefix;
    this.client = createClient({ url });
    this.client.on('error', () => {}); // reconnects by itself; a failed command surfaces where it was issued
    this.ready = this.client.connect();
    // Shut down before Redis ever answered: the attempt ends there, and nobody waits for it.
    this.ready.catch(() => undefined);
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private key(key: string) {
    return `${this.prefix}${key}`;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    await this.ready;
    const k = this.key(key);
    const [hits, ttl] = await Promise.all([this.client.get(k), this.client.pTTL(k)]);
    if (hits === null) return undefined;
    return { totalHits: Number(hits), resetTime: ttl > 0 ? new Date(Date.now() + ttl) : undefined };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    await this.ready;
    const [hits, ttl] = (await this.client.eval(INCREMENT, { keys: [this.key(key)], arguments: [String(this.windowMs)] })) as [number, number];
    return { totalHits: Number(hits), resetTime: new Date(Date.now() + Number(ttl)) };
  }

  async decrement(key: string): Promise<void> {
    await this.ready;
    await this.client.decr(this.key(key));
  }

  async resetKey(key: string): Promise<void> {
    await this.ready;
    await this.client.del(this.key(key));
  }

  async shutdown(): Promise<void> {
    await closeRedisClient(this.client);
  }
}
