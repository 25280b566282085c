import type { RedisClientType } from 'redis';
import type { NodeLoad } from './placement.ts';

/** The pub/sub channel a node's SignalingRelay listens on; no listener means the node is gone (N-NODE-GONE). */
export const relayChannel = (prefix: string, nodeId: string): string => `${prefix}relay:${nodeId}`;

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
  /** What the lists show of a hosted lesson's room, kept with its lease (N-LIVE-LIST). */
  #room = (sessionId: string) => `${this.#prefix}room:${sessionId}`;
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

  /**
   * The nodes alive now, with their last reported load. Lapsed registrations are forgotten, and so is
   * a node nobody listens for any more (N-NODE-GONE): a killed process's connections close at once,
   * so its relay channel loses its subscriber long before its registration would lapse.
   */
  async nodes(): Promise<NodeLoad[]> {
    const values = (await this.#redis.eval(ALIVE, { keys: [this.#members], arguments: [this.#prefix] })) as string[];
    return values.map((v) => JSON.parse(v) as NodeLoad);
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
    const holder = await this.#redis.eval(CLAIM, { keys: [this.#lease(sessionId)], arguments: [this.nodeId, String(this.leaseMs), this.#prefix] });
    return String(holder);
  }

  /**
   * Renews the leases this node holds, and with each the summary of its room when one is given
   * (N-LIVE-LIST: written only while the lease is ours, lapsing with it); returns the lessons whose
   * lease is no longer ours.
   */
  async renew(sessionIds: readonly string[], rooms: ReadonlyMap<string, string> = new Map()): Promise<string[]> {
    const lost: string[] = [];
    await Promise.all(
      sessionIds.map(async (id) => {
        const room = rooms.get(id);
        const kept = await this.#redis.eval(RENEW, { keys: [this.#lease(id), this.#room(id)], arguments: [this.nodeId, String(this.leaseMs), ...(room ? [room] : [])] });
        if (Number(kept) !== 1) lost.push(id);
      }),
    );
    return lost;
  }

  /** Gives a lesson's lease up (only if it is ours), and its room's summary with it. */
  async release(sessionId: string): Promise<void> {
    await this.#redis.eval(RELEASE, { keys: [this.#lease(sessionId), this.#room(sessionId)], arguments: [this.nodeId] });
  }

  /** The room summaries the lessons' hosts last wrote (N-LIVE-LIST), by session; a lesson with none is left out. */
  async rooms(sessionIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (sessionIds.length === 0) return out;
    const values = await this.#redis.mGet(sessionIds.map((id) => this.#room(id)));
    values.forEach((v, i) => {
      if (typeof v === 'string') out.set(sessionIds[i]!, v);
    });
    return out;
  }
}

/** A node is alive while registered and listening on its relay channel (N-NODE-LEASE, N-NODE-GONE). */
const LISTENING = `
local function listening(prefix, id)
  return redis.call('PUBSUB', 'NUMSUB', prefix .. 'relay:' .. id)[2] > 0
end`;

const ALIVE = `${LISTENING}
local alive = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local load = redis.call('GET', ARGV[1] .. 'node:' .. id)
  if load and listening(ARGV[1], id) then
    table.insert(alive, load)
  else
    redis.call('DEL', ARGV[1] .. 'node:' .. id)
    redis.call('SREM', KEYS[1], id)
  end
end
return alive`;

const CLAIM = `${LISTENING}
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. 'node:' .. holder) == 1 and listening(ARGV[3], holder) then return holder end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  if ARGV[3] then redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2]) end
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
  return redis.call('DEL', KEYS[1])
end
return 0`;
