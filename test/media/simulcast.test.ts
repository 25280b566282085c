/**
 * Weak links: a simulcast camera (three VP8 encodings from ffmpeg, one SSRC
 * each), consumers choosing layers, low-bandwidth mode forcing the lowest
 * one, and key-frame requests of many consumers throttled before they reach
 * the teacher.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { Room } from '../../media/Room.ts';
import { WorkerPool } from '../../media/WorkerPool.ts';
import {
  ffmpegSimulcastSender,
  named,
  publishFromFfmpeg,
  receiveIntoSink,
  recordEvents,
  SIMULCAST_SSRCS,
  stopProcess,
  UdpRelay,
  vp8Parameters,
  type RtpSink,
} from './helpers/rtp.ts';
import { sleep, waitFor } from '../support/waitFor.ts';

let pool: WorkerPool;
const processes: ChildProcess[] = [];
const sinks: RtpSink[] = [];
const relays: UdpRelay[] = [];

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1, logLevel: 'warn' });
});

afterAll(async () => {
  for (const p of processes) await stopProcess(p);
  for (const s of sinks) s.close();
  for (const r of relays) r.close();
  pool?.close();
});

describe('simulcast consumers', () => {
  it('take the highest layer by default, follow setPreferredLayers, and low-bandwidth mode holds them at the lowest', async () => {
    const room = await Room.create(pool, { roomId: 'simulcast' });
    const log = recordEvents(room);
    const teacher = room.addPeer('teacher');
    const t = await teacher.createPlainTransport({ direction: 'send', comedia: true, rtcpMux: true });
    const camera = await teacher.produce({ transportId: t.id, kind: 'video', source: 'camera', rtpParameters: vp8Parameters(SIMULCAST_SSRCS) });
    expect(camera.type).toBe('simulcast');
    const relay = await UdpRelay.open({ ip: t.ip, port: t.port });
    relays.push(relay);
    processes.push(ffmpegSimulcastSender(relay.port));
    await waitFor('publishing', () => named(log, 'publishingstarted').length, (n) => n === 1);
    // All three encodings arrive (a score per stream).
    await waitFor('three scored streams', async () => (await teacher.getProducerStats(camera.id)).length, (n) => n === 3);

    const wide = room.addPeer('classroom-wide');
    const narrow = room.addPeer('classroom-narrow');
    const rxWide = await receiveIntoSink(room, wide, [camera.id]);
    const rxNarrow = await receiveIntoSink(room, narrow, [camera.id], { resume: false });
    sinks.push(rxWide.sink, rxNarrow.sink);
    const wideId = rxWide.consumers[0]!.id;
    expect(rxWide.consumers[0]!.type).toBe('simulcast');
    const narrowId = rxNarrow.consumers[0]!.id;
    await narrow.setPreferredLayers(narrowId, { spatialLayer: 0 });
    await narrow.resumeConsumer(narrowId);

    const spatial = (peer: typeof wide, id: string) => peer.consumerInfo(id).currentLayers?.spatialLayer;
    await waitFor('the wide classroom on the top layer', () => spatial(wide, wideId), (l) => l === 2);
    await waitFor('the narrow classroom on the lowest layer', () => spatial(narrow, narrowId), (l) => l === 0);
    // The room told of the move to the top layer (on a busy machine the sender's top layer may stall and drop it again after).
    const changes = named(log, 'consumerlayerschanged').filter((e) => e.args[1] === wideId);
    expect(changes.map((e) => (e.args[2] as types.ConsumerLayers | null)?.spatialLayer)).toContain(2);

    // The top layer carries several times the bytes of the lowest one.
    const rate = async (rx: typeof rxWide, id: string) => {
      const ssrc = rx.ssrcOf(id);
      const before = rx.sink.bytes.get(ssrc) ?? 0;
      await sleep(2000);
      return ((rx.sink.bytes.get(ssrc) ?? 0) - before) / 2;
    };
    const [wideRate, narrowRate] = await Promise.all([rate(rxWide, wideId), rate(rxNarrow, narrowId)]);
    console.log(`bytes/s: top layer ${Math.round(wideRate)}, lowest layer ${Math.round(narrowRate)}`);
    expect(wideRate).toBeGreaterThan(narrowRate * 2);

    // Up again on request.
    await narrow.setPreferredLayers(narrowId, { spatialLayer: 1 });
    await waitFor('the narrow classroom on the middle layer', () => spatial(narrow, narrowId), (l) => l === 1);

    // Low-bandwidth mode forces the lowest layer, also for consumers created while it is on…
    await wide.setLowBandwidth(true);
    await waitFor('low-bandwidth: lowest layer', () => spatial(wide, wideId), (l) => l === 0);
    expect(wide.consumerInfo(wideId).preferredLayers?.spatialLayer).toBe(0);
    const late = room.addPeer('classroom-late');
    await late.setLowBandwidth(true);
    const rxLate = await receiveIntoSink(room, late, [camera.id]);
    sinks.push(rxLate.sink);
    await waitFor('a low-bandwidth newcomer on the lowest layer', () => spatial(late, rxLate.consumers[0]!.id), (l) => l === 0);
    // …and lifting it restores what the client asked for (here: the default, the highest).
    await wide.setLowBandwidth(false);
    await waitFor('back to the top layer', () => spatial(wide, wideId), (l) => l === 2);
    await room.close();
  });
});

describe('key-frame requests of a broadcast', () => {
  /** PLIs/FIRs the producer sent to the teacher while all consumers asked for key frames at once, and how long that took. */
  async function keyFrameRequestsToTeacher(keyFrameRequestDelayMs: number, consumers: number): Promise<{ forwarded: number; ms: number }> {
    const room = await Room.create(pool, { roomId: `kf-${keyFrameRequestDelayMs}`, keyFrameRequestDelayMs });
    const log = recordEvents(room);
    const teacher = room.addPeer('teacher');
    const pub = await publishFromFfmpeg(teacher, { video: true });
    processes.push(pub.ffmpeg);
    await waitFor('publishing', () => named(log, 'publishingstarted').length, (n) => n === 1);
    const peers: { peer: ReturnType<Room['addPeer']>; consumerId: string; sink: RtpSink }[] = [];
    for (let i = 0; i < consumers; i++) {
      const peer = room.addPeer(`classroom-${i}`);
      const rx = await receiveIntoSink(room, peer, [pub.videoProducerId!]);
      sinks.push(rx.sink);
      peers.push({ peer, consumerId: rx.consumers[0]!.id, sink: rx.sink });
    }
    // The resumes' own requests are answered once every classroom receives.
    await waitFor('every classroom receiving', () => peers.map((p) => p.sink.total()), (n) => n.every((x) => x > 0));
    const before = await teacherKeyFrameRequests(teacher, pub.videoProducerId!);
    const started = Date.now();
    // Every classroom asks at once, every 400 ms for 4 s (as decoders on lossy links do).
    for (let round = 0; round < 10; round++) {
      await Promise.all(peers.map(({ peer, consumerId }) => peer.requestKeyFrame(consumerId)));
      await sleep(400);
    }
    const after = await teacherKeyFrameRequests(teacher, pub.videoProducerId!);
    const ms = Date.now() - started;
    await stopProcess(pub.ffmpeg);
    await room.close();
    return { forwarded: after - before, ms };
  }

  async function teacherKeyFrameRequests(teacher: ReturnType<Room['addPeer']>, producerId: string): Promise<number> {
    const [stat] = await teacher.getProducerStats(producerId);
    return (stat?.pliCount ?? 0) + (stat?.firCount ?? 0);
  }

  it('reach the teacher at most once per keyFrameRequestDelayMs, however many classrooms ask', async () => {
    const unthrottled = await keyFrameRequestsToTeacher(0, 8);
    const throttled = await keyFrameRequestsToTeacher(3000, 8);
    console.log(`key-frame requests forwarded to the teacher for 8 classrooms × 10 rounds: delay 0 → ${unthrottled.forwarded} in ${unthrottled.ms} ms, delay 3000 ms → ${throttled.forwarded} in ${throttled.ms} ms`);
    // 80 requests in 4 s (longer on a busy machine); with a 3 s delay at most one per 3 s of it (+1 for the window's edges).
    expect(throttled.forwarded).toBeLessThanOrEqual(Math.ceil(throttled.ms / 3000) + 1);
    expect(unthrottled.forwarded).toBeGreaterThan(throttled.forwarded);
  });
});
