/**
 * Worker failure: SIGKILL the worker under a room. The pool replaces it, the
 * room closes the evidence intervals at the moment of death, rebuilds its
 * routers, emits `rebuilt`, and peers (same identities) can publish and
 * receive again over new transports.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Room } from '../../media/Room.ts';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { named, publishFromFfmpeg, receiveIntoSink, recordEvents, stopProcess, type RecordedEvent, type RtpSink } from './helpers/rtp.ts';
import { waitFor } from '../support/waitFor.ts';

const pools: WorkerPool[] = [];
const processes: ChildProcess[] = [];
const sinks: RtpSink[] = [];

afterAll(async () => {
  for (const p of processes) await stopProcess(p);
  for (const s of sinks) s.close();
  for (const p of pools) p.close();
});

async function newPool(size: number): Promise<WorkerPool> {
  const pool = await WorkerPool.create({ size, logLevel: 'none', restartDelayMs: 100 });
  pools.push(pool);
  return pool;
}

/** Teacher publishing camera + microphone from ffmpeg, a classroom receiving both into a sink. */
async function lesson(room: Room, log: RecordedEvent[]) {
  const teacher = room.hasPeer('teacher') ? room.getPeer('teacher') : room.addPeer('teacher');
  const classroom = room.hasPeer('classroom') ? room.getPeer('classroom') : room.addPeer('classroom');
  const mark = log.length;
  const pub = await publishFromFfmpeg(teacher);
  processes.push(pub.ffmpeg);
  await waitFor('publishing', () => named(log.slice(mark), 'publishingstarted').length, (n) => n === 2);
  const rx = await receiveIntoSink(room, classroom, [pub.videoProducerId!, pub.audioProducerId!]);
  sinks.push(rx.sink);
  await waitFor('media at the classroom', () => rx.consumers.map((c) => rx.sink.count(rx.ssrcOf(c.id))), (n) => n.every((v) => v > 10));
  return { teacher, classroom, pub, rx };
}

describe('a worker dies under a room', () => {
  it('SIGKILL of the main router’s worker: intervals close, the room rebuilds, peers publish and receive again', async () => {
    const pool = await newPool(2);
    const died: number[] = [];
    pool.on('workerdied', (dead) => died.push(dead.pid));
    const room = await Room.create(pool, { roomId: 'rebuild-main' });
    const log = recordEvents(room);
    const first = await lesson(room, log);
    const deadPid = room.routers[0]!.workerPid;

    const mark = log.length;
    const killedAt = Date.now();
    process.kill(deadPid, 'SIGKILL');
    const rebuilt = await new Promise<[Date, readonly string[]]>((resolve) => room.once('rebuilt', (at, peers) => resolve([at, peers])));
    const rebuiltSeen = Date.now();
    expect([...rebuilt[1]].sort()).toEqual(['classroom', 'teacher']);
    expect(rebuilt[0].getTime()).toBeGreaterThanOrEqual(killedAt);

    // Every open interval was closed when the worker died, before `rebuilt`.
    const after = log.slice(mark).map((e) => e.event);
    expect(after.filter((e) => e === 'receivingstopped')).toHaveLength(2);
    expect(after.filter((e) => e === 'publishingstopped')).toHaveLength(2);
    expect(after.filter((e) => e === 'transportdisconnected')).toHaveLength(3);
    expect(after.indexOf('rebuilt')).toBeGreaterThan(after.lastIndexOf('transportdisconnected'));
    expect(after).not.toContain('peerleft');
    // Stamped when the worker died (between the kill and the rebuild), however long the rebuild took.
    for (const e of log.slice(mark, mark + after.indexOf('rebuilt') + 1)) {
      expect(e.at.getTime()).toBeGreaterThanOrEqual(killedAt);
      expect(e.at.getTime()).toBeLessThanOrEqual(rebuiltSeen);
    }

    // Peers keep their identity; their old transports are gone.
    expect(room.hasPeer('teacher') && room.hasPeer('classroom')).toBe(true);
    expect(first.teacher.transports).toHaveLength(0);
    expect(first.classroom.consumers).toHaveLength(0);
    expect(room.listProducers()).toHaveLength(0);
    expect(room.routers[0]!.workerPid).not.toBe(deadPid);
    await stopProcess(first.pub.ffmpeg);

    // The same peers publish and receive again over new transports.
    await lesson(room, log);
    await waitFor('the replacement worker', () => died, (d) => d.includes(deadPid));
    expect((await pool.info()).every((w) => w.alive)).toBe(true);
    await room.close();
  });

  it('with a single worker, the room waits for the replacement and rebuilds on it', async () => {
    const pool = await newPool(1);
    const room = await Room.create(pool, { roomId: 'rebuild-single' });
    const log = recordEvents(room);
    const first = await lesson(room, log);
    const deadPid = pool.workers[0]!.pid;
    process.kill(deadPid, 'SIGKILL');
    await new Promise((resolve) => room.once('rebuilt', resolve));
    expect(pool.workers[0]!.pid).not.toBe(deadPid);
    expect(room.routers[0]!.workerPid).toBe(pool.workers[0]!.pid);
    await stopProcess(first.pub.ffmpeg);
    await lesson(room, log);
    await room.close();
  });

  it('SIGKILL of an overflow router’s worker affects only the classrooms on it', async () => {
    const pool = await newPool(2);
    const room = await Room.create(pool, { roomId: 'rebuild-overflow', maxConsumersPerRouter: 2 });
    const log = recordEvents(room);
    const { pub, rx } = await lesson(room, log);
    const far = room.addPeer('far-classroom');
    const rxFar = await receiveIntoSink(room, far, [pub.videoProducerId!, pub.audioProducerId!]);
    sinks.push(rxFar.sink);
    const overflow = room.routers.find((r) => !r.main)!;
    expect(far.transportInfo(rxFar.transportId).workerPid).toBe(overflow.workerPid);
    await waitFor('media on the overflow router', () => rxFar.sink.total(), (n) => n > 20);

    const mark = log.length;
    process.kill(overflow.workerPid, 'SIGKILL');
    const [, peers] = await new Promise<[Date, readonly string[]]>((resolve) => room.once('rebuilt', (at, p) => resolve([at, p])));
    expect(peers).toEqual(['far-classroom']);
    expect(named(log.slice(mark), 'publishingstopped')).toHaveLength(0);
    expect(named(log.slice(mark), 'receivingstopped').map((e) => e.args[0])).toEqual(['far-classroom', 'far-classroom']);
    // The teacher and the first classroom carry on.
    const before = rx.sink.total();
    await waitFor('the first classroom still receiving', () => rx.sink.total(), (n) => n > before + 20);

    // The far classroom re-establishes its transport on a live worker and receives again.
    const again = await receiveIntoSink(room, far, [pub.videoProducerId!, pub.audioProducerId!]);
    sinks.push(again.sink);
    await waitFor('media for the far classroom again', () => again.sink.total(), (n) => n > 20);
    await room.close();
  });
});
