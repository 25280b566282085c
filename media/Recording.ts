import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { types } from 'mediasoup';
import { creatingTransport, InvalidMediaArgumentError } from './errors.ts';
import type { ProducerEntry, RoomRouter } from './internal.ts';
import type { MediaLogger, RecordingInfo, RecordingResult } from './types.ts';

const execFileP = promisify(execFile);

export interface RecordingOptions {
  /** Directory the file goes to (created if missing). */
  readonly directory: string;
  /** Producer ids to record: at most one video and one audio. */
  readonly producers: readonly string[];
  /** File name inside `directory`; default `<roomId>-<UTC time>.<webm|mp4>`. */
  readonly fileName?: string;
  /** Default from the video codec: VP8/VP9 → webm (opus copied), H264 → mp4 (opus → AAC). */
  readonly format?: 'webm' | 'mp4';
}

type EndReason = RecordingResult['reason'];

interface Leg {
  readonly producer: ProducerEntry;
  readonly transport: types.PlainTransport;
  readonly consumer: types.Consumer;
  readonly port: number;
}

export interface RecordingStartArgs {
  readonly roomId: string;
  readonly home: RoomRouter;
  readonly producers: readonly ProducerEntry[];
  readonly options: RecordingOptions;
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
  readonly logger: MediaLogger;
  /** Called once when the recording has ended, whatever the reason. */
  readonly onEnd: (result: RecordingResult) => void;
}

/**
 * One recording: a PlainTransport + paused consumer per producer, sending RTP to
 * an ffmpeg process that reads an SDP file and writes WebM (VP8/VP9 + opus) or
 * fragmented MP4 (H264 + AAC; readable even if the process is killed). Short
 * producer pauses leave a gap in the timeline; the file keeps going.
 */
export class Recording {
  readonly id = randomUUID();
  readonly #args: RecordingStartArgs;
  readonly #legs: Leg[] = [];
  readonly #stderrTail: string[] = [];
  #ffmpeg: ChildProcess | undefined;
  #exited: Promise<number | null> | undefined;
  #workDir: string | undefined;
  #info!: RecordingInfo;
  #outputStarted = false;
  #keyFrameTimer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #heartbeatSocket: Socket | undefined;
  #ending: Promise<RecordingResult> | undefined;

  private constructor(args: RecordingStartArgs) {
    this.#args = args;
  }

  get info(): RecordingInfo {
    return this.#info;
  }

  get stopping(): boolean {
    return this.#ending !== undefined;
  }

  /** Validates the producers and picks the container; throws InvalidMediaArgumentError. */
  static plan(producers: readonly ProducerEntry[], format: RecordingOptions['format']): 'webm' | 'mp4' {
    if (producers.length === 0) throw new InvalidMediaArgumentError('a recording needs at least one producer');
    const video = producers.filter((p) => p.producer.kind === 'video');
    const audio = producers.filter((p) => p.producer.kind === 'audio');
    if (video.length > 1 || audio.length > 1) throw new InvalidMediaArgumentError('a recording takes at most one video and one audio producer');
    const videoMime = video[0]?.producer.rtpParameters.codecs[0]?.mimeType.toLowerCase();
    const natural = videoMime === 'video/h264' ? 'mp4' : 'webm';
    if (videoMime && videoMime !== 'video/vp8' && videoMime !== 'video/vp9' && videoMime !== 'video/h264') {
      throw new InvalidMediaArgumentError(`cannot record ${videoMime}`);
    }
    const chosen = format ?? natural;
    if (chosen !== 'webm' && chosen !== 'mp4') throw new InvalidMediaArgumentError(`format must be webm or mp4, not ${String(chosen)}`);
    if (videoMime && chosen !== natural) throw new InvalidMediaArgumentError(`${videoMime} records to ${natural}, not ${chosen}`);
    return chosen;
  }

  static async start(args: RecordingStartArgs): Promise<Recording> {
    const format = Recording.plan(args.producers, args.options.format);
    const recording = new Recording(args);
    try {
      await recording.#start(format);
    } catch (err) {
      await recording.#cleanup();
      throw err;
    }
    return recording;
  }

  async #start(format: 'webm' | 'mp4'): Promise<void> {
    const { options, home, roomId } = this.#args;
    if (typeof options.directory !== 'string' || options.directory === '') throw new InvalidMediaArgumentError('recording directory must be a non-empty path');
    const fileName = options.fileName ?? `${roomId}-${new Date().toISOString().replace(/[:.]/g, '-')}.${format}`;
    if (fileName.includes('/') || fileName.includes('\\') || fileName.startsWith('.')) throw new InvalidMediaArgumentError('fileName must be a plain file name');
    const directory = path.resolve(options.directory);
    await mkdir(directory, { recursive: true });
    const file = path.join(directory, fileName);
    this.#workDir = await mkdtemp(path.join(tmpdir(), 'tongbu-rec-'));

    // Video first: ffmpeg maps streams in SDP order.
    const ordered = [...this.#args.producers].sort((a, b) => (a.producer.kind === b.producer.kind ? 0 : a.producer.kind === 'video' ? -1 : 1));
    for (const pe of ordered) {
      const port = await freeRtpPortPair();
      const transport = await creatingTransport(() =>
        home.router.createPlainTransport({
          listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
          rtcpMux: false,
          comedia: false,
          appData: { recording: this.id },
        }),
      );
      await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
      const consumer = await transport.consume({
        producerId: pe.producer.id,
        rtpCapabilities: recorderCapabilities(home.router.rtpCapabilities, pe.producer.kind),
        paused: true,
        appData: { recording: this.id },
      });
      this.#legs.push({ producer: pe, transport, consumer, port });
      consumer.observer.once('close', () => this.#onLegClosed());
    }

    const heartbeatPort = await freeRtpPortPair();
    const sdp = buildSdp(this.#legs, heartbeatPort);
    const sdpFile = path.join(this.#workDir, 'input.sdp');
    await writeFile(sdpFile, sdp);
    const hasAudio = this.#legs.some((l) => l.consumer.kind === 'audio');
    const ffArgs = [
      '-hide_banner',
      '-loglevel', 'info',
      '-nostats',
      '-protocol_whitelist', 'file,udp,rtp',
      '-reorder_queue_size', '256',
      '-analyzeduration', '10M',
      '-probesize', '10M',
      '-fpsprobesize', '0',
      '-i', sdpFile,
      // The recorded streams only: the last SDP stream is the heartbeat (see #startHeartbeat).
      ...this.#legs.flatMap((_, i) => ['-map', `0:${i}`]),
      '-c:v', 'copy',
      ...(hasAudio ? (format === 'mp4' ? ['-c:a', 'aac', '-b:a', '96k'] : ['-c:a', 'copy']) : []),
      // Written so that a cut-off file stays readable (worker death, server crash, or a stop while
      // no packets arrive, when ffmpeg can only be interrupted mid-write): fragmented MP4, live WebM
      // with one-second clusters. #finalise() rewrites it into a plain seekable file at the end.
      ...(format === 'mp4'
        ? ['-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4']
        : ['-live', '1', '-cluster_time_limit', '1000', '-flush_packets', '1', '-f', 'webm']),
      '-y', file,
    ];
    const ffmpeg = spawn(this.#args.ffmpegPath, ffArgs, { stdio: ['pipe', 'ignore', 'pipe'] });
    this.#ffmpeg = ffmpeg;
    this.#exited = new Promise((resolve) => {
      ffmpeg.once('exit', (code) => resolve(code));
      ffmpeg.once('error', (err) => {
        this.#remember(`spawn error: ${err.message}`);
        resolve(null);
      });
    });
    ffmpeg.stdin?.on('error', () => undefined);
    ffmpeg.stderr?.setEncoding('utf8');
    ffmpeg.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split(/\r?\n/)) {
        if (!line) continue;
        this.#remember(line);
        this.#args.logger.debug({ recording: this.id }, `ffmpeg: ${line}`);
        if (line.startsWith('Output #0')) this.#outputStarted = true;
      }
    });
    void this.#exited.then((code) => {
      if (!this.#ending) void this.#end('ffmpeg-exited', `ffmpeg exited (${code}) before stop: ${this.#stderrTail.slice(-5).join(' | ')}`);
    });
    // Give ffmpeg a moment to open its RTP sockets, then let media flow.
    await waitForSpawn(ffmpeg);
    await this.#startHeartbeat(heartbeatPort);
    await new Promise((r) => setTimeout(r, 300));
    if (this.#ending) throw new Error(`ffmpeg did not start: ${this.#stderrTail.slice(-5).join(' | ')}`);
    await Promise.all(this.#legs.map((l) => l.consumer.resume()));
    // ffmpeg needs a key frame to learn the picture size: ask until it has started writing.
    const started = Date.now();
    const askKeyFrame = () => {
      for (const l of this.#legs) if (l.consumer.kind === 'video' && !l.consumer.closed) void l.consumer.requestKeyFrame().catch(() => undefined);
    };
    askKeyFrame();
    this.#keyFrameTimer = setInterval(() => {
      if (this.#outputStarted || Date.now() - started > 15_000) {
        clearInterval(this.#keyFrameTimer);
        this.#keyFrameTimer = undefined;
        return;
      }
      askKeyFrame();
    }, 1000);
    this.#keyFrameTimer.unref();
    this.#info = { id: this.id, path: file, format, producerIds: this.#legs.map((l) => l.producer.producer.id), startedAt: new Date() };
  }

  /** Finalises the file: 'q' to ffmpeg, SIGINT if it does not react, SIGKILL as a last resort. Resolves once the file is complete. */
  stop(reason: EndReason = 'stopped', error?: string): Promise<RecordingResult> {
    return this.#end(reason, error);
  }

  #end(reason: EndReason, error?: string): Promise<RecordingResult> {
    this.#ending ??= this.#finish(reason, error);
    return this.#ending;
  }

  async #finish(reason: EndReason, error?: string): Promise<RecordingResult> {
    const stoppedAt = new Date();
    if (this.#keyFrameTimer) clearInterval(this.#keyFrameTimer);
    const ffmpeg = this.#ffmpeg;
    if (ffmpeg && ffmpeg.exitCode === null && ffmpeg.signalCode === null) {
      // 'q' is read between packets; with no packets arriving (producer paused or
      // closed) ffmpeg sits in a read that only a second SIGINT interrupts (the
      // first one merely asks the main loop to stop). Either way it writes the trailer.
      ffmpeg.stdin?.write('q');
      ffmpeg.stdin?.end();
      if (!(await this.#waitExit(1_500))) {
        ffmpeg.kill('SIGINT');
        if (!(await this.#waitExit(300))) ffmpeg.kill('SIGINT');
        if (!(await this.#waitExit(5_000))) {
          this.#args.logger.warn({ recording: this.id }, 'recording: ffmpeg ignored SIGINT; killing it (the file may be truncated)');
          ffmpeg.kill('SIGKILL');
          await this.#waitExit(2_000);
        }
      }
    }
    await this.#cleanup();
    const info = this.#info ?? { id: this.id, path: '', format: 'webm', producerIds: [], startedAt: stoppedAt };
    let durationSeconds = (stoppedAt.getTime() - info.startedAt.getTime()) / 1000;
    if (info.path && !this.#outputStarted) {
      // ffmpeg never got a decodable picture (no key frame before the end): nothing worth keeping.
      await rm(info.path, { force: true }).catch(() => undefined);
      durationSeconds = 0;
      error ??= `no media reached the recorder: ${this.#stderrTail.filter((l) => /error|could not|invalid/i.test(l)).slice(-3).join(' | ')}`;
    } else if (info.path) {
      await this.#finalise(info.path, info.format);
      const probed = await probeDuration(this.#args.ffprobePath, info.path);
      if (probed !== undefined) durationSeconds = probed;
      else if ((await stat(info.path).catch(() => undefined))?.size ?? 0) {
        this.#args.logger.warn({ path: info.path }, 'recording: ffprobe could not read the duration; using wall-clock time');
      } else {
        // Cut off before the first cluster reached the disk: an empty file.
        await rm(info.path, { force: true }).catch(() => undefined);
        durationSeconds = 0;
        error ??= 'the recording ended before any media was written';
      }
    }
    const result: RecordingResult = { ...info, stoppedAt, durationSeconds, reason, ...(error ? { error } : {}) };
    this.#args.onEnd(result);
    return result;
  }

  /**
   * The live-safe file (fragmented MP4 / live WebM) carries no overall duration
   * or index; once ffmpeg has finished, rewrite it as a plain file (stream copy;
   * MP4 with moov in front for progressive playback, WebM with cues). On failure
   * the live-safe file stays.
   */
  async #finalise(file: string, format: 'webm' | 'mp4'): Promise<void> {
    const tmp = `${file}.final.${format}`;
    const formatArgs = format === 'mp4' ? ['-movflags', '+faststart', '-f', 'mp4'] : ['-f', 'webm'];
    try {
      await execFileP(this.#args.ffmpegPath, ['-v', 'error', '-y', '-i', file, '-map', '0', '-c', 'copy', ...formatArgs, tmp], { timeout: 600_000 });
      await rename(tmp, file);
    } catch (err) {
      this.#args.logger.warn({ path: file, err }, 'recording: could not finalise the file; keeping the live-written one');
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }

  #onLegClosed(): void {
    if (this.#ending) return;
    if (!this.#legs.every((l) => l.consumer.closed)) return;
    const router = this.#args.home;
    const reason: EndReason = router.router.closed ? (router.worker.died ? 'worker-died' : 'room-closed') : 'producers-closed';
    void this.#end(reason);
  }

  async #waitExit(ms: number): Promise<boolean> {
    if (!this.#exited) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
    const ok = await Promise.race([this.#exited.then(() => true as const), timeout]);
    clearTimeout(timer);
    return ok;
  }

  /**
   * ffmpeg reads 'q' only between packets; while the producers are paused (or
   * closed) no packet comes and ffmpeg could then only be interrupted mid-write,
   * losing the end of the file. So a tiny unmapped PCMU stream (160 bytes every
   * 250 ms) keeps its loop turning: 'q' always works and the trailer is written.
   */
  async #startHeartbeat(port: number): Promise<void> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    socket.on('error', () => undefined);
    this.#heartbeatSocket = socket;
    const ssrc = (Math.random() * 0xffffffff) >>> 0;
    let seq = (Math.random() * 0xffff) >>> 0;
    let ts = (Math.random() * 0xffffffff) >>> 0;
    const packet = Buffer.alloc(12 + 160, 0xff);
    const beat = () => {
      packet[0] = 0x80;
      packet[1] = 0; // PCMU
      packet.writeUInt16BE(seq, 2);
      packet.writeUInt32BE(ts, 4);
      packet.writeUInt32BE(ssrc, 8);
      seq = (seq + 1) & 0xffff;
      ts = (ts + 2000) >>> 0;
      socket.send(packet, port, '127.0.0.1');
    };
    beat();
    this.#heartbeat = setInterval(beat, 250);
    this.#heartbeat.unref();
  }

  async #cleanup(): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    try {
      this.#heartbeatSocket?.close();
    } catch {
      /* closed already */
    }
    this.#heartbeatSocket = undefined;
    for (const l of this.#legs) l.transport.close();
    if (this.#ffmpeg && this.#ffmpeg.exitCode === null && this.#ffmpeg.signalCode === null) this.#ffmpeg.kill('SIGKILL');
    if (this.#workDir) await rm(this.#workDir, { recursive: true, force: true }).catch(() => undefined);
  }

  #remember(line: string): void {
    this.#stderrTail.push(line);
    if (this.#stderrTail.length > 40) this.#stderrTail.shift();
  }
}

/** The router's codecs of one kind without RTX or transport-wide feedback: what ffmpeg can take. */
function recorderCapabilities(router: types.RtpCapabilities, kind: types.MediaKind): types.RtpCapabilities {
  return {
    codecs: (router.codecs ?? [])
      .filter((c) => c.kind === kind && !c.mimeType.toLowerCase().endsWith('/rtx'))
      .map((c) => ({ ...c, rtcpFeedback: (c.rtcpFeedback ?? []).filter((fb) => fb.type !== 'transport-cc' && fb.type !== 'goog-remb') })),
    headerExtensions: [],
  };
}

function buildSdp(legs: readonly Leg[], heartbeatPort: number): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=tongbu recording', 'c=IN IP4 127.0.0.1', 't=0 0'];
  for (const { consumer, port } of legs) {
    const codec = consumer.rtpParameters.codecs[0]!;
    const name = codec.mimeType.split('/')[1]!;
    const pt = codec.payloadType;
    lines.push(`m=${consumer.kind} ${port} RTP/AVP ${pt}`);
    lines.push(`a=rtpmap:${pt} ${name}/${codec.clockRate}${codec.channels && codec.channels > 1 ? `/${codec.channels}` : ''}`);
    const params = Object.entries(codec.parameters ?? {}).filter(([k]) => !k.startsWith('x-google'));
    if (params.length) lines.push(`a=fmtp:${pt} ${params.map(([k, v]) => `${k}=${String(v)}`).join(';')}`);
    lines.push(`a=rtcp:${port + 1}`, 'a=recvonly');
  }
  lines.push(`m=audio ${heartbeatPort} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', `a=rtcp:${heartbeatPort + 1}`, 'a=recvonly');
  return lines.join('\r\n') + '\r\n';
}

function bind(port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });
}

/** An even UDP port whose successor is free too (RTP + RTCP for ffmpeg). */
async function freeRtpPortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await bind(0);
    if (!first) continue;
    const port = first.address().port;
    if (port % 2 !== 0 || port >= 65535) {
      first.close();
      continue;
    }
    const second = await bind(port + 1);
    first.close();
    second?.close();
    if (second) return port;
  }
  throw new Error('no free UDP port pair for the recorder');
}

function waitForSpawn(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    if (child.pid !== undefined) return resolve();
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
}

/** Media duration of a file in seconds (ffprobe), undefined if unreadable. */
export async function probeDuration(ffprobePath: string, file: string): Promise<number | undefined> {
  try {
    const { stdout } = await execFileP(ffprobePath, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', file], { timeout: 15_000 });
    const value = Number.parseFloat(stdout.trim());
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
