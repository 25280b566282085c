import { z } from 'zod';

/**
 * mediasoup's wire structures as zod schemas. shared/ imports zod only, so these
 * check the parts signaling relies on and let the rest through unchanged
 * (`looseObject`); mediasoup and mediasoup-client check them in full.
 * The server and the client cast them to their library's types.
 */

const Loose = z.looseObject({});

export const RtpCodec = z.looseObject({
  kind: z.enum(['audio', 'video']).optional(),
  mimeType: z.string(),
  clockRate: z.number(),
  channels: z.number().optional(),
  payloadType: z.number().optional(),
  preferredPayloadType: z.number().optional(),
});

export const RtpHeaderExtension = z.looseObject({ uri: z.string() });

export const RtpCapabilities = z.looseObject({
  codecs: z.array(RtpCodec).optional(),
  headerExtensions: z.array(Loose).optional(),
});

export const RtpEncoding = z.looseObject({
  ssrc: z.number().optional(),
  rid: z.string().optional(),
  scalabilityMode: z.string().optional(),
  maxBitrate: z.number().optional(),
});

export const RtpParameters = z.looseObject({
  mid: z.string().optional(),
  codecs: z.array(RtpCodec).min(1).max(16),
  headerExtensions: z.array(RtpHeaderExtension).max(32).optional(),
  encodings: z.array(RtpEncoding).max(8).optional(),
  rtcp: Loose.optional(),
});

export const IceParameters = z.looseObject({
  usernameFragment: z.string(),
  password: z.string(),
  iceLite: z.boolean().optional(),
});

export const IceCandidate = z.looseObject({
  foundation: z.string(),
  ip: z.string().optional(),
  address: z.string().optional(),
  port: z.number(),
  protocol: z.enum(['udp', 'tcp']),
  type: z.string(),
});

export const DtlsParameters = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z.array(z.looseObject({ algorithm: z.string(), value: z.string() })).min(1).max(8),
});

export const MediaKind = z.enum(['audio', 'video']);
