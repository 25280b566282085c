import type { LivePeer, LivePermissions, LiveSessionView, MediaSource, RecordingState } from '../../../shared/schemas/live.ts';
import type { RuleFailure } from '../../../shared/signaling/live.ts';
import type { AudioCoursewareState } from './audioCourseware.ts';
import type { CameraProfile } from './devices.ts';
import type { LossCause } from './policy.ts';
import { bandwidthMode, type BandwidthChoice, type BandwidthMode, type LinkSample, type LowBandwidthState, type Quality } from './quality.ts';
import type { SignalingClient } from './signaling.ts';

/** What the UI reads of one participant's live session: an immutable snapshot, replaced on every change. */

export type LiveState = 'idle' | 'joining' | 'live' | 'reconnecting' | 'ended' | 'error';

export interface RemoteMedia {
  readonly consumerId: string;
  readonly producerId: string;
  readonly peerId: string;
  readonly source: MediaSource;
  readonly kind: 'audio' | 'video';
  readonly track: MediaStreamTrack;
  /** The sender paused it (camera off, microphone muted). */
  readonly producerPaused: boolean;
  /** Not flowing by this client's choice (minimal bandwidth mode; video in audio-and-courseware mode). */
  readonly pausedHere: boolean;
}

export interface LiveView {
  readonly state: LiveState;
  readonly error: { code: string; message: string } | null;
  readonly session: LiveSessionView | null;
  readonly permissions: LivePermissions | null;
  readonly peerId: string | null;
  readonly peers: readonly LivePeer[];
  readonly stagePeerId: string | null;
  readonly activeSpeakerPeerId: string | null;
  readonly recording: RecordingState;
  readonly remote: readonly RemoteMedia[];
  readonly local: {
    readonly camera: MediaStreamTrack | null;
    readonly screen: MediaStreamTrack | null;
    readonly microphone: boolean;
    readonly hand: boolean;
    readonly mutedByHost: boolean;
  };
  readonly quality: Quality;
  readonly link: LinkSample | null;
  readonly bandwidth: BandwidthMode;
  readonly bandwidthChoice: BandwidthChoice;
  /** A classroom's audio-and-courseware mode (仅声音和课件): in it, offered, entered by itself. */
  readonly audioCourseware: Pick<AudioCoursewareState, 'active' | 'offered' | 'auto'>;
  readonly ended: { status: string; reason: string | null; failed?: readonly RuleFailure[] } | null;
  /** The host's "being observed" marker: patrols (巡课) in the room now (0 for everyone else). */
  readonly patrols: number;
  /** Completed recoveries (ICE restart, rejoin, rebuild), newest last. */
  readonly recoveries: readonly { action: string; cause: LossCause; ms: number }[];
}

export interface LiveClientOptions {
  readonly sessionId: string;
  readonly signaling?: SignalingClient;
  /** Override the server's ICE transport policy (`relay`: TURN only, for diagnosis and tests). */
  readonly iceTransportPolicy?: 'all' | 'relay';
  readonly bandwidth?: BandwidthChoice;
  readonly capture?: Partial<{
    camera(profile: CameraProfile): Promise<MediaStreamTrack>;
    microphone(): Promise<MediaStreamTrack>;
    screen(): Promise<{ video: MediaStreamTrack; audio: MediaStreamTrack | null }>;
  }>;
  /**
   * A thumbnail (the patrol grid): receive only the host teacher's camera, at its lowest
   * spatial layer (low-bandwidth mode at the server plus setPreferredLayers 0); every other
   * consumer stays paused at the server, so it costs no bandwidth.
   */
  readonly thumbnail?: boolean;
  /**
   * When this participant started joining (performance.now(): the join click, or the
   * navigation that opened the live page); join-to-first-frame counts from it. Default: start().
   */
  readonly joinStartedAt?: number;
  /**
   * The page joins by itself, nobody clicked (a classroom terminal, a patrol, the warm start):
   * the server never takes a session live for such a join and sends a teacher to the
   * pre-join check (`prejoin`).
   */
  readonly auto?: boolean;
}

export const noRecording: RecordingState = { active: false, recordingId: null, startedAt: null };

/** The view before joining. */
export function initialView(lowBandwidth: LowBandwidthState): LiveView {
  return {
    state: 'idle',
    error: null,
    session: null,
    permissions: null,
    peerId: null,
    peers: [],
    stagePeerId: null,
    activeSpeakerPeerId: null,
    recording: noRecording,
    remote: [],
    local: { camera: null, screen: null, microphone: false, hand: false, mutedByHost: false },
    quality: 'good',
    link: null,
    bandwidth: bandwidthMode(lowBandwidth),
    bandwidthChoice: lowBandwidth.choice,
    audioCourseware: { active: false, offered: false, auto: false },
    ended: null,
    patrols: 0,
    recoveries: [],
  };
}
