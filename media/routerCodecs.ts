import type { types } from 'mediasoup';
import { InvalidMediaArgumentError } from './errors.ts';
import type { VideoCodecName } from './types.ts';

const opus: types.RouterRtpCodecCapability = { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 };

const video: Record<VideoCodecName, types.RouterRtpCodecCapability[]> = {
  VP8: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 300 } }],
  VP9: [{ kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 0, 'x-google-start-bitrate': 300 } }],
  // Constrained baseline first (every hardware decoder in a classroom box has it), then main.
  H264: [
    {
      kind: 'video',
      mimeType: 'video/H264',
      clockRate: 90000,
      parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1, 'x-google-start-bitrate': 300 },
    },
    {
      kind: 'video',
      mimeType: 'video/H264',
      clockRate: 90000,
      parameters: { 'packetization-mode': 1, 'profile-level-id': '4d0032', 'level-asymmetry-allowed': 1, 'x-google-start-bitrate': 300 },
    },
  ],
};

export const DEFAULT_VIDEO_CODECS: readonly VideoCodecName[] = ['VP8', 'H264'];

/** Router media codecs: opus, then the video codecs in the given order of preference. */
export function routerCodecs(videoCodecs: readonly VideoCodecName[] = DEFAULT_VIDEO_CODECS): types.RouterRtpCodecCapability[] {
  if (videoCodecs.length === 0) throw new InvalidMediaArgumentError('a room needs at least one video codec');
  const seen = new Set<VideoCodecName>();
  const codecs = [opus];
  for (const name of videoCodecs) {
    const caps = video[name];
    if (!caps) throw new InvalidMediaArgumentError(`unknown video codec ${String(name)} (VP8, VP9, H264)`);
    if (seen.has(name)) continue;
    seen.add(name);
    codecs.push(...caps);
  }
  return codecs;
}
