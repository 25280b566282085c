/**
 * LIVE-RECORDING-RESUME (server/live/README.md): a recording cut off with its room — the media
 * room closed under the live room, the worker under it died, the node hosting the lesson drained
 * (server/cluster/SPEC.md N-DRAIN) — goes on by itself as the next part of the same series once
 * the teacher's picture and sound are back, and the session's recordings list both parts in order
 * with the gap between them. Two app nodes in this process on one database and one Redis
 * (test/support/cluster.ts); the teacher's camera and microphone are real RTP (ffmpeg into plain
 * producers), so each part is a real file.
 */
import type { ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalingClient } from '../../client/src/media/signaling.ts';
import { api } from '../../shared/api/index.ts';
import type { Recording } from '../../shared/schemas/live.ts';
import { liveRecordings } from '../../server/db/schema/index.ts';
import type { LiveRoom } from '../../server/live/LiveRoom.ts';
import { ffmpegSender, opusParameters, stopProcess, vp8Parameters } from '../media/helpers/rtp.ts';
import { consumeAll, enterLesson, startTwoNodes, type ClusterNode, type TwoNodes } from '../support/cluster.ts';
import { createLiveSession, nextNotification } from '../support/live.ts';
import { plainProducer } from '../support/plainMedia.ts';
import { waitFor } from '../support/waitFor.ts';

const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const shared = { REDIS_URL: redisUrl, REDIS_STREAM_NAME: `tongbu-test-${randomBytes(4).toString('hex')}`, CLUSTER_LEASE_MS: '3000', LIVE_SWEEP_SECONDS: '0' };

let nodes: TwoNodes;
let a: ClusterNode;
let b: ClusterNode;
const senders: ChildProcess[] = [];
let ssrc = 44_000_000;

beforeAll(async () => {
  nodes = await startTwoNodes(shared);
  ({ a, b } = nodes);
});

afterAll(async () => {
  for (const s of senders) await stopProcess(s);
  await nodes?.close();
});

/** The teacher's camera and microphone as a browser would send them: real RTP from ffmpeg into plain producers of its participant. */
async function teach(room: LiveRoom, peerId: string): Promise<ChildProcess> {
  const host = room.participants.get(peerId)!;
  const video = ++ssrc;
  const audio = ++ssrc;
  const camera = await plainProducer(room, host, 'camera', vp8Parameters([video]));
  const mic = await plainProducer(room, host, 'microphone', opusParameters(audio));
  const sender = ffmpegSender({ video: { port: camera.port, rtcpPort: camera.rtcpPort, ssrc: video }, audio: { port: mic.port, rtcpPort: mic.rtcpPort, ssrc: audio } });
  senders.push(sender);
  return sender;
}

/** The part being written has something on disk (ffmpeg got the first key frame). */
async function partWritten(node: ClusterNode, sessionId: string): Promise<void> {
  const db = nodes.platform.database.db;
  await waitFor(
    'the recording\'s file to grow',
    async () => {
      const [row] = await db.select().from(liveRecordings).where(and(eq(liveRecordings.sessionId, sessionId), eq(liveRecordings.status, 'recording')));
      return row ? stat(node.service.recordings.pathOf(row.storageKey)).then((s) => s.size, () => 0) : 0;
    },
    (size) => size > 0,
  );
}

async function recordingsOf(sessionId: string): Promise<Recording[]> {
  const teacher = await nodes.platform.signIn('teacher.wang');
  const list = await teacher.call(api.listRecordings, { params: { sessionId } });
  if (!list.ok) throw new Error(list.error.message);
  return list.data;
}

/** Two parts of one series, in order, the second after a gap that is shown. */
function expectTwoParts(list: Recording[], firstEnd: Recording['endReason']): void {
  expect(list.map((r) => [r.part, r.status, r.endReason])).toEqual([
    [1, 'ready', firstEnd],
    [2, 'ready', 'stopped'],
  ]);
  const [first, second] = list as [Recording, Recording];
  expect(first.seriesId).toBe(first.id);
  expect(second.seriesId).toBe(first.id);
  expect(first.gapSeconds).toBeNull();
  const gapMs = Date.parse(second.startedAt) - Date.parse(first.endedAt!);
  expect(gapMs).toBeGreaterThanOrEqual(0);
  // To a tenth of a second.
  expect(second.gapSeconds).toBe(Math.round(gapMs / 100) / 10);
}

describe('LIVE-RECORDING-RESUME on one node', () => {
  let sessionId: string;
  let teacher: SignalingClient;
  /** What feeds the teacher's producers now. */
  let sending: ChildProcess;

  beforeAll(async () => {
    sessionId = await createLiveSession(nodes.platform);
    teacher = await nodes.on(a, 'teacher.wang');
  });

  afterAll(async () => {
    await teacher.request('endSession', {}).catch(() => undefined);
  });

  it('LIVE-RECORDING-RESUME: the media room closes under the room mid-recording; the room made afresh records the next part by itself once the teacher publishes again', async () => {
    const first = await teacher.request('join', { sessionId });
    const room = a.service.rooms.get(sessionId)!;
    const sender = await teach(room, first.peerId);
    expect(await teacher.request('startRecording', {})).toMatchObject({ active: true });
    await partWritten(a, sessionId);

    // A rebuild that failed: the media room closes under the live room; the teacher's next join makes a new room.
    await room.media.close();
    await stopProcess(sender);
    const again = await teacher.request('join', { sessionId });
    const fresh = a.service.rooms.get(sessionId)!;
    expect(fresh).not.toBe(room);
    expect(again.room.recording.active).toBe(false);

    const resumed = nextNotification(teacher, 'recordingChanged', (s) => s.active);
    sending = await teach(fresh, again.peerId);
    const state = await resumed;
    const during = await recordingsOf(sessionId);
    expect(during.map((r) => [r.part, r.status])).toEqual([
      [1, 'ready'],
      [2, 'recording'],
    ]);
    expect(state.recordingId).toBe(during[1]!.id);
    await partWritten(a, sessionId);
    await teacher.request('stopRecording', {});
    expectTwoParts(await recordingsOf(sessionId), 'room-closed');
  });

  it('LIVE-RECORDING-RESUME: the worker under the room dies mid-recording; the same room records the next part by itself once the teacher publishes on the rebuilt media', async () => {
    const room = a.service.rooms.get(sessionId)!;
    const before = (await recordingsOf(sessionId)).length;
    const hostPeerId = [...room.participants.values()].find((p) => p.role === 'host')!.peerId;
    const third = await teacher.request('startRecording', {});
    await partWritten(a, sessionId);

    const rebuilt = nextNotification(teacher, 'mediaRebuilt');
    const worker = a.service.pool!.workers.find((w) => !w.closed && !w.died)!;
    process.kill(worker.pid, 'SIGKILL');
    await rebuilt;
    await stopProcess(sending);
    expect(a.service.rooms.get(sessionId)).toBe(room);

    const resumed = nextNotification(teacher, 'recordingChanged', (s) => s.active);
    await teach(room, hostPeerId);
    await resumed;
    await partWritten(a, sessionId);
    await teacher.request('stopRecording', {});
    const list = (await recordingsOf(sessionId)).slice(before);
    expect(list[0]!.id).toBe(third.recordingId);
    expect(list.map((r) => [r.part, r.endReason])).toEqual([
      [1, 'worker-died'],
      [2, 'stopped'],
    ]);
    expect(list[1]!.seriesId).toBe(third.recordingId);
  });
});

describe('LIVE-RECORDING-RESUME across nodes', () => {
  it('LIVE-RECORDING-RESUME, N-DRAIN: the node hosting a lesson is drained mid-recording; the node the lesson moves to records the next part of the same series by itself', async () => {
    const sessionId = await createLiveSession(nodes.platform);
    const teacher = await nodes.on(b, 'teacher.wang');
    const t = await teacher.request('join', { sessionId });
    // The socket reached node B, which has no lesson: node B hosts.
    const hosted = b.service.rooms.get(sessionId)!;
    expect(hosted).toBeDefined();
    const sender = await teach(hosted, t.peerId);
    // A classroom on node A follows the lesson through node B (N-RELAY).
    const ganpu = await nodes.on(a, 'class.ganpu');
    const g = await enterLesson(ganpu, sessionId);
    await consumeAll(ganpu, g.joined);
    await teacher.request('startRecording', {});
    await partWritten(b, sessionId);

    const toldTeacher = nextNotification(teacher, 'mediaRebuilt');
    const toldClassroom = nextNotification(ganpu, 'mediaRebuilt');
    const drained = b.cluster.drain();
    await toldTeacher;
    await toldClassroom;
    await stopProcess(sender);

    // Both join again, as their clients do on mediaRebuilt: node A hosts the lesson now.
    const again = await teacher.request('join', { sessionId });
    const moved = a.service.rooms.get(sessionId)!;
    expect(moved).toBeDefined();
    expect(b.service.rooms.has(sessionId)).toBe(false);
    const g2 = await enterLesson(ganpu, sessionId);
    await consumeAll(ganpu, g2.joined);

    const resumed = nextNotification(ganpu, 'recordingChanged', (s) => s.active);
    await teach(moved, again.peerId);
    await resumed;
    await drained;
    await partWritten(a, sessionId);
    await teacher.request('stopRecording', {});
    expectTwoParts(await recordingsOf(sessionId), 'room-closed');
    await teacher.request('endSession', {});
  });
});
