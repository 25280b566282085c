import type { types } from 'mediasoup-client';
import type { LiveRole, MediaSource } from '../../../shared/schemas/live.ts';

/**
 * How each source is encoded. The teacher's (and a research participant's)
 * camera goes out as three simulcast layers (¼, ½, full size), each with three
 * temporal layers (L1T3), so every receiver gets what its link carries; a
 * classroom's camera as two layers; screens as one detailed stream.
 */
export const TEACHER_CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 1, maxBitrate: 1_500_000, scalabilityMode: 'L1T3' },
];

export const CLASSROOM_CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 2, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 1, maxBitrate: 600_000, scalabilityMode: 'L1T3' },
];

export const SCREEN_ENCODINGS: types.RtpEncodingParameters[] = [{ maxBitrate: 1_500_000 }];

export const OPUS_OPTIONS = { opusStereo: false, opusDtx: true, opusFec: true, opusMaxPlaybackRate: 48000 } as const;

export function produceOptions(source: MediaSource, role: LiveRole, track: MediaStreamTrack): types.ProducerOptions {
  switch (source) {
    case 'camera':
      return { track, encodings: (role === 'classroom' ? CLASSROOM_CAMERA_ENCODINGS : TEACHER_CAMERA_ENCODINGS).map((e) => ({ ...e })), codecOptions: { videoGoogleStartBitrate: 800 } };
    case 'screen':
      return { track, encodings: SCREEN_ENCODINGS.map((e) => ({ ...e })) };
    case 'microphone':
    case 'screen-audio':
      return { track, codecOptions: { ...OPUS_OPTIONS } };
  }
}

/** Lowest and highest spatial layer of a source as this role sends it. */
export const spatialLayers = (source: MediaSource, role: LiveRole): number => (source !== 'camera' ? 1 : role === 'classroom' ? 2 : 3);

/**
 * Keeps only the RTP header extensions the browser really negotiated for the
 * sender. mediasoup-client 3.18.7 lists abs-capture-time in a producer's RTP
 * parameters although Chromium does not send it; told it was negotiated, the
 * worker waits for capture instants that never come and cannot switch
 * simulcast layers (see media/worker-build/README.md).
 */
export const ABS_CAPTURE_TIME = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time';

export function keepNegotiatedHeaderExtensions(rtpParameters: types.RtpParameters, sender: RTCRtpSender | undefined): void {
  if (!rtpParameters.headerExtensions) return;
  const negotiated = sender ? new Set(sender.getParameters().headerExtensions.map((ext) => ext.uri)) : null;
  rtpParameters.headerExtensions = rtpParameters.headerExtensions.filter((ext) => ext.uri !== ABS_CAPTURE_TIME && (!negotiated || negotiated.has(ext.uri)));
}
