import {
  ConsumerNotFoundError,
  InvalidMediaArgumentError,
  MediaError,
  MediaPortsExhaustedError,
  NoRecordingError,
  PeerExistsError,
  PeerNotFoundError,
  ProducerNotFoundError,
  RecordingInProgressError,
  RoomClosedError,
  SourceAlreadyPublishedError,
  TransportNotFoundError,
  WorkerPoolClosedError,
} from '../../media/errors.ts';
import type { NotificationOf, SignalingErrorBody, SignalingErrorCode, SignalingErrorParams } from '../../shared/signaling/protocol.ts';
import { HttpError } from '../http/errors.ts';
import type { Logger } from '../log.ts';

/** A refusal of a signaling request, meant for the caller (the message says what and why). */
export class LiveError extends Error {
  constructor(
    readonly code: SignalingErrorCode,
    message: string,
    readonly params?: SignalingErrorParams,
  ) {
    super(message);
    this.name = 'LiveError';
  }

  /** The acknowledgement that refuses the request. */
  get body(): SignalingErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.params ? { params: this.params } : {}) } };
  }
}

/** A join of a session that is over: refused `not_live` with how it ended (LIVE-REJOIN-ENDED). */
export class SessionOverError extends LiveError {
  constructor(readonly ended: NotificationOf<'sessionEnded'>) {
    super('not_live', `The session has ended (${ended.status})`, { ended });
    this.name = 'SessionOverError';
  }
}

const httpCodes: Partial<Record<string, SignalingErrorCode>> = {
  validation: 'validation',
  not_found: 'not_found',
  forbidden: 'forbidden',
  conflict: 'conflict',
  unauthenticated: 'unauthenticated',
  rate_limited: 'rate_limited',
};

/** Any error → the `{ error }` acknowledgement. Unexpected ones are logged and answered as `internal`. */
export function signalingErrorOf(err: unknown, log: Logger, request: string): SignalingErrorBody {
  const body = (code: SignalingErrorCode, message: string): SignalingErrorBody => ({ error: { code, message } });
  if (err instanceof LiveError) return err.body;
  if (err instanceof HttpError) return body(httpCodes[err.code] ?? 'internal', err.message);
  if (err instanceof MediaError) {
    if (err instanceof InvalidMediaArgumentError) return body('validation', err.message);
    if (err instanceof TransportNotFoundError || err instanceof ProducerNotFoundError || err instanceof ConsumerNotFoundError || err instanceof PeerNotFoundError) {
      return body('not_found', err.message);
    }
    if (err instanceof SourceAlreadyPublishedError || err instanceof RecordingInProgressError || err instanceof PeerExistsError || err instanceof NoRecordingError) {
      return body('conflict', err.message);
    }
    if (err instanceof RoomClosedError) return body('not_live', 'The live room has closed');
    if (err instanceof WorkerPoolClosedError) return body('media_unavailable', 'The media server is shutting down');
    if (err instanceof MediaPortsExhaustedError) return body('media_unavailable', 'This media server has no free port for another connection; try again in a moment');
  }
  log.error({ err, request }, 'live signaling request failed');
  return body('internal', 'Something went wrong on the server; try again');
}
