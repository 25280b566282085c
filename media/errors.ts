/**
 * Errors of the media plane. Each names what was wrong so server/live can map it
 * to a reply without parsing messages: a `…NotFoundError` is a stale or foreign
 * id from a client (404-like), `InvalidMediaArgumentError` a malformed request
 * (400-like), `SourceAlreadyPublishedError` / `RecordingInProgressError` a
 * conflict (409-like), `RoomClosedError` / `WorkerPoolClosedError` a request that
 * arrived after shutdown. Anything else thrown by media/ is a bug or a worker
 * failure.
 */
export abstract class MediaError extends Error {
  /** Stable machine-readable code, e.g. for a signaling error reply. */
  abstract readonly code: string;
}

export class InvalidMediaArgumentError extends MediaError {
  readonly code = 'invalid-argument';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidMediaArgumentError';
  }
}

export class RoomClosedError extends MediaError {
  readonly code = 'room-closed';
  constructor(readonly roomId: string) {
    super(`room ${roomId} is closed`);
    this.name = 'RoomClosedError';
  }
}

export class RoomExistsError extends MediaError {
  readonly code = 'room-exists';
  constructor(readonly roomId: string) {
    super(`room ${roomId} already exists`);
    this.name = 'RoomExistsError';
  }
}

export class RoomNotFoundError extends MediaError {
  readonly code = 'room-not-found';
  constructor(readonly roomId: string) {
    super(`room ${roomId} not found`);
    this.name = 'RoomNotFoundError';
  }
}

export class PeerNotFoundError extends MediaError {
  readonly code = 'peer-not-found';
  constructor(readonly peerId: string) {
    super(`peer ${peerId} not found`);
    this.name = 'PeerNotFoundError';
  }
}

export class PeerExistsError extends MediaError {
  readonly code = 'peer-exists';
  constructor(readonly peerId: string) {
    super(`peer ${peerId} already joined`);
    this.name = 'PeerExistsError';
  }
}

export class TransportNotFoundError extends MediaError {
  readonly code = 'transport-not-found';
  constructor(readonly transportId: string) {
    super(`transport ${transportId} not found`);
    this.name = 'TransportNotFoundError';
  }
}

export class ProducerNotFoundError extends MediaError {
  readonly code = 'producer-not-found';
  constructor(readonly producerId: string) {
    super(`producer ${producerId} not found`);
    this.name = 'ProducerNotFoundError';
  }
}

export class ConsumerNotFoundError extends MediaError {
  readonly code = 'consumer-not-found';
  constructor(readonly consumerId: string) {
    super(`consumer ${consumerId} not found`);
    this.name = 'ConsumerNotFoundError';
  }
}

/** A peer publishes at most one producer per source (one camera, one microphone…). */
export class SourceAlreadyPublishedError extends MediaError {
  readonly code = 'source-already-published';
  constructor(
    readonly peerId: string,
    readonly source: string,
    readonly producerId: string,
  ) {
    super(`peer ${peerId} already publishes ${source} (producer ${producerId})`);
    this.name = 'SourceAlreadyPublishedError';
  }
}

export class RecordingInProgressError extends MediaError {
  readonly code = 'recording-in-progress';
  constructor(readonly path: string) {
    super(`a recording is already running (${path})`);
    this.name = 'RecordingInProgressError';
  }
}

export class NoRecordingError extends MediaError {
  readonly code = 'no-recording';
  constructor(readonly roomId: string) {
    super(`room ${roomId} is not recording`);
    this.name = 'NoRecordingError';
  }
}

export class WorkerPoolClosedError extends MediaError {
  readonly code = 'worker-pool-closed';
  constructor() {
    super('the worker pool is closed');
    this.name = 'WorkerPoolClosedError';
  }
}

/** The worker found no free port in the node's RTC range for another transport (MEDIA_RTC_MIN_PORT–MAX_PORT). */
export class MediaPortsExhaustedError extends MediaError {
  readonly code = 'ports-exhausted';
  constructor(options?: { cause?: unknown }) {
    super('no free port is left in the media server’s RTC port range', options);
    this.name = 'MediaPortsExhaustedError';
  }
}

/**
 * Runs a transport's creation; the worker's "no more available ports" becomes
 * MediaPortsExhaustedError (a full node, not a bug: the caller can be told so).
 */
export async function creatingTransport<T>(create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (err) {
    if (err instanceof Error && /no more available ports/i.test(err.message)) throw new MediaPortsExhaustedError({ cause: err });
    throw err;
  }
}
