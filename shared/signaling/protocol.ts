import { z } from 'zod';
import { type liveBroadcasts, liveNotifications, liveRequests } from './live.ts';

/**
 * How the signaling table travels over Socket.IO (default namespace, session
 * cookie auth of server/realtime/io.ts):
 * - a request `name` is the event `live:<name>` with the request object and an
 *   acknowledgement callback; the server acknowledges with the response object
 *   or with `{ error: { code, message } }` (no response has a top-level `error`);
 * - a notification `name` is the event `live:<name>` from the server, with its object.
 * Both ends validate with the table's schemas.
 */

export const SignalingErrorCode = z.enum([
  /** The request does not match the table (the message names the fields). */
  'validation',
  'unauthenticated',
  /** Not a participant of this session, or the role may not do this (the message says which). */
  'forbidden',
  'not_found',
  /**
   * The session is not live (not started, ended, cancelled) or cannot start now. A session that
   * is over says how it ended (`params.ended`, its verdict as `sessionEnded` tells it): a
   * participant whose join again is refused so ends as one told `sessionEnded` (LIVE-REJOIN-ENDED).
   */
  'not_live',
  /** A join the page made by itself (`auto`) by a teacher: the teacher passes the pre-join check first. */
  'prejoin',
  /** A request that needs `join` first (or the peer was removed). */
  'not_joined',
  'conflict',
  /** The host muted this classroom's microphone. */
  'muted_by_host',
  /** No media worker (the server runs without media, or the room is rebuilding). */
  'media_unavailable',
  /** The app nodes cannot reach their shared state (Redis): lessons already running go on, nothing new is placed. */
  'cluster_unavailable',
  /**
   * The host put on stage a participant following the lesson on an edge node (server/cluster
   * N-EDGE-STAGE): only receivers are placed there, and nothing of theirs is sent back to the host.
   */
  'edge_stage_unsupported',
  /** Too many of this request from one participant in a short time (chat, board strokes): wait a moment. */
  'rate_limited',
  'internal',
]);
export type SignalingErrorCode = z.infer<typeof SignalingErrorCode>;

/** What a refusal carries besides its code, for the client to word and act on. */
export const SignalingErrorParams = z.object({
  /** `not_live`: the session is over, and this is how it ended. */
  ended: liveNotifications.sessionEnded.optional(),
});
export type SignalingErrorParams = z.infer<typeof SignalingErrorParams>;

export const SignalingErrorBody = z.object({ error: z.object({ code: SignalingErrorCode, message: z.string(), params: SignalingErrorParams.optional() }) });
export type SignalingErrorBody = z.infer<typeof SignalingErrorBody>;

export type LiveRequests = typeof liveRequests;
export type RequestName = keyof LiveRequests;
/** What a client sends (before defaults). */
export type RequestOf<N extends RequestName> = z.input<LiveRequests[N]['request']>;
/** What a server handler receives (parsed, defaults applied). */
export type ParsedRequestOf<N extends RequestName> = z.output<LiveRequests[N]['request']>;
export type ResponseOf<N extends RequestName> = z.output<LiveRequests[N]['response']>;
export type Ack<N extends RequestName> = ResponseOf<N> | SignalingErrorBody;

export type LiveNotifications = typeof liveNotifications;
export type NotificationName = keyof LiveNotifications;
export type NotificationOf<N extends NotificationName> = z.output<LiveNotifications[N]>;

export type BroadcastName = keyof typeof liveBroadcasts;
export type BroadcastOf<N extends BroadcastName> = z.output<(typeof liveBroadcasts)[N]>;

export const EVENT_PREFIX = 'live:';
export const requestEvent = (name: RequestName) => `${EVENT_PREFIX}${name}`;
export const notificationEvent = (name: NotificationName | BroadcastName) => `${EVENT_PREFIX}${name}`;

export const requestNames = Object.keys(liveRequests) as RequestName[];
export const notificationNames = Object.keys(liveNotifications) as NotificationName[];

export const isSignalingError = (value: unknown): value is SignalingErrorBody =>
  typeof value === 'object' && value !== null && 'error' in value && SignalingErrorBody.safeParse(value).success;

/** A failed request, as the client library throws it. */
export class SignalingError extends Error {
  constructor(
    readonly code: SignalingErrorCode,
    message: string,
    readonly request?: string,
    readonly params: SignalingErrorParams = {},
  ) {
    super(message);
    this.name = 'SignalingError';
  }
}

/** `zod` issues → one readable line naming each bad field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}
