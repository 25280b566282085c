import os from 'node:os';
import type { types } from 'mediasoup';
import { InvalidMediaArgumentError, RoomExistsError, RoomNotFoundError, WorkerPoolClosedError } from './errors.ts';
import { Room } from './Room.ts';
import { TypedEmitter } from './TypedEmitter.ts';
import type { IceServer, MediaLogger, RoomOptions } from './types.ts';
import { WorkerPool, type WorkerInfo } from './WorkerPool.ts';

/**
 * Shaped like server/config.ts `config.media`, so the server passes that object
 * as it is (plus room defaults if it wants other ones).
 */
export interface MediaServiceOptions {
  /** Worker count; default one per core. */
  readonly workers?: number;
  readonly listenIp?: string;
  readonly announcedAddress?: string | undefined;
  readonly rtcMinPort?: number;
  readonly rtcMaxPort?: number;
  /** One WebRtcServer per worker on this port (+ worker slot) instead of a port per transport. */
  readonly webRtcServerPort?: number;
  readonly logLevel?: types.WorkerLogLevel;
  readonly iceServers?: readonly IceServer[];
  /** Defaults for every room created through createRoom(). */
  readonly roomDefaults?: Omit<RoomOptions, 'roomId'>;
  readonly logger?: MediaLogger;
}

export interface MediaServiceEvents extends Record<string, unknown[]> {
  roomcreated: [room: Room];
  roomclosed: [roomId: string];
  /** A worker died and was replaced; its rooms rebuild themselves (each emits `rebuilt`). */
  workerdied: [deadPid: number, replacementPid: number, error: Error];
}

/**
 * The media plane as the server sees it: a WorkerPool configured from
 * `config.media`, and the open rooms by id (one per live session).
 */
export class MediaService extends TypedEmitter<MediaServiceEvents> {
  readonly pool: WorkerPool;
  readonly #rooms = new Map<string, Room>();
  readonly #creating = new Map<string, Promise<Room>>();
  readonly #roomDefaults: Omit<RoomOptions, 'roomId'>;
  readonly #logger: MediaLogger | undefined;
  #closed = false;

  private constructor(pool: WorkerPool, options: MediaServiceOptions) {
    super();
    this.pool = pool;
    this.#roomDefaults = options.roomDefaults ?? {};
    this.#logger = options.logger;
    pool.on('workerdied', (dead, replacement, error) => {
      this.#logger?.error({ deadPid: dead.pid, newPid: replacement.pid, err: error }, 'mediasoup worker died and was replaced');
      this.emit('workerdied', dead.pid, replacement.pid, error);
    });
  }

  static async create(options: MediaServiceOptions = {}): Promise<MediaService> {
    const size = options.workers ?? os.availableParallelism();
    if (!Number.isInteger(size) || size < 1) throw new InvalidMediaArgumentError(`workers must be a positive integer (got ${String(options.workers)})`);
    const pool = await WorkerPool.create({
      size,
      logLevel: options.logLevel ?? 'warn',
      network: {
        ...(options.listenIp ? { listenIp: options.listenIp } : {}),
        ...(options.announcedAddress ? { announcedAddress: options.announcedAddress } : {}),
        ...(options.rtcMinPort !== undefined ? { rtcMinPort: options.rtcMinPort } : {}),
        ...(options.rtcMaxPort !== undefined ? { rtcMaxPort: options.rtcMaxPort } : {}),
        ...(options.webRtcServerPort !== undefined ? { webRtcServerPort: options.webRtcServerPort } : {}),
        iceServers: options.iceServers ?? [],
      },
    });
    return new MediaService(pool, options);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get iceServers(): readonly IceServer[] {
    return this.pool.network.iceServers;
  }

  get rooms(): Room[] {
    return [...this.#rooms.values()];
  }

  /** Opens the room of a live session. RoomExistsError if it is open already (see getOrCreateRoom). */
  async createRoom(options: RoomOptions): Promise<Room> {
    if (this.#closed) throw new WorkerPoolClosedError();
    if (!options || typeof options.roomId !== 'string' || options.roomId === '') throw new InvalidMediaArgumentError('roomId must be a non-empty string');
    const { roomId } = options;
    if (this.#rooms.has(roomId) || this.#creating.has(roomId)) throw new RoomExistsError(roomId);
    const creating = Room.create(this.pool, { ...this.#roomDefaults, ...(this.#logger ? { logger: this.#logger } : {}), ...options });
    this.#creating.set(roomId, creating);
    try {
      const room = await creating;
      this.#rooms.set(roomId, room);
      room.on('closed', () => {
        if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId);
        this.emit('roomclosed', roomId);
      });
      this.emit('roomcreated', room);
      return room;
    } finally {
      this.#creating.delete(roomId);
    }
  }

  /** The open room, or a new one (concurrent callers get the same room). */
  async getOrCreateRoom(options: RoomOptions): Promise<Room> {
    const open = this.#rooms.get(options?.roomId);
    if (open) return open;
    const creating = this.#creating.get(options?.roomId);
    if (creating) return creating;
    return this.createRoom(options);
  }

  findRoom(roomId: string): Room | undefined {
    return this.#rooms.get(roomId);
  }

  getRoom(roomId: string): Room {
    const room = this.#rooms.get(roomId);
    if (!room) throw new RoomNotFoundError(roomId);
    return room;
  }

  info(): Promise<WorkerInfo[]> {
    return this.pool.info();
  }

  /** Closes every room (recordings are finalised), then the workers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#creating.values()]);
    await Promise.all([...this.#rooms.values()].map((room) => room.close()));
    this.#rooms.clear();
    this.pool.close();
    this.removeAllListeners();
  }
}
