/**
 * NodePipe: the same lesson's rooms on two nodes (here two worker pools in one process,
 * as two app nodes have), the host's producers piped to the edge, where classrooms
 * consume them as they would on the host: RTP, key frames asked of the teacher through
 * the pipe, simulcast layers chosen at the edge, pauses, and closing that propagates.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodePipe } from '../../media/NodePipe.ts';
import { Room } from '../../media/Room.ts';
import { WorkerPool } from '../../media/WorkerPool.ts';
import {
  ffmpegSimulcastSender,
  named,
  publishFromFfmpeg,
  receiveIntoSink,
  recordEvents,
  SIMULCAST_SSRCS,
  sinkGrows,
  stopProcess,
  UdpRelay,
  vp8Parameters,
  type RtpSink,
} from './helpers/rtp.ts';
import { waitFor } from '../support/waitFor.ts';

let hostPool: WorkerPool;
let edgePool: WorkerPool;
const processes: ChildProcess[] = [];
const sinks: RtpSink[] = [];
const relays: UdpRelay[] = [];

beforeAll(async () => {
  hostPool = await WorkerPool.create({ size: 1, logLevel: 'warn' });
  edgePool = await WorkerPool.create({ size: 1, logLevel: 'warn' });
});

afterAll(async () => {
  for (const p of processes) await stopProcess(p);
  for (const s of sinks) s.close();
  for (const r of relays) r.close();
  hostPool?.close();
  edgePool?.close();
});

/** The lesson's room on each node and a pipe between them, with `producerIds` of the host sent to the edge. */
async function piped(roomId: string, producers: (host: Room) => Promise<string[]>, options: { keyFrameRequestDelayMs?: number } = {}) {
  const host = await Room.create(hostPool, { roomId, ...options });
  const edge = await Room.create(edgePool, { roomId });
  const ids = await producers(host);
  const out: NodePipe = await host.openPipe();
  const into: NodePipe = await edge.openPipe();
  await out.connect(into.local);
  await into.connect(out.local);
  for (const id of ids) await into.receive(await out.send(id));
  return { host, edge, out, into, ids };
}

describe('a pipe between two nodes', () => {
  it('N-EDGE-PIPE: a classroom on the edge node receives the teacher of the host node, listed as the teacher\'s producers; publishing stays the host\'s', async () => {
    let pub!: Awaited<ReturnType<typeof publishFromFfmpeg>>;
    const { host, edge, out, into, ids } = await piped('pipe-rtp', async (room) => {
      const log = recordEvents(room);
      pub = await publishFromFfmpeg(room.addPeer('teacher'));
      processes.push(pub.ffmpeg);
      await waitFor('publishing on the host', () => named(log, 'publishingstarted').length, (n) => n === 2);
      return [pub.videoProducerId!, pub.audioProducerId!];
    });
    const edgeLog = recordEvents(edge);
    expect(out.sent.sort()).toEqual([...ids].sort());
    expect(into.received.sort()).toEqual([...ids].sort());
    // The edge lists them with the ids and the peer of the host.
    expect(edge.listProducers().map((p) => [p.id, p.peerId, p.source]).sort()).toEqual(
      [
        [pub.videoProducerId!, 'teacher', 'camera'],
        [pub.audioProducerId!, 'teacher', 'microphone'],
      ].sort(),
    );

    const classroom = edge.addPeer('classroom-edge');
    const rx = await receiveIntoSink(edge, classroom, ids);
    sinks.push(rx.sink);
    for (const c of rx.consumers) await sinkGrows(rx.sink, rx.ssrcOf(c.id), 30);
    await waitFor('receiving on the edge', () => named(edgeLog, 'receivingstarted').length, (n) => n === 2);
    expect(named(edgeLog, 'receivingstarted').map((e) => e.args[1])).toEqual(['teacher', 'teacher']);
    // The teacher publishes on the host: the edge writes no publishing of its own, and hears nobody speak.
    expect(named(edgeLog, 'publishingstarted', 'activespeaker')).toEqual([]);
    await host.close();
    await edge.close();
  });

  it('N-EDGE-PIPE: a key frame asked by a consumer on the edge reaches the teacher on the host', async () => {
    let pub!: Awaited<ReturnType<typeof publishFromFfmpeg>>;
    let teacher!: ReturnType<Room['addPeer']>;
    const { host, edge, ids } = await piped(
      'pipe-kf',
      async (room) => {
        const log = recordEvents(room);
        teacher = room.addPeer('teacher');
        pub = await publishFromFfmpeg(teacher, { video: true });
        processes.push(pub.ffmpeg);
        await waitFor('publishing on the host', () => named(log, 'publishingstarted').length, (n) => n === 1);
        return [pub.videoProducerId!];
      },
      { keyFrameRequestDelayMs: 0 },
    );
    const requests = async () => {
      const [stat] = await teacher.getProducerStats(pub.videoProducerId!);
      return (stat?.pliCount ?? 0) + (stat?.firCount ?? 0);
    };
    const classroom = edge.addPeer('classroom-edge');
    const rx = await receiveIntoSink(edge, classroom, ids);
    sinks.push(rx.sink);
    const consumerId = rx.consumers[0]!.id;
    await sinkGrows(rx.sink, rx.ssrcOf(consumerId), 10);
    const before = await requests();
    await waitFor(
      'the edge consumer\'s key-frame request at the teacher',
      async () => {
        await classroom.requestKeyFrame(consumerId);
        return requests();
      },
      (n) => n > before,
    );
    await host.close();
    await edge.close();
  });

  it('N-EDGE-PIPE: a simulcast camera crosses whole; each edge consumer gets the layer it asks for, and pauses follow the host', async () => {
    let producerId = '';
    const { host, edge, out, into } = await piped('pipe-simulcast', async (room) => {
      const log = recordEvents(room);
      const teacher = room.addPeer('teacher');
      const t = await teacher.createPlainTransport({ direction: 'send', comedia: true, rtcpMux: true });
      producerId = (await teacher.produce({ transportId: t.id, kind: 'video', source: 'camera', rtpParameters: vp8Parameters(SIMULCAST_SSRCS) })).id;
      const relay = await UdpRelay.open({ ip: t.ip, port: t.port });
      relays.push(relay);
      processes.push(ffmpegSimulcastSender(relay.port));
      await waitFor('publishing', () => named(log, 'publishingstarted').length, (n) => n === 1);
      await waitFor('three scored streams', async () => (await teacher.getProducerStats(producerId)).length, (n) => n === 3);
      return [producerId];
    });
    expect(edge.listProducers()[0]!.type).toBe('simulcast');
    const edgeLog = recordEvents(edge);
    const wide = edge.addPeer('classroom-wide');
    const narrow = edge.addPeer('classroom-narrow');
    const rxWide = await receiveIntoSink(edge, wide, [producerId]);
    const rxNarrow = await receiveIntoSink(edge, narrow, [producerId], { resume: false });
    sinks.push(rxWide.sink, rxNarrow.sink);
    const wideId = rxWide.consumers[0]!.id;
    const narrowId = rxNarrow.consumers[0]!.id;
    await narrow.setPreferredLayers(narrowId, { spatialLayer: 0 });
    await narrow.resumeConsumer(narrowId);
    const spatial = (peer: typeof wide, id: string) => peer.consumerInfo(id).currentLayers?.spatialLayer;
    await waitFor('the wide classroom on the top layer', () => spatial(wide, wideId), (l) => l === 2);
    await waitFor('the narrow classroom on the lowest layer', () => spatial(narrow, narrowId), (l) => l === 0);

    // The host's pause reaches the edge (as the host node's PipeLink tells it): receiving stops there.
    await into.setPaused(producerId, true);
    await waitFor('receiving stopped on the edge', () => named(edgeLog, 'receivingstopped').length, (n) => n === 2);
    expect(named(edgeLog, 'producerpaused').map((e) => e.args[2])).toEqual([producerId]);
    await waitFor('the edge consumer told its producer paused', () => wide.consumerInfo(wideId).producerPaused, (p) => p);
    await into.setPaused(producerId, false);
    await waitFor('receiving again on the edge', () => named(edgeLog, 'receivingstarted').length, (n) => n === 4);
    expect(out.sent).toEqual([producerId]);
    await host.close();
    await edge.close();
  });

  it('N-EDGE-PIPE: closing the pipe closes what it brought (producers, their consumers on the edge); the host\'s room is untouched', async () => {
    let pub!: Awaited<ReturnType<typeof publishFromFfmpeg>>;
    const { host, edge, out, into, ids } = await piped('pipe-close', async (room) => {
      pub = await publishFromFfmpeg(room.addPeer('teacher'));
      processes.push(pub.ffmpeg);
      return [pub.videoProducerId!, pub.audioProducerId!];
    });
    const edgeLog = recordEvents(edge);
    const classroom = edge.addPeer('classroom-edge');
    const rx = await receiveIntoSink(edge, classroom, ids);
    sinks.push(rx.sink);
    const closed = new Promise<void>((resolve) => into.once('closed', () => resolve()));

    // A producer dropped on the host's word goes alone.
    into.drop(pub.audioProducerId!);
    expect(edge.listProducers().map((p) => p.id)).toEqual([pub.videoProducerId!]);
    expect(named(edgeLog, 'producerclosed').map((e) => e.args[2])).toEqual([pub.audioProducerId!]);
    await waitFor('the classroom\'s audio consumer closed', () => classroom.consumers.length, (n) => n === 1);

    into.close();
    await closed;
    expect(into.closed).toBe(true);
    expect(edge.listProducers()).toEqual([]);
    await waitFor('the classroom\'s consumers closed', () => classroom.consumers.length, (n) => n === 0);
    expect(named(edgeLog, 'consumerclosed').map((e) => e.args[0])).toEqual(['classroom-edge', 'classroom-edge']);
    await expect(into.receive(await out.send(pub.videoProducerId!))).rejects.toThrow(/closed/);
    // The host still has its teacher; closing its end ends its pipe consumers.
    expect(host.listProducers()).toHaveLength(2);
    out.close();
    expect(out.sent).toEqual([]);
    await host.close();
    await edge.close();
  });
});
