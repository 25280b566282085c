/**
 * The evidence events of a Room (who published, who received, from when to
 * when) with a real worker: ffmpeg publishes a camera and a microphone through
 * PlainTransports, a classroom receives into a UDP sink.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Room } from '../../media/Room.ts';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { moreSound, named, publishFromFfmpeg, receiveIntoSink, recordEvents, sinkGrows, stopProcess, type RecordedEvent, type RtpSink } from './helpers/rtp.ts';
import { sleep, waitFor } from '../support/waitFor.ts';

let pool: WorkerPool;
const processes: ChildProcess[] = [];
const sinks: RtpSink[] = [];

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 2, logLevel: 'warn' });
});

afterAll(async () => {
  for (const p of processes) await stopProcess(p);
  for (const s of sinks) s.close();
  pool?.close();
});

/** Start/stop events of one producer or consumer id alternate, starting with a start. */
function expectAlternating(log: RecordedEvent[], id: string, start: string, stop: string): void {
  const seq = log.filter((e) => (e.event === start || e.event === stop) && e.args.includes(id)).map((e) => e.event);
  expect(seq.length).toBeGreaterThan(0);
  seq.forEach((event, i) => expect(event).toBe(i % 2 === 0 ? start : stop));
}

describe('Room evidence events', () => {
  it('publishing and receiving intervals follow pause, resume and close, in order, with plausible times', async () => {
    const t0 = new Date();
    const room = await Room.create(pool, { roomId: 'events-1' });
    const log = recordEvents(room);
    const teacher = room.addPeer('teacher');
    const classroom = room.addPeer('classroom-1');
    expect(named(log, 'peerjoined').map((e) => e.args[0])).toEqual(['teacher', 'classroom-1']);

    const pub = await publishFromFfmpeg(teacher);
    processes.push(pub.ffmpeg);
    const videoId = pub.videoProducerId!;
    const audioId = pub.audioProducerId!;
    expect(named(log, 'newproducer')).toHaveLength(2);
    // Publishing starts when media arrives (the plain transport learns ffmpeg's address), not at produce().
    await waitFor('publishing of both sources', () => named(log, 'publishingstarted').length, (n) => n === 2);
    expect(named(log, 'publishingstarted').map((e) => e.args[1]).sort()).toEqual(['camera', 'microphone']);
    expect(named(log, 'transportconnected').filter((e) => e.args[0] === 'teacher')).toHaveLength(2);

    // Consumers start paused: connected transport, publishing producer, still no receiving.
    const rx = await receiveIntoSink(room, classroom, [videoId, audioId], { resume: false });
    sinks.push(rx.sink);
    const [videoConsumer, audioConsumer] = rx.consumers as [(typeof rx.consumers)[0], (typeof rx.consumers)[0]];
    expect(videoConsumer.producerPeerId).toBe('teacher');
    expect(videoConsumer.source).toBe('camera');
    expect(classroom.transportInfo(rx.transportId).connected).toBe(true);
    await moreSound(teacher, audioId, 0.3);
    expect(named(log, 'receivingstarted')).toHaveLength(0);
    expect(rx.sink.total()).toBe(0);

    // The client says it is ready: receiving starts and packets flow.
    await classroom.resumeConsumer(videoConsumer.id);
    await classroom.resumeConsumer(audioConsumer.id);
    expect(named(log, 'receivingstarted').map((e) => e.args.slice(0, 4))).toEqual([
      ['classroom-1', 'teacher', 'camera', videoConsumer.id],
      ['classroom-1', 'teacher', 'microphone', audioConsumer.id],
    ]);
    await waitFor('video and audio at the sink', () => [rx.sink.count(rx.ssrcOf(videoConsumer.id)), rx.sink.count(rx.ssrcOf(audioConsumer.id))], ([v, a]) => v! > 10 && a! > 10);
    expect(classroom.consumerInfo(videoConsumer.id).receiving).toBe(true);
    expect(classroom.consumerInfo(audioConsumer.id).priority).toBe(255);
    expect(classroom.consumerInfo(videoConsumer.id).priority).toBe(1);

    // The teacher pauses the camera: the classroom's receiving of it stops, and the publishing
    // (intervals nest: receiving lies within publishing, publishing within the transport's connection).
    let mark = log.length;
    await teacher.pauseProducer(videoId);
    expect(log.slice(mark).filter((e) => e.event !== 'audiolevels').map((e) => e.event)).toEqual(['receivingstopped', 'publishingstopped', 'producerpaused']);
    // Sound shares the sink's socket: once more of it is in, so is every video packet sent before the pause.
    await sinkGrows(rx.sink, rx.ssrcOf(audioConsumer.id), 10);
    const frozen = rx.sink.count(rx.ssrcOf(videoConsumer.id));
    // Paused for a second at least, with sound flowing all the while.
    await Promise.all([sleep(1000), sinkGrows(rx.sink, rx.ssrcOf(audioConsumer.id), 35)]);
    expect(rx.sink.count(rx.ssrcOf(videoConsumer.id))).toBe(frozen);
    expect(classroom.consumerInfo(videoConsumer.id).producerPaused).toBe(true);

    // Resumed: publishing starts again; receiving once the consumer hears the producer resumed.
    mark = log.length;
    await teacher.resumeProducer(videoId);
    await waitFor('receiving again', () => named(log.slice(mark), 'receivingstarted').length, (n) => n === 1);
    expect(named(log.slice(mark), 'publishingstarted', 'receivingstarted').map((e) => e.event)).toEqual(['publishingstarted', 'receivingstarted']);
    await waitFor('video flowing again', () => rx.sink.count(rx.ssrcOf(videoConsumer.id)), (n) => n > frozen + 5);

    // The classroom pauses its own consumer (e.g. hides the video): only its receiving stops.
    mark = log.length;
    await classroom.pauseConsumer(videoConsumer.id);
    await classroom.resumeConsumer(videoConsumer.id);
    expect(named(log.slice(mark), 'receivingstopped', 'receivingstarted', 'publishingstopped').map((e) => e.event)).toEqual(['receivingstopped', 'receivingstarted']);

    // The teacher closes the microphone: receiving and publishing stop, the consumer is closed for the classroom.
    mark = log.length;
    teacher.closeProducer(audioId);
    await waitFor('consumerclosed', () => named(log.slice(mark), 'consumerclosed').length, (n) => n === 1);
    expect(named(log.slice(mark), 'publishingstopped', 'receivingstopped', 'producerclosed', 'consumerclosed').map((e) => e.event)).toEqual([
      'receivingstopped',
      'publishingstopped',
      'producerclosed',
      'consumerclosed',
    ]);
    expect(named(log.slice(mark), 'consumerclosed')[0]!.args.slice(0, 2)).toEqual(['classroom-1', audioConsumer.id]);
    expect(teacher.producerOf('microphone')).toBeUndefined();

    // The classroom leaves: its receiving stops, its transport disconnects, then peerleft.
    mark = log.length;
    room.removePeer('classroom-1');
    expect(log.slice(mark).filter((e) => e.event !== 'audiolevels').map((e) => e.event)).toEqual(['receivingstopped', 'transportdisconnected', 'peerleft']);
    expect(room.hasPeer('classroom-1')).toBe(false);

    // The room closes: the teacher's publishing ends too.
    mark = log.length;
    await room.close();
    const closing = log.slice(mark).map((e) => e.event);
    expect(closing).toContain('publishingstopped');
    expect(closing.indexOf('publishingstopped')).toBeLessThan(closing.indexOf('peerleft'));
    expect(closing.at(-1)).toBe('closed');

    // Every interval opens before it closes, and every time is plausible and in order.
    expectAlternating(log, videoId, 'publishingstarted', 'publishingstopped');
    expectAlternating(log, videoConsumer.id, 'receivingstarted', 'receivingstopped');
    expectAlternating(log, audioConsumer.id, 'receivingstarted', 'receivingstopped');
    const t1 = new Date();
    for (let i = 0; i < log.length; i++) {
      const e = log[i]!;
      expect(e.at.getTime()).toBeGreaterThanOrEqual(t0.getTime());
      expect(e.at.getTime()).toBeLessThanOrEqual(t1.getTime());
      if (i > 0) expect(e.at.getTime()).toBeGreaterThanOrEqual(log[i - 1]!.at.getTime());
    }
    const pauseAt = log.find((e) => e.event === 'publishingstopped' && e.args[2] === videoId)!.at;
    const resumeAt = log.filter((e) => e.event === 'publishingstarted' && e.args[2] === videoId)[1]!.at;
    expect(resumeAt.getTime() - pauseAt.getTime()).toBeGreaterThanOrEqual(900);
  });

  it('a producer paused from the start publishes nothing until resumed', async () => {
    const room = await Room.create(pool, { roomId: 'events-2' });
    const log = recordEvents(room);
    const teacher = room.addPeer('teacher');
    const t = await teacher.createPlainTransport({ direction: 'send', comedia: true, rtcpMux: false });
    const { opusParameters, ffmpegSender } = await import('./helpers/rtp.ts');
    const p = await teacher.produce({ transportId: t.id, kind: 'audio', source: 'microphone', rtpParameters: opusParameters(), paused: true });
    expect(p.paused).toBe(true);
    const ff = ffmpegSender({ audio: { port: t.port, rtcpPort: t.rtcpPort! } });
    processes.push(ff);
    await waitFor('transport connected', () => named(log, 'transportconnected').length, (n) => n === 1);
    const bytesIn = async () => (await teacher.getTransportStats(t.id)).reduce((n, x) => n + x.bytesReceived, 0);
    const before = await bytesIn();
    await waitFor('sound arriving at the paused producer', bytesIn, (n) => n > before + 2000);
    expect(named(log, 'publishingstarted')).toHaveLength(0);
    await teacher.resumeProducer(p.id);
    expect(named(log, 'publishingstarted')).toHaveLength(1);
    expect(named(log, 'producerresumed')).toHaveLength(1);
    await stopProcess(ff);
    await room.close();
  });
});
