/**
 * Large broadcasts: once the main router carries maxConsumersPerRouter
 * consumers, new receive transports go to a router on another worker, fed by
 * pipeToRouter — and media, pauses and evidence work the same there.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Room } from '../../media/Room.ts';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { named, publishFromFfmpeg, receiveIntoSink, recordEvents, sinkGrows, stopProcess, type RtpSink } from './helpers/rtp.ts';
import { waitFor } from '../support/waitFor.ts';

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

describe('consumers beyond maxConsumersPerRouter', () => {
  it('go to a router on another worker and receive the teacher through pipeToRouter', async () => {
    const room = await Room.create(pool, { roomId: 'overflow', maxConsumersPerRouter: 2 });
    const log = recordEvents(room);
    const teacher = room.addPeer('teacher');
    const pub = await publishFromFfmpeg(teacher);
    processes.push(pub.ffmpeg);
    const producers = [pub.videoProducerId!, pub.audioProducerId!];
    await waitFor('publishing', () => named(log, 'publishingstarted').length, (n) => n === 2);

    const a = room.addPeer('classroom-a');
    const b = room.addPeer('classroom-b');
    const rxA = await receiveIntoSink(room, a, producers);
    const rxB = await receiveIntoSink(room, b, producers);
    sinks.push(rxA.sink, rxB.sink);

    const infoA = a.transportInfo(rxA.transportId);
    const infoB = b.transportInfo(rxB.transportId);
    expect(infoA.mainRouter).toBe(true);
    expect(infoB.mainRouter).toBe(false);
    expect(infoB.workerPid).not.toBe(infoA.workerPid);
    expect(room.routers.map((r) => [r.main, r.consumers])).toEqual([
      [true, 2],
      [false, 2],
    ]);

    // Both classrooms receive video and audio.
    for (const rx of [rxA, rxB]) {
      await waitFor(
        'media on both routers',
        () => rx.consumers.map((c) => rx.sink.count(rx.ssrcOf(c.id))),
        (counts) => counts.every((n) => n > 20),
      );
    }
    expect(named(log, 'receivingstarted').filter((e) => e.args[0] === 'classroom-b')).toHaveLength(2);

    // A pause of the teacher reaches the piped consumers as well, and so does the resume.
    const videoB = rxB.consumers.find((c) => c.kind === 'video')!;
    let mark = log.length;
    await teacher.pauseProducer(pub.videoProducerId!);
    expect(named(log.slice(mark), 'receivingstopped').map((e) => e.args[0]).sort()).toEqual(['classroom-a', 'classroom-b']);
    await waitFor('the pipe producer paused', () => b.consumerInfo(videoB.id).producerPaused, (p) => p);
    // Sound shares the sink's socket (and the pipe): once more of it is in, so is every video packet sent before the pause.
    const audioB = rxB.ssrcOf(rxB.consumers.find((c) => c.kind === 'audio')!.id);
    await sinkGrows(rxB.sink, audioB, 10);
    const frozen = rxB.sink.count(rxB.ssrcOf(videoB.id));
    await sinkGrows(rxB.sink, audioB, 30);
    expect(rxB.sink.count(rxB.ssrcOf(videoB.id))).toBe(frozen);
    mark = log.length;
    await teacher.resumeProducer(pub.videoProducerId!);
    await waitFor('receiving again on both routers', () => named(log.slice(mark), 'receivingstarted').length, (n) => n === 2);
    await waitFor('video on the overflow router again', () => rxB.sink.count(rxB.ssrcOf(videoB.id)), (n) => n > frozen + 10);

    // Every worker already hosts a router of the room: the least loaded one takes the next classroom over its limit.
    const c = room.addPeer('classroom-c');
    const rxC = await receiveIntoSink(room, c, producers);
    sinks.push(rxC.sink);
    expect(room.routers).toHaveLength(2);
    await waitFor('media for the third classroom', () => rxC.consumers.map((x) => rxC.sink.count(rxC.ssrcOf(x.id))), (n) => n.every((v) => v > 10));

    // When the overflow router has no transports left, it is closed.
    const overflowPeers = [b, c].filter((p) => !p.transportInfo(p === b ? rxB.transportId : rxC.transportId).mainRouter);
    for (const p of overflowPeers) room.removePeer(p.id);
    expect(room.routers).toHaveLength(1);
    await room.close();
  });
});
