import type { RedisClientType } from 'redis';
import type { NodeLoad } from './placement.ts';

/**
 * The cluster's shared state in Redis, and nothing else: each node's registration
 * (its load, expiring unless renewed: N-NODE-LEASE) and each live lesson's host
 * lease (N-HOST-LEASE). Every change of a lease is one Lua script, so two nodes
 * can never both believe they host a lesson for longer than one lease.
 */
export class ClusterRegistry {
  readonly #redis: RedisClientType;
  readonly #prefix: string;
  readonly nodeId: string;
  readonly leaseMs: number;

  constructor(redis: RedisClientType, options: { prefix: string; nodeId: string; leaseMs: number }) {
    this.#redis = redis;
    this.#prefix = options.prefix;
    this.nodeId = options.nodeId;
    this.leaseMs = options.leaseMs;
  }

  /** Whether Redis answers now (a refused or lost connection: false until the client reconnects by itself). */
  get reachable(): boolean {
    return this.#redis.isReady;
  }

  /** Calls `listener` each time the connection to Redis is ready again. */
  onReachable(listener: () => void): void {
    this.#redis.on('ready', listener);
  }

  #node = (id: string) => `${this.#prefix}node:${id}`;
  #lease = (sessionId: string) => `${this.#prefix}host:${sessionId}`;
  get #members(): string {
    return `${this.#prefix}nodes`;
  }

  /** Registers (or renews) this node with its load. */
  async announce(load: NodeLoad): Promise<void> {
    await this.#redis.multi().set(this.#node(this.nodeId), JSON.stringify(load), { expiration: { type: 'PX', value: this.leaseMs } }).sAdd(this.#members, this.nodeId).exec();
  }

  /** Leaves the cluster at once (an orderly stop: nobody waits for the registration to lapse). */
  async withdraw(): Promise<void> {
    await this.#redis.multi().del(this.#node(this.nodeId)).sRem(this.#members, this.nodeId).exec();
  }

  /** The nodes alive now, with their last reported load (lapsed registrations are forgotten). */
  async nodes(): Promise<NodeLoad[]> {
    const ids = await this.#redis.sMembers(this.#members);
    if (ids.length === 0) return [];
    const values = await this.#redis.mGet(ids.map(this.#node));
    const alive: NodeLoad[] = [];
    const gone: string[] = [];
    values.forEach((v, i) => (v ? alive.push(JSON.parse(v) as NodeLoad) : gone.push(ids[i]!)));
    if (gone.length) await this.#redis.sRem(this.#members, gone);
    return alive;
  }

  /** The node holding a lesson's host lease (null: nobody). */
  holder(sessionId: string): Promise<string | null> {
    return this.#redis.get(this.#lease(sessionId));
  }

  /**
   * Takes a lesson's host lease for this node if it is free, already ours, or held by a
   * node whose registration lapsed (N-FAILOVER); returns the node that holds it after.
   */
  async claim(sessionId: string): Promise<string> {
    const holder = await this.#redis.eval(CLAIM, { keys: [this.#lease(sessionId)], arguments: [this.nodeId, String(this.leaseMs), `${this.#prefix}node:`] });
    return String(holder);
  }

  /** Renews the leases this node holds; returns the lessons whose lease is no longer ours. */
  async renew(sessionIds: readonly string[]): Promise<string[]> {
    const lost: string[] = [];
    await Promise.all(
      sessionIds.map(async (id) => {
        const kept = await this.#redis.eval(RENEW, { keys: [this.#lease(id)], arguments: [this.nodeId, String(this.leaseMs)] });
        if (Number(kept) !== 1) lost.push(id);
      }),
    );
    return lost;
  }

  /** Gives a lesson's lease up (only if it is ours). */
  async release(sessionId: string): Promise<void> {
    await this.#redis.eval(RELEASE, { keys: [this.#lease(sessionId)], arguments: [this.nodeId] });
  }
}

const CLAIM = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. holder) == 1 then return holder end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
