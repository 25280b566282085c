import { z } from 'zod';
import { Id } from '../schemas/common.ts';
import { IceServer, LivePeer, LivePermissions, LiveRuleId, LiveSessionView, MediaSource, RecordingState } from '../schemas/live.ts';
import { audioCoursewareRequests } from './audioCourseware.ts';
import { chatNotifications, chatRequests } from './chat.ts';
import { coursewareNotifications, coursewareRequests } from './courseware.ts';
import { DtlsParameters, IceCandidate, IceParameters, MediaKind, RtpCapabilities, RtpParameters } from './mediasoup.ts';
import { quizNotifications, quizRequests } from './quiz.ts';
import { timerNotifications, timerRequests } from './timer.ts';

/**
 * THE signaling table of live classrooms: every request a client makes over
 * Socket.IO (with its response) and every notification the server pushes.
 * Server handlers and client calls are typed from it and both sides validate
 * with it. Wire format: see protocol.ts (`live:<name>` events, acknowledgement
 * callbacks, errors as `{ error: { code, message } }`).
 *
 * A session, step by step (client/src/media/LiveClient.ts does this):
 *   join (opening both transports with it) → consume(rtpCapabilities)
 *   → produce(microphone) → produce(camera) … ; newConsumer → resumeConsumer. *
 * A classroom tool brings its entries in a file of its own next to this one
 * (`export const whiteboardRequests = { … } as const`, likewise notifications),
 * spread here with one line (`...whiteboardRequests,`), and its server handlers
 * in server/live/<tool>Handlers.ts, spread into signaling.ts's table the same way.
 */

const Empty = z.object({});
const TransportId = z.string().min(1).max(64);
const ProducerId = z.string().min(1).max(64);
const ConsumerId = z.string().min(1).max(64);
const PeerId = z.string().min(1).max(64);
export const Direction = z.enum(['send', 'recv']);
export type Direction = z.infer<typeof Direction>;

export const TransportOptions = z.object({
  id: z.string(),
  iceParameters: IceParameters,
  iceCandidates: z.array(IceCandidate),
  dtlsParameters: DtlsParameters,
});
export type TransportOptions = z.infer<typeof TransportOptions>;

/** A consumer the server created (paused) for this client: create it locally, then resumeConsumer. */
export const ConsumerOptions = z.object({
  id: ConsumerId,
  producerId: ProducerId,
  producerPeerId: PeerId,
  source: MediaSource,
  kind: MediaKind,
  rtpParameters: RtpParameters,
  type: z.string(),
  producerPaused: z.boolean(),
});
export type ConsumerOptions = z.infer<typeof ConsumerOptions>;

/** The whole room as a newcomer (or a resumed peer) needs it. */
export const RoomSnapshot = z.object({
  peers: z.array(LivePeer),
  stagePeerId: PeerId.nullable(),
  activeSpeakerPeerId: PeerId.nullable(),
  recording: RecordingState,
  /**
   * The host's "being observed" marker: how many patrols (巡课, invisible observers) are in
   * the room. Always 0 for everybody else, and for the host when LIVE_PATROL_MARKER=0.
   */
  patrols: z.number().int().min(0).default(0),
});
export type RoomSnapshot = z.infer<typeof RoomSnapshot>;

/** A rule a session failed, with its figures: the client words it (the reason text is English, for logs). */
export const RuleFailure = z.object({
  ruleId: LiveRuleId,
  measuredShare: z.number(),
  requiredShare: z.number(),
  count: z.number().int(),
  requiredCount: z.number().int(),
});
export type RuleFailure = z.infer<typeof RuleFailure>;

/** A join-to-first-frame report above this is not a measurement (a tab left open, a bad clock): refused. */
export const FIRST_FRAME_MAX_MS = 10 * 60 * 1000;

export const liveRequests = {
  /**
   * Enter the session's room. `resume` (the peerId and token of an earlier join
   * of this account) takes the peer back with its transports, producers and
   * consumers if the server still holds it (a socket that dropped for a few
   * seconds); otherwise the join is fresh and `resumed` is false.
   */
  join: {
    request: z.object({
      sessionId: Id,
      resume: z.object({ peerId: PeerId, token: z.string().min(16).max(128) }).optional(),
      /**
       * The page joined by itself, nobody clicked (a classroom terminal, a patrol, the warm start
       * of a live page): such a join never takes a session live, and a teacher is refused with
       * `prejoin` — a teacher enters after the pre-join check (LIVE-AUTO-JOIN).
       */
      auto: z.boolean().default(false),
      /**
       * Transports to open with the join (one round trip less): the answer's `transports` holds
       * each one this participant may have (no send transport for one who only receives).
       * Ignored on a resumed join, whose transports may still be held.
       */
      transports: z.array(Direction).max(2).default([]),
    }),
    response: z.object({
      peerId: PeerId,
      resumeToken: z.string(),
      resumed: z.boolean(),
      session: LiveSessionView,
      permissions: LivePermissions,
      routerRtpCapabilities: RtpCapabilities,
      iceServers: z.array(IceServer),
      iceTransportPolicy: z.enum(['all', 'relay']),
      room: RoomSnapshot,
      /** On a resume: what the server still holds for this peer. */
      held: z.object({ transportIds: z.array(z.string()), producers: z.array(z.object({ id: ProducerId, source: MediaSource, paused: z.boolean() })) }),
      /** The transports the join opened (those asked for and allowed). */
      transports: z.object({ send: TransportOptions.optional(), recv: TransportOptions.optional() }).default({}),
    }),
  },
  leave: { request: Empty, response: Empty },

  createTransport: {
    request: z.object({ direction: Direction }),
    response: TransportOptions,
  },
  connectTransport: {
    request: z.object({ transportId: TransportId, dtlsParameters: DtlsParameters }),
    response: Empty,
  },
  restartIce: {
    request: z.object({ transportId: TransportId }),
    response: z.object({ iceParameters: IceParameters }),
  },

  produce: {
    request: z.object({ transportId: TransportId, kind: MediaKind, source: MediaSource, rtpParameters: RtpParameters, paused: z.boolean().default(false) }),
    response: z.object({ producerId: ProducerId }),
  },
  pauseProducer: { request: z.object({ producerId: ProducerId }), response: Empty },
  resumeProducer: { request: z.object({ producerId: ProducerId }), response: Empty },
  closeProducer: { request: z.object({ producerId: ProducerId }), response: Empty },

  /**
   * Start receiving: the client's device capabilities. The answer holds a
   * consumer for everything this participant may receive now; later ones
   * arrive as `newConsumer`. Every consumer starts paused.
   */
  consume: {
    request: z.object({ rtpCapabilities: RtpCapabilities }),
    response: z.object({ consumers: z.array(ConsumerOptions) }),
  },
  resumeConsumer: { request: z.object({ consumerId: ConsumerId }), response: Empty },
  pauseConsumer: { request: z.object({ consumerId: ConsumerId }), response: Empty },
  setPreferredLayers: {
    request: z.object({ consumerId: ConsumerId, spatialLayer: z.number().int().min(0).max(2), temporalLayer: z.number().int().min(0).max(2).optional() }),
    response: Empty,
  },

  /**
   * Low-bandwidth mode at the server: every video this participant receives is
   * held at its lowest simulcast layer and its receive transport capped.
   */
  setLowBandwidth: { request: z.object({ enabled: z.boolean() }), response: Empty },

  raiseHand: { request: z.object({ raised: z.boolean() }), response: Empty },
  /** Host: put a participant on stage (every classroom sees and hears it), or nobody. */
  setStage: { request: z.object({ peerId: PeerId.nullable() }), response: Empty },
  /** Host: mute (or let speak again) a classroom's microphone. */
  muteClassroom: { request: z.object({ peerId: PeerId, muted: z.boolean() }), response: Empty },
  /** Host: lower someone's raised hand. */
  lowerHand: { request: z.object({ peerId: PeerId }), response: Empty },
  startRecording: { request: Empty, response: RecordingState },
  stopRecording: { request: Empty, response: RecordingState },
  /**
   * Once per join: the milliseconds from the moment this client started joining (the join
   * click, or the navigation that opened the live page) to the first decoded frame of its
   * first remote video. Only a metric (the join-to-first-frame histogram by role, no user
   * label); a second report of the same join, one out of bounds or too many from one
   * account are refused and recorded nowhere.
   */
  reportFirstFrame: { request: z.object({ ms: z.number().gt(0).lt(FIRST_FRAME_MAX_MS) }), response: Empty },
  /** Host or coordinator: end the session; the server evaluates the evidence and answers the verdict. */
  endSession: {
    request: Empty,
    response: z.object({ status: z.enum(['delivered', 'missed']), reason: z.string().nullable(), failed: z.array(RuleFailure).default([]) }),
  },
  ...quizRequests,
  ...chatRequests,
  ...timerRequests,
  ...coursewareRequests,
  ...audioCoursewareRequests,
} as const;

export const liveNotifications = {
  peerJoined: z.object({ peer: LivePeer }),
  peerLeft: z.object({ peerId: PeerId }),
  /** Hand, mute, publishing sources or presence of a peer changed. */
  peerUpdated: z.object({ peer: LivePeer }),
  newConsumer: ConsumerOptions,
  consumerClosed: z.object({ consumerId: ConsumerId }),
  /** The producer behind a consumer paused or resumed (camera off, mic muted). */
  consumerPaused: z.object({ consumerId: ConsumerId }),
  consumerResumed: z.object({ consumerId: ConsumerId }),
  /** The server closed one of this client's producers (not allowed any more, or the media plane lost it). */
  producerClosed: z.object({ producerId: ProducerId, source: MediaSource }),
  /**
   * The host muted or unmuted this classroom. On unmute the server resumes the microphone
   * itself only if the classroom had it on when it was muted (`resumed`); the client follows.
   */
  mutedByHost: z.object({ muted: z.boolean(), resumed: z.boolean().optional() }),
  /** To the host only (unless LIVE_PATROL_MARKER=0): the number of patrols in the room changed. */
  patrolChanged: z.object({ patrols: z.number().int().min(0) }),
  stageChanged: z.object({ peerId: PeerId.nullable() }),
  handRaised: z.object({ peerId: PeerId, raised: z.boolean() }),
  activeSpeaker: z.object({ peerId: PeerId.nullable() }),
  /** The media worker under the room died and was replaced: create transports again and re-publish. */
  mediaRebuilt: z.object({ at: z.string() }),
  recordingChanged: RecordingState,
  /** This participant was removed from the room: the same account joined from another device. */
  removed: z.object({ reason: z.enum(['joined-elsewhere']) }),
  sessionEnded: z.object({ status: z.enum(['delivered', 'missed', 'cancelled']), reason: z.string().nullable(), failed: z.array(RuleFailure).default([]) }),
  ...quizNotifications,
  ...chatNotifications,
  ...timerNotifications,
  ...coursewareNotifications,
} as const;

/** Sent to the community room (not the session room) so classroom terminals can auto-join. */
export const liveBroadcasts = {
  sessionLive: z.object({ sessionId: Id, classroomIds: z.array(Id), teacherIds: z.array(Id) }),
} as const;
