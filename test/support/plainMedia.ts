import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import type { ConsumerOptions } from '../../shared/signaling/live.ts';
import type { LiveRoom, Participant } from '../../server/live/LiveRoom.ts';
import type { LiveSocket } from './live.ts';

/**
 * Live participants without a browser, for tests and benchmarks: the teacher's
 * producers fed by plain RTP (ffmpeg), a classroom receiving through a plain RTP
 * transport into a local UDP socket. The server's signaling, LiveRoom and media
 * plane run as they do for browsers; only the transports are plain instead of WebRTC.
 */

/** A producer of `source` on a comedia plain transport (ffmpeg sends RTP to `port`, RTCP to `rtcpPort`). */
export async function plainProducer(room: LiveRoom, p: Participant, source: 'camera' | 'screen' | 'microphone', rtpParameters: types.RtpParameters) {
  const peer = room.mediaPeer(p);
  const t = await peer.createPlainTransport({ direction: 'send', comedia: true, rtcpMux: false });
  const producer = await peer.produce({ transportId: t.id, kind: source === 'microphone' ? 'audio' : 'video', source, rtpParameters });
  return { producerId: producer.id, transportId: t.id, port: t.port, rtcpPort: t.rtcpPort! };
}

/**
 * Makes a plain transport `p`'s receive transport, sending to `to` (RTP and RTCP on one
 * port), as `createTransport { direction: 'recv' }` would with a WebRTC one; `srtp`
 * encrypts it (AES_CM_128_HMAC_SHA1_80, as WebRTC's SRTP: 10 more bytes per packet).
 */
export async function plainReceiveTransport(room: LiveRoom, p: Participant, to: { port: number }, options: { srtp?: boolean } = {}): Promise<string> {
  const peer = room.mediaPeer(p);
  const t = await peer.createPlainTransport({ direction: 'recv', ...(options.srtp ? { enableSrtp: true } : {}) });
  // Known as the receive transport before it connects: its `connected` evidence is written as a WebRTC one's is.
  p.transports.set(t.id, 'recv');
  p.recvTransportId = t.id;
  await peer.connectPlainTransport(t.id, {
    ip: '127.0.0.1',
    port: to.port,
    ...(options.srtp ? { srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: randomBytes(30).toString('base64') } } : {}),
  });
  return t.id;
}

/**
 * What a browser's Receiving does, over the live socket: `consume`, then `resumeConsumer`
 * for each consumer and for every one pushed later. The map follows the server's.
 */
export async function followConsumers(s: LiveSocket, rtpCapabilities: types.RtpCapabilities): Promise<{ consumers: Map<string, ConsumerOptions>; stop(): void }> {
  const consumers = new Map<string, ConsumerOptions>();
  const take = async (c: ConsumerOptions) => {
    consumers.set(c.id, c);
    await s.signaling.request('resumeConsumer', { consumerId: c.id });
  };
  const offs = [
    s.signaling.on('newConsumer', (c) => void take(c).catch(() => undefined)),
    s.signaling.on('consumerClosed', ({ consumerId }) => consumers.delete(consumerId)),
  ];
  const answer = await s.signaling.request('consume', { rtpCapabilities: rtpCapabilities as never });
  for (const c of answer.consumers) await take(c);
  return { consumers, stop: () => offs.forEach((off) => off()) };
}

/** The SSRC a consumer's RTP arrives with. */
export const ssrcOf = (c: ConsumerOptions): number => (c.rtpParameters.encodings?.[0] as { ssrc?: number } | undefined)?.ssrc ?? 0;
