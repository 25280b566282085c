/**
 * Media sources and sinks for media tests: ffmpeg senders into PlainTransports,
 * UDP sinks that count RTP per SSRC, a relay that merges several ffmpeg RTP
 * outputs into one source address (simulcast), and an event recorder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import type { types } from 'mediasoup';
import type { Peer } from '../../../media/Peer.ts';
import type { Room } from '../../../media/Room.ts';
import type { ConsumerOptionsForClient, RoomEvents } from '../../../media/types.ts';
import { waitFor } from '../../support/waitFor.ts';

export const VIDEO_PT = 101;
export const AUDIO_PT = 100;
export const VIDEO_SSRC = 22_222_222;
export const AUDIO_SSRC = 11_111_111;

export const vp8Parameters = (ssrcs: number[] = [VIDEO_SSRC]): types.RtpParameters => ({
  codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
  encodings: ssrcs.map((ssrc) => ({ ssrc })),
});

export const opusParameters = (ssrc = AUDIO_SSRC, headerExtensions: types.RtpHeaderExtensionParameters[] = []): types.RtpParameters => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2, parameters: { 'sprop-stereo': 1 } }],
  encodings: [{ ssrc }],
  headerExtensions,
});

/** mediasoup's bandwidth probation packets (padding) carry this SSRC. */
export const PROBATOR_SSRC = 1234;

/** A UDP socket counting RTP packets and bytes per SSRC (RTCP ignored). */
export class RtpSink {
  readonly socket: Socket;
  readonly packets = new Map<number, number>();
  readonly bytes = new Map<number, number>();
  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('message', (msg) => {
      if (msg.length < 12) return;
      if (msg[1]! >= 192 && msg[1]! <= 223) return; // RTCP (RFC 5761: packet types 192–223)
      const ssrc = msg.readUInt32BE(8);
      if (ssrc === PROBATOR_SSRC) return;
      this.packets.set(ssrc, (this.packets.get(ssrc) ?? 0) + 1);
      this.bytes.set(ssrc, (this.bytes.get(ssrc) ?? 0) + msg.length);
    });
  }

  static async open(): Promise<RtpSink> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new RtpSink(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  total(): number {
    let n = 0;
    for (const v of this.packets.values()) n += v;
    return n;
  }

  count(ssrc: number): number {
    return this.packets.get(ssrc) ?? 0;
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      /* closed already */
    }
  }
}

export interface FfmpegSenderOptions {
  video?: { port: number; rtcpPort?: number; ssrc?: number; size?: string; fps?: number; bitrate?: string; codec?: 'vp8' | 'h264' };
  audio?: { port: number; rtcpPort?: number; ssrc?: number };
}

/** ffmpeg sending a test picture (VP8 or H264) and/or a sine tone (opus) as RTP, in real time. */
export function ffmpegSender(options: FfmpegSenderOptions): ChildProcess {
  const args = ['-hide_banner', '-loglevel', 'error', '-re'];
  const { video, audio } = options;
  if (video) args.push('-f', 'lavfi', '-i', `testsrc=size=${video.size ?? '320x240'}:rate=${video.fps ?? 15}`);
  if (audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  let input = 0;
  if (video) {
    const codecArgs =
      video.codec === 'h264'
        ? ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-bsf:v', 'h264_mp4toannexb']
        : ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-error-resilient', '1'];
    args.push(
      '-map', `${input}:v:0`, ...codecArgs,
      '-b:v', video.bitrate ?? '300k', '-g', String(video.fps ?? 15), '-pix_fmt', 'yuv420p',
      '-ssrc', String(video.ssrc ?? VIDEO_SSRC), '-payload_type', String(VIDEO_PT),
      '-f', 'rtp', `rtp://127.0.0.1:${video.port}?rtcpport=${video.rtcpPort ?? video.port}&pkt_size=1200`,
    );
    input++;
  }
  if (audio) {
    args.push(
      '-map', `${input}:a:0`, '-c:a', 'libopus', '-ac', '2', '-ar', '48000', '-b:a', '48k',
      '-ssrc', String(audio.ssrc ?? AUDIO_SSRC), '-payload_type', String(AUDIO_PT),
      '-f', 'rtp', `rtp://127.0.0.1:${audio.port}?rtcpport=${audio.rtcpPort ?? audio.port}&pkt_size=1200`,
    );
  }
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    if (process.env['MEDIA_TEST_VERBOSE']) process.stderr.write(`[ffmpeg] ${d}`);
  });
  return child;
}

export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await exited;
}

/**
 * A peer publishing ffmpeg's camera (VP8) and microphone (opus) through two
 * comedia PlainTransports (rtcpMux off: ffmpeg sends RTCP from another port).
 */
export async function publishFromFfmpeg(
  peer: Peer,
  what: { video?: boolean; audio?: boolean; codec?: 'vp8' | 'h264'; size?: string; bitrate?: string } = { video: true, audio: true },
): Promise<{ ffmpeg: ChildProcess; videoProducerId?: string; audioProducerId?: string; transportIds: string[] }> {
  const sender: FfmpegSenderOptions = {};
  const result: { videoProducerId?: string; audioProducerId?: string; transportIds: string[] } = { transportIds: [] };
  if (what.video) {
    const t = await peer.createPlainTransport({ direction: 'send', comedia: true, rtcpMux: false });
    result.transportIds.push(t.id);
    const rtpParameters: types.RtpParameters =
      what.codec === 'h264'
        ? {
            codecs: [{ mimeType: 'video/H264', payloadType: VIDEO_PT, clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' }, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }] }],
            encodings: [{ ssrc: VIDEO_SSRC }],
          }
        : vp8Parameters();
    const p = await peer.produce({ transportId: t.id, kind: 'video', source: 'camera', rtpParameters });
    result.videoProducerId = p.id;
    sender.video = { port: t.port, rtcpPort: t.rtcpPort!, codec: what.codec ?? 'vp8', ...(what.size ? { size: what.size } : {}), ...(what.bitrate ? { bitrate: what.bitrate } : {}) };
  }
  if (what.audio) {
    const t = await peer.createPlainTransport({ direction: 'send', comedia: true, rtcpMux: false });
    result.transportIds.push(t.id);
    const p = await peer.produce({ transportId: t.id, kind: 'audio', source: 'microphone', rtpParameters: opusParameters() });
    result.audioProducerId = p.id;
    sender.audio = { port: t.port, rtcpPort: t.rtcpPort! };
  }
  return { ffmpeg: ffmpegSender(sender), ...result };
}

/**
 * Media time, not the clock's: seconds of sound a peer's producer has received (ffmpeg's
 * opus, one 20 ms packet each). A busy machine delivers it late, never less.
 */
export async function soundReceived(peer: Peer, audioProducerId: string): Promise<number> {
  const stats = await peer.getProducerStats(audioProducerId);
  return stats.reduce((n, s) => n + s.packetCount, 0) / 50;
}

/** Waits until `seconds` more of sound have reached the producer; returns the total. */
export async function moreSound(peer: Peer, audioProducerId: string, seconds: number): Promise<number> {
  const from = await soundReceived(peer, audioProducerId);
  return waitFor(`${seconds} s more of sound from ${peer.id}`, () => soundReceived(peer, audioProducerId), (s) => s >= from + seconds);
}

/** Waits until the sink has `more` packets of `ssrc` beyond what it has now (what was sent before them is in too: one socket). */
export async function sinkGrows(sink: RtpSink, ssrc: number, more: number): Promise<number> {
  const from = sink.count(ssrc);
  return waitFor(`${more} more packets of ${ssrc} at the sink`, () => sink.count(ssrc), (n) => n >= from + more);
}

/** A peer receiving through one plain transport into an RtpSink; consume() then resumeConsumer() per producer. */
export async function receiveIntoSink(room: Room, peer: Peer, producerIds: string[], options: { resume?: boolean } = {}) {
  const sink = await RtpSink.open();
  const t = await peer.createPlainTransport({ direction: 'recv' });
  await peer.connectPlainTransport(t.id, { ip: '127.0.0.1', port: sink.port });
  const consumers: ConsumerOptionsForClient[] = [];
  for (const producerId of producerIds) {
    const c = await peer.consume({ producerId, transportId: t.id, rtpCapabilities: room.rtpCapabilities });
    if (options.resume !== false) await peer.resumeConsumer(c.id);
    consumers.push(c);
  }
  return { sink, transportId: t.id, consumers, ssrcOf: (consumerId: string) => consumers.find((c) => c.id === consumerId)!.rtpParameters.encodings![0]!.ssrc! };
}

export interface RecordedEvent {
  event: keyof RoomEvents & string;
  args: unknown[];
  at: Date;
}

const EVENT_NAMES: (keyof RoomEvents & string)[] = [
  'peerjoined', 'peerleft', 'transportconnected', 'transportdisconnected', 'publishingstarted', 'publishingstopped',
  'receivingstarted', 'receivingstopped', 'activespeaker', 'audiolevels', 'rebuilt', 'newproducer', 'producerclosed',
  'producerpaused', 'producerresumed', 'consumerclosed', 'consumerlayerschanged', 'recordingstarted', 'recordingstopped', 'closed',
];

/** Records every room event with its `at` (the last Date argument). */
export function recordEvents(room: Room): RecordedEvent[] {
  const log: RecordedEvent[] = [];
  for (const event of EVENT_NAMES) {
    room.on(event, (...args: unknown[]) => {
      const at = [...args].reverse().find((a) => a instanceof Date) as Date;
      log.push({ event, args, at });
    });
  }
  return log;
}

export const named = (log: RecordedEvent[], ...events: string[]) => log.filter((e) => events.includes(e.event));

/**
 * Forwards everything arriving on one local UDP socket to a target from that
 * same socket: several ffmpeg RTP outputs (each with its own source port) then
 * reach a comedia PlainTransport from one address, as one simulcast sender.
 */
export class UdpRelay {
  readonly socket: Socket;
  forwarded = 0;
  private constructor(socket: Socket, target: { ip: string; port: number }) {
    this.socket = socket;
    socket.on('message', (msg, rinfo) => {
      if (rinfo.port === target.port && rinfo.address === target.ip) return; // RTCP feedback from mediasoup: ffmpeg ignores it anyway
      this.forwarded++;
      socket.send(msg, target.port, target.ip);
    });
  }

  static async open(target: { ip: string; port: number }): Promise<UdpRelay> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new UdpRelay(socket, target);
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      /* closed already */
    }
  }
}

export const SIMULCAST_SSRCS = [30_000_001, 30_000_002, 30_000_003];

/** ffmpeg encoding one test picture three times (160×90, 320×180, 640×360 VP8) as three RTP streams to `port`. */
export function ffmpegSimulcastSender(port: number): ChildProcess {
  const sizes = ['160:90', '320:180', '640:360'];
  const bitrates = ['80k', '200k', '500k'];
  const args = ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=15'];
  args.push('-filter_complex', `[0:v]split=3[a][b][c];[a]scale=${sizes[0]}[l0];[b]scale=${sizes[1]}[l1];[c]scale=${sizes[2]}[l2]`);
  for (let i = 0; i < 3; i++) {
    args.push(
      '-map', `[l${i}]`, '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', bitrates[i]!, '-g', '15', '-pix_fmt', 'yuv420p',
      '-ssrc', String(SIMULCAST_SSRCS[i]), '-payload_type', String(VIDEO_PT),
      '-f', 'rtp', `rtp://127.0.0.1:${port}?rtcpport=${port}&pkt_size=1200`,
    );
  }
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    if (process.env['MEDIA_TEST_VERBOSE']) process.stderr.write(`[ffmpeg] ${d}`);
  });
  return child;
}
