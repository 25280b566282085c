/**
 * `npm run bench -- weaklink` (`--quick`: a 1-minute lesson): what a classroom receives in
 * the audio-and-courseware mode (仅声音和课件, CW-AUDIO-ONLY) against a classroom receiving
 * the teacher's camera, screen share and sound — both in the SAME lesson at the same time.
 *
 * The platform runs as `npm start` does (PGlite, one mediasoup worker). The teacher joins
 * over a live socket; its camera, screen share and microphone are plain-RTP producers fed
 * by ffmpeg from pre-encoded clips (the screen share is a slideshow of the courseware's own
 * page images, turned when the teacher turns pages). Two classrooms join over live sockets
 * and receive through plain RTP transports with SRTP (as WebRTC's: 10 bytes of
 * authentication tag per packet) into UDP sockets of this process; 澉浦 switches into the
 * mode before it consumes, 六里 receives normally. During the lesson the teacher turns a
 * page every PAGE_SECONDS and writes strokes on each page (drawStroke, 60 points a second
 * like a pointer), and each classroom fetches every page image over HTTP once, as a
 * terminal does. Measured per classroom, per second: SRTP bytes by stream, SRTCP bytes,
 * the live socket's bytes as received (WebSocket frames, engine.io pings included), page
 * images (count, bytes). Reported: the lesson's average and the worst 10-second window, in
 * kbit/s; IP/UDP headers (28 bytes per packet) and TCP/IP headers (52 bytes per WebSocket
 * message, an estimate: one segment each, timestamps on) separately.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { types } from 'mediasoup';
import { WorkerPool } from '../media/WorkerPool.ts';
import type { LiveRoom } from '../server/live/LiveRoom.ts';
import { api } from '../shared/api/index.ts';
import { roundFraction, type Stroke } from '../shared/signaling/courseware.ts';
import { slidesPdf, upload } from '../test/support/courseware.ts';
import { createLiveSession, liveService, liveSocket, tempDataDir, type LiveSocket } from '../test/support/live.ts';
import { followConsumers, plainProducer, plainReceiveTransport, ssrcOf } from '../test/support/plainMedia.ts';
import { waitFor } from '../test/support/waitFor.ts';
import { platformFor } from './livePlatform.ts';
import type { Bench, BenchContext } from './run.ts';

/** A page turn every this many seconds of the lesson. */
const PAGE_SECONDS = { full: 30, quick: 10 };
/** The teacher writes a stroke every this many seconds (each POINTS_PER_STROKE points, ≈ 1.5 s of writing). */
const STROKE_EVERY_SECONDS = 4;
const POINTS_PER_STROKE = 90;
/** The target of issue 13 for the mode's average, page images excluded. */
const TARGET_KBPS = 64;
const IP_UDP_HEADER = 28;
const IP_TCP_HEADER = 52;

const CAMERA_SSRC = 51_000_001;
const SCREEN_SSRC = 51_000_002;
const MIC_SSRC = 51_000_003;
const VIDEO_PT = 101;
const AUDIO_PT = 100;
const vp8 = (ssrc: number): types.RtpParameters => ({
  codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
  encodings: [{ ssrc }],
});
const opus = (ssrc: number): types.RtpParameters => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
  encodings: [{ ssrc }],
});

// ── what a classroom receives, second by second ───────────────────────────────

type Stream = 'camera' | 'screen' | 'microphone';

/** Per-second byte and packet counts of one classroom, from the lesson's start. */
class Meter {
  readonly rtp = new Map<Stream, number[]>();
  rtcp: number[] = [];
  socket: number[] = [];
  udpPackets = 0;
  wsMessages = 0;
  pageImages = { count: 0, bytes: 0 };
  /** Sound packets seen, counting or not (the lesson starts once both classrooms hear the teacher). */
  heard = 0;
  #start = 0;
  #running = false;

  start(): void {
    this.#start = performance.now();
    this.#running = true;
  }

  stop(): void {
    this.#running = false;
  }

  #second(): number {
    return Math.floor((performance.now() - this.#start) / 1000);
  }

  #add(series: number[], bytes: number): void {
    const s = this.#second();
    while (series.length <= s) series.push(0);
    series[s]! += bytes;
  }

  packet(stream: Stream | 'rtcp', bytes: number): void {
    if (stream === 'microphone') this.heard++;
    if (!this.#running) return;
    this.udpPackets++;
    if (stream === 'rtcp') this.#add(this.rtcp, bytes);
    else {
      if (!this.rtp.has(stream)) this.rtp.set(stream, []);
      this.#add(this.rtp.get(stream)!, bytes);
    }
  }

  message(bytes: number): void {
    if (!this.#running) return;
    this.wsMessages++;
    this.#add(this.socket, bytes);
  }
}

/** The classroom's UDP socket: SRTP by the consumer's SSRC (the RTP header stays readable), SRTCP apart. */
async function udpSink(meter: Meter, streamOf: (ssrc: number) => Stream | undefined): Promise<UdpSocket> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  socket.on('message', (msg) => {
    if (msg.length < 12) return;
    if (msg[1]! >= 192 && msg[1]! <= 223) return meter.packet('rtcp', msg.length);
    const stream = streamOf(msg.readUInt32BE(8));
    // mediasoup's bandwidth probation (SSRC 1234) is WebRTC-only: a plain transport sends none.
    if (stream) meter.packet(stream, msg.length);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

/** Counts what the live socket receives: bytes off the TCP socket (WebSocket frames) and messages. */
function meterSocket(s: LiveSocket, meter: Meter): void {
  const transport = (s.socket.io.engine as unknown as { transport: { ws?: { _socket?: { bytesRead: number }; on(e: 'message', f: () => void): void } } }).transport;
  const ws = transport.ws;
  const tcp = ws?._socket;
  if (!ws || !tcp) throw new Error('the live socket is not a Node WebSocket');
  let read = tcp.bytesRead;
  ws.on('message', () => {
    meter.message(tcp.bytesRead - read);
    read = tcp.bytesRead;
  });
}

// ── the teacher's media: pre-encoded clips looped by ffmpeg ────────────────────

/** Encodes without blocking: the platform in this process must keep answering its sockets meanwhile. */
const ffmpeg = (args: string[]) => promisify(execFile)('ffmpeg', args, { maxBuffer: 1 << 20 });

async function encodeCameraAndMic(dir: string): Promise<string> {
  const file = path.join(dir, 'camera.webm');
  // The teacher's camera as the middle simulcast layer a classroom gets on an ordinary link (640×360, 500 kbps cap),
  // the microphone as Chromium sends it (opus mono ≈ 32 kbps, in-band FEC; constant tone, so no DTX pauses).
  await ffmpeg([
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=220:sample_rate=48000,volume=0.5',
    '-t', '20', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '450k', '-maxrate', '500k', '-g', '150', '-pix_fmt', 'yuv420p',
    '-c:a', 'libopus', '-ac', '1', '-b:a', '32k', '-vbr', 'constrained', '-application', 'voip', '-fec', '1', '-packet_loss', '10', file,
  ]);
  return file;
}

/** The screen share: the courseware's pages as a 1280×720 slideshow at 5 frames a second, a page every PAGE_SECONDS. */
async function encodeSlideshow(dir: string, pages: string[], pageSeconds: number): Promise<string> {
  const list = path.join(dir, 'pages.txt');
  writeFileSync(list, pages.map((p) => `file '${p}'\nduration ${pageSeconds}\n`).join('') + `file '${pages.at(-1)}'\n`);
  const file = path.join(dir, 'screen.webm');
  await ffmpeg([
    '-hide_banner', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list,
    '-vf', 'scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2,fps=5,format=yuv420p',
    // As a browser shares a screen: detail first, key frames only when asked (a long GOP here).
    '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1500k', '-g', '600', file,
  ]);
  return file;
}

function send(clip: string, streams: { map: string; ssrc: number; pt: number; port: number; rtcpPort: number }[], loop: boolean): ChildProcess {
  const args = ['-hide_banner', '-loglevel', 'error', ...(loop ? ['-stream_loop', '-1'] : []), '-re', '-i', clip];
  for (const s of streams) {
    args.push('-map', s.map, '-c', 'copy', '-ssrc', String(s.ssrc), '-payload_type', String(s.pt), '-f', 'rtp', `rtp://127.0.0.1:${s.port}?rtcpport=${s.rtcpPort}&pkt_size=1200`);
  }
  return spawn('ffmpeg', args, { stdio: 'ignore' });
}

// ── the lesson ───────────────────────────────────────────────────────────────

let strokeNo = 0;
/** A handwritten-looking stroke: POINTS_PER_STROKE pointer samples along a wavy line, rounded as the board sends them. */
function stroke(page: number, k: number): Stroke {
  const x0 = 0.1 + ((k * 0.17) % 0.6);
  const y0 = 0.15 + ((page * 0.13 + k * 0.11) % 0.7);
  const points = Array.from({ length: POINTS_PER_STROKE }, (_, i) => {
    const t = i / POINTS_PER_STROKE;
    return [roundFraction(x0 + 0.25 * t), roundFraction(y0 + 0.03 * Math.sin(t * 12 + k)), 0.5] as [number, number, number];
  });
  return { id: `bench-${++strokeNo}`, tool: 'pen', color: '#d32f2f', size: 0.004, points };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function kbps(series: number[], seconds: number): number {
  return Math.round(((series.reduce((a, b) => a + b, 0) * 8) / seconds / 1000) * 10) / 10;
}

/** The worst 10-second window of the sum of the series, in kbit/s. */
function max10s(seriesList: number[][], seconds: number): number {
  const total = Array.from({ length: seconds }, (_, i) => seriesList.reduce((n, s) => n + (s[i] ?? 0), 0));
  let worst = 0;
  for (let i = 0; i + 10 <= total.length; i++) worst = Math.max(worst, total.slice(i, i + 10).reduce((a, b) => a + b, 0));
  return Math.round(((worst * 8) / 10 / 1000) * 10) / 10;
}

function report(meter: Meter, seconds: number) {
  const streams = Object.fromEntries([...meter.rtp].map(([k, v]) => [k, kbps(v, seconds)]));
  const rtp = kbps([...meter.rtp.values()].flat(), seconds);
  const rtcp = kbps(meter.rtcp, seconds);
  const socket = kbps(meter.socket, seconds);
  return {
    averageKbps: Math.round((rtp + rtcp + socket) * 10) / 10,
    rtpKbps: rtp,
    rtpByStreamKbps: streams,
    rtcpKbps: rtcp,
    socketKbps: socket,
    max10sKbps: max10s([...meter.rtp.values(), meter.rtcp, meter.socket], seconds),
    ipUdpHeadersKbps: Math.round(((meter.udpPackets * IP_UDP_HEADER * 8) / seconds / 1000) * 10) / 10,
    tcpIpHeadersKbpsEstimate: Math.round(((meter.wsMessages * IP_TCP_HEADER * 8) / seconds / 1000) * 10) / 10,
    udpPackets: meter.udpPackets,
    socketMessages: meter.wsMessages,
    pageImages: meter.pageImages,
  };
}

const bench: Bench = async (ctx: BenchContext) => {
  const lessonSeconds = ctx.quick ? 60 : 600;
  const pageSeconds = ctx.quick ? PAGE_SECONDS.quick : PAGE_SECONDS.full;
  const pageCount = lessonSeconds / pageSeconds;
  const pool = await WorkerPool.create({ size: 1 });
  const data = tempDataDir();
  const work = mkdtempSync(path.join(os.tmpdir(), 'tongbu-weaklink-'));
  const platform = await platformFor(pool, data.env.DATA_DIR);
  const sockets: LiveSocket[] = [];
  const processes: ChildProcess[] = [];
  const udp: UdpSocket[] = [];
  try {
    // Courseware and clips first: encoding takes minutes on a loaded machine, and a session's scheduled time runs.
    const owner = await platform.signIn('teacher.wang');
    const pdf = slidesPdf(Array.from({ length: pageCount }, (_, i) => `Lesson page ${i + 1}: fractions, halves and quarters`));
    const up = await owner.call(api.uploadCourseware, { body: {}, file: upload(pdf, 'lesson.pdf', 'application/pdf') });
    if (!up.ok) throw new Error(up.error.message);
    const coursewareId = up.data.id;
    await waitFor('the conversion', () => owner.call(api.getCourseware, { params: { coursewareId } }), (r) => r.ok && r.data.status === 'ready', 600_000, 250);
    const pageFiles: string[] = [];
    for (let page = 1; page <= pageCount; page++) {
      const res = await fetch(new URL(`/api/courseware/${coursewareId}/pages/${page}`, platform.url), { headers: { cookie: owner.cookie } });
      const file = path.join(work, `page-${page}.png`);
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      pageFiles.push(file);
    }
    const t0 = performance.now();
    const since = () => `${Math.round((performance.now() - t0) / 1000)} s`;
    ctx.log(`courseware ready (${pageCount} pages); encoding the clips`);
    const [cameraClip, screenClip] = await Promise.all([encodeCameraAndMic(work), encodeSlideshow(work, pageFiles, pageSeconds)]);
    ctx.log(`clips encoded in ${since()}`);

    const sessionId = await createLiveSession(platform, { startsInMs: 2_000, durationMs: (lessonSeconds + 600) * 1000 });
    const teacher = await liveSocket(platform, 'teacher.wang');
    sockets.push(teacher);
    const hostPeerId = (await teacher.signaling.request('join', { sessionId })).peerId;
    const room: LiveRoom = liveService(platform).rooms.get(sessionId)!;
    const host = room.participants.get(hostPeerId)!;
    const camera = await plainProducer(room, host, 'camera', vp8(CAMERA_SSRC));
    const screen = await plainProducer(room, host, 'screen', vp8(SCREEN_SSRC));
    const mic = await plainProducer(room, host, 'microphone', opus(MIC_SSRC));
    processes.push(
      send(cameraClip, [
        { map: '0:v:0', ssrc: CAMERA_SSRC, pt: VIDEO_PT, port: camera.port, rtcpPort: camera.rtcpPort },
        { map: '0:a:0', ssrc: MIC_SSRC, pt: AUDIO_PT, port: mic.port, rtcpPort: mic.rtcpPort },
      ], true),
    );
    await teacher.signaling.request('showCourseware', { coursewareId, page: 1 });

    const classrooms: { name: 'audioCourseware' | 'normal'; username: string; meter: Meter; socket: LiveSocket }[] = [];
    for (const [name, username] of [['audioCourseware', 'class.ganpu'], ['normal', 'class.liuli']] as const) {
      const s = await liveSocket(platform, username);
      sockets.push(s);
      const meter = new Meter();
      const joined = await s.signaling.request('join', { sessionId });
      const p = room.participants.get(joined.peerId)!;
      // As the terminal does after a rejoin: the mode is told before any consumer exists.
      if (name === 'audioCourseware') await s.signaling.request('setAudioCourseware', { enabled: true });
      const streams = new Map<number, Stream>();
      const sink = await udpSink(meter, (ssrc) => streams.get(ssrc));
      udp.push(sink);
      await plainReceiveTransport(room, p, { port: sink.address().port }, { srtp: true });
      const { consumers } = await followConsumers(s, room.media.rtpCapabilities);
      const learn = () => {
        for (const c of consumers.values()) streams.set(ssrcOf(c), c.source as Stream);
      };
      learn();
      s.signaling.on('newConsumer', () => setTimeout(learn, 0));
      meterSocket(s, meter);
      // The terminal shows the current page once live (boardState) and each page it is told of,
      // fetching its image once (the browser keeps it).
      const fetched = new Set<number>();
      const show = (b: { coursewareId: string | null; page: number }) => {
        if (!b.coursewareId || fetched.has(b.page)) return;
        fetched.add(b.page);
        void fetch(new URL(`/api/courseware/${b.coursewareId}/pages/${b.page}`, platform.url), { headers: { cookie: s.user.cookie } })
          .then((r) => r.arrayBuffer())
          .then((bytes) => {
            meter.pageImages.count++;
            meter.pageImages.bytes += bytes.byteLength;
          });
      };
      s.signaling.on('boardShown', show);
      show(await s.signaling.request('boardState', {}));
      classrooms.push({ name, username, meter, socket: s });
    }
    // Sound reaches both before the lesson starts.
    await waitFor('sound at both classrooms', () => Math.min(...classrooms.map((c) => c.meter.heard)), (n) => n >= 100, 60_000);

    ctx.log(`lesson of ${lessonSeconds} s: a page every ${pageSeconds} s, a stroke every ${STROKE_EVERY_SECONDS} s`);
    processes.push(send(screenClip, [{ map: '0:v:0', ssrc: SCREEN_SSRC, pt: VIDEO_PT, port: screen.port, rtcpPort: screen.rtcpPort }], false));
    for (const c of classrooms) c.meter.start();
    const started = performance.now();
    let strokes = 0;
    let strokeBytes = 0;
    for (let page = 1; page <= pageCount; page++) {
      if (page > 1) await teacher.signaling.request('turnPage', { page });
      for (let k = 0; k * STROKE_EVERY_SECONDS < pageSeconds; k++) {
        const due = started + ((page - 1) * pageSeconds + k * STROKE_EVERY_SECONDS + 1) * 1000;
        await sleep(Math.max(0, due - performance.now()));
        const s = stroke(page, k);
        strokes++;
        strokeBytes += JSON.stringify(s).length;
        await teacher.signaling.request('drawStroke', { stroke: s });
      }
      await sleep(Math.max(0, started + page * pageSeconds * 1000 - performance.now()));
      if (page % Math.max(1, Math.round(pageCount / 10)) === 0) ctx.log(`page ${page}/${pageCount}`);
    }
    for (const c of classrooms) c.meter.stop();
    const seconds = Math.round((performance.now() - started) / 1000);
    const mode = report(classrooms[0]!.meter, seconds);
    const normal = report(classrooms[1]!.meter, seconds);
    return {
      lessonSeconds: seconds,
      pageTurns: pageCount - 1,
      strokes,
      strokePoints: strokes * POINTS_PER_STROKE,
      strokeJsonBytes: strokeBytes,
      audioCourseware: mode,
      normal,
      targetKbps: TARGET_KBPS,
      targetMet: mode.averageKbps <= TARGET_KBPS,
      normalOverMode: Math.round((normal.averageKbps / mode.averageKbps) * 10) / 10,
    };
  } finally {
    for (const s of sockets) s.close();
    for (const p of processes) p.kill('SIGKILL');
    for (const u of udp) u.close();
    await platform.close();
    data.cleanup();
    rmSync(work, { recursive: true, force: true });
    pool.close();
  }
};

export default bench;
