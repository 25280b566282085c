/**
 * Recording through PlainTransports into Debian's ffmpeg: WebM for VP8 + opus,
 * fragmented MP4 for H264 (+ AAC). The files are checked with ffprobe.
 */
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Room } from '../../media/Room.ts';
import type { RecordingResult } from '../../media/types.ts';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { moreSound, named, publishFromFfmpeg, recordEvents, soundReceived, stopProcess } from './helpers/rtp.ts';
import { waitFor } from '../support/waitFor.ts';

const execFileP = promisify(execFile);
let pool: WorkerPool;
let dir: string;
const processes: ChildProcess[] = [];

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1, logLevel: 'warn' });
  dir = await mkdtemp(path.join(tmpdir(), 'tongbu-recording-test-'));
});

afterAll(async () => {
  for (const p of processes) await stopProcess(p);
  pool?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Probe {
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
  format: { duration?: string; format_name: string };
}

async function ffprobe(file: string): Promise<Probe> {
  const { stdout } = await execFileP('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height:format=duration,format_name', '-of', 'json', file]);
  return JSON.parse(stdout) as Probe;
}

describe('room.startRecording()', () => {
  it('records VP8 + opus to WebM, surviving a short producer pause', async () => {
    const room = await Room.create(pool, { roomId: 'rec-webm' });
    const log = recordEvents(room);
    const teacher = room.addPeer('teacher');
    const pub = await publishFromFfmpeg(teacher);
    processes.push(pub.ffmpeg);
    await waitFor('publishing', () => named(log, 'publishingstarted').length, (n) => n === 2);

    const info = await room.startRecording({ directory: path.join(dir, 'lessons'), producers: [pub.videoProducerId!, pub.audioProducerId!], fileName: 'lesson.webm' });
    expect(info.format).toBe('webm');
    expect(info.path).toBe(path.join(dir, 'lessons', 'lesson.webm'));
    expect(room.recording?.id).toBe(info.id);
    expect(named(log, 'recordingstarted')[0]!.args[0]).toMatchObject({ path: info.path });
    // A recording is not attendance: no receiving events for the recorder.
    expect(named(log, 'receivingstarted')).toHaveLength(0);
    await expect(room.startRecording({ directory: dir, producers: [pub.videoProducerId!] })).rejects.toMatchObject({ name: 'RecordingInProgressError' });

    const atStart = await soundReceived(teacher, pub.audioProducerId!);
    await moreSound(teacher, pub.audioProducerId!, 2.5);
    await teacher.pauseProducer(pub.videoProducerId!);
    await moreSound(teacher, pub.audioProducerId!, 1);
    await teacher.resumeProducer(pub.videoProducerId!);
    await moreSound(teacher, pub.audioProducerId!, 2);

    const stoppedEvent = new Promise<RecordingResult>((resolve) => room.once('recordingstopped', (r) => resolve(r)));
    const result = await room.stopRecording();
    const sentWhileRecording = (await soundReceived(teacher, pub.audioProducerId!)) - atStart;
    expect(await stoppedEvent).toEqual(result);
    expect(result.reason).toBe('stopped');
    expect(room.recording).toBeUndefined();
    expect(existsSync(result.path)).toBe(true);
    const probe = await ffprobe(result.path);
    console.log(`WebM recording: ${JSON.stringify(probe)}; reported duration ${result.durationSeconds}s`);
    expect(probe.format.format_name).toContain('webm');
    const video = probe.streams.find((s) => s.codec_type === 'video');
    expect(video?.codec_name).toBe('vp8');
    expect(video?.width).toBe(320);
    expect(probe.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('opus');
    const duration = Number(probe.format.duration);
    // At least 5.5 s were sent while recording (less the recorder's start); never more than was sent.
    expect(duration).toBeGreaterThan(3);
    expect(duration).toBeLessThan(sentWhileRecording + 1.5);
    expect(result.durationSeconds).toBeCloseTo(duration, 1);
    await room.close();
  });

  it('records H264 to fragmented MP4 with the audio as AAC', async () => {
    const room = await Room.create(pool, { roomId: 'rec-mp4', videoCodecs: ['H264', 'VP8'] });
    const log = recordEvents(room);
    const teacher = room.addPeer('teacher');
    const pub = await publishFromFfmpeg(teacher, { video: true, audio: true, codec: 'h264' });
    processes.push(pub.ffmpeg);
    await waitFor('publishing', () => named(log, 'publishingstarted').length, (n) => n === 2);
    const info = await room.startRecording({ directory: dir, producers: [pub.audioProducerId!, pub.videoProducerId!] });
    expect(info.format).toBe('mp4');
    expect(path.basename(info.path)).toMatch(/^rec-mp4-.*\.mp4$/);
    await moreSound(teacher, pub.audioProducerId!, 3);
    const result = await room.stopRecording();
    const probe = await ffprobe(result.path);
    console.log(`MP4 recording: ${JSON.stringify(probe)}`);
    expect(probe.streams.find((s) => s.codec_type === 'video')?.codec_name).toBe('h264');
    expect(probe.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');
    expect(Number(probe.format.duration)).toBeGreaterThan(1);
    await room.close();
  });

  it('ends by itself when the recorded producers close, and when the room closes', async () => {
    const room = await Room.create(pool, { roomId: 'rec-end' });
    const log = recordEvents(room);
    const teacher = room.addPeer('teacher');
    // Sound too, unrecorded, as the measure of media time.
    const pub = await publishFromFfmpeg(teacher, { video: true, audio: true });
    processes.push(pub.ffmpeg);
    await waitFor('publishing', () => named(log, 'publishingstarted').length, (n) => n === 2);
    await room.startRecording({ directory: dir, producers: [pub.videoProducerId!] });
    await moreSound(teacher, pub.audioProducerId!, 3.5);
    teacher.closeProducer(pub.videoProducerId!);
    const ended = await waitFor('recordingstopped', () => named(log, 'recordingstopped'), (e) => e.length === 1);
    const result = ended[0]!.args[0] as RecordingResult;
    expect(result.reason).toBe('producers-closed');
    expect(result.error).toBeUndefined();
    // ffmpeg, idle once no packets come, is interrupted mid-write: the last (≤ 1 s) cluster may be lost, the rest is readable.
    expect(Number((await ffprobe(result.path)).format.duration)).toBeGreaterThan(1);

    // Closing the room finalises a running recording before `closed`.
    await stopProcess(pub.ffmpeg);
    teacher.closeProducer(pub.audioProducerId!);
    const again = await publishFromFfmpeg(teacher, { video: true, audio: true });
    processes.push(again.ffmpeg);
    await waitFor('publishing again', () => named(log, 'publishingstarted').length, (n) => n === 4);
    await room.startRecording({ directory: dir, producers: [again.videoProducerId!] });
    await moreSound(teacher, again.audioProducerId!, 1.5);
    await room.close();
    const events = log.map((e) => e.event);
    expect(events.lastIndexOf('recordingstopped')).toBeLessThan(events.indexOf('closed'));
    expect((named(log, 'recordingstopped')[1]!.args[0] as RecordingResult).reason).toBe('room-closed');
  });
});
