/**
 * Big broadcasts across app nodes (server/cluster/SPEC.md N-EDGE*): each of two nodes
 * may carry only two consumers; the node hosting a master-teacher lesson is full once one
 * classroom receives the teacher's camera and microphone, and the next classroom lands
 * on the other node (the edge), which receives the teacher's producers through a
 * PipeTransport from the host. The teacher publishes from ffmpeg (a hardware encoder's
 * plain RTP), so real RTP crosses the pipe; the edge classroom receives on a plain
 * transport beside its signaling (no browser: the browser run is test/e2e/cluster-edge.test.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalingClient } from '../../client/src/media/signaling.ts';
import { SignalingError } from '../../shared/signaling/protocol.ts';
import { liveEvidenceIntervals, liveSessionVerdicts } from '../../server/db/schema/index.ts';
import { publishFromFfmpeg, RtpSink, sinkGrows, stopProcess } from '../media/helpers/rtp.ts';
import { startTwoNodes, type ClusterNode, type TwoNodes } from '../support/cluster.ts';
import { createLiveSession, fakeDtls, nextNotification } from '../support/live.ts';
import type { TestPlatform } from '../support/platform.ts';
import { waitFor } from '../support/waitFor.ts';

const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
// PGlite runs in the test's own process and holds its event loop now and then: a lease that outlasts that.
const shared = { MEDIA_NODE_MAX_CONSUMERS: '2', REDIS_URL: redisUrl, REDIS_STREAM_NAME: `tongbu-test-${randomBytes(4).toString('hex')}`, CLUSTER_LEASE_MS: '3000', LIVE_SWEEP_SECONDS: '0', CLUSTER_DRAIN_SECONDS: '2' };

let nodes: TwoNodes;
let nodeA: TestPlatform;
let a: ClusterNode;
let b: ClusterNode;
const processes: ChildProcess[] = [];
const sinks: RtpSink[] = [];
type Node = ClusterNode;
const on = (node: ClusterNode, username: string) => nodes.on(node, username);

beforeAll(async () => {
  // A node is full with two consumers: the teacher's camera and microphone to one classroom.
  nodes = await startTwoNodes(shared);
  ({ a, b, platform: nodeA } = nodes);
});

afterAll(async () => {
  for (const p of processes) await stopProcess(p);
  for (const s of sinks) s.close();
  await nodes?.close();
});

/** Joins, sets up a receive transport (a browser's, never connected here) and asks for what it may receive. */
async function receiver(s: SignalingClient, sessionId: string) {
  const joined = await s.request('join', { sessionId });
  const recv = await s.request('createTransport', { direction: 'recv' });
  await s.request('connectTransport', { transportId: recv.id, dtlsParameters: fakeDtls });
  const { consumers } = await s.request('consume', { rtpCapabilities: joined.routerRtpCapabilities });
  return { joined, consumers };
}

/**
 * A master-teacher lesson whose teacher publishes from ffmpeg, its host full (class.ganpu on
 * it consumes both producers); then class.liuli joins through the other node (`liuliOn: 'edge'`)
 * or through the host, which relays its join to the edge.
 */
async function fullHostAndEdgeClassroom(liuliOn: 'edge' | 'host') {
  const sessionId = await createLiveSession(nodeA, { mode: 'master' });
  const teacher = await on(a, 'teacher.wang');
  const t = await teacher.request('join', { sessionId });
  // Placement may pick either node (their worker CPU decides a tie).
  const [host, edge] = a.service.rooms.has(sessionId) ? [a, b] : [b, a];
  const hostRoom = host.service.rooms.get(sessionId)!;
  const teacherPeer = hostRoom.mediaPeer(hostRoom.participants.get(t.peerId)!);
  const pub = await publishFromFfmpeg(teacherPeer);
  processes.push(pub.ffmpeg);
  const producerIds = { camera: pub.videoProducerId!, microphone: pub.audioProducerId! };

  const ganpu = await on(host, 'class.ganpu');
  const g = await receiver(ganpu, sessionId);
  expect(g.consumers).toHaveLength(2);
  await waitFor('the host reported full', async () => edge.cluster.nodes.find((n) => n.nodeId === host.cluster.nodeId)?.consumers ?? 0, (n) => n >= 2);

  const liuli = await on(liuliOn === 'edge' ? edge : host, 'class.liuli');
  const l = await receiver(liuli, sessionId);
  return { sessionId, host, edge, teacher, t, hostRoom, teacherPeer, pub, producerIds, ganpu, g, liuli, l };
}

/** The edge classroom also receives on a plain transport into a UDP sink (what a hardware decoder would do). */
async function plainReceiver(edge: Node, sessionId: string, peerId: string, producerIds: string[]) {
  const edgeRoom = edge.service.rooms.get(sessionId)!;
  const p = edgeRoom.participants.get(peerId)!;
  const media = edgeRoom.mediaPeer(p);
  const sink = await RtpSink.open();
  sinks.push(sink);
  const t = await media.createPlainTransport({ direction: 'recv' });
  // A transport of the participant, as the evidence sees it.
  p.transports.set(t.id, 'recv');
  await media.connectPlainTransport(t.id, { ip: '127.0.0.1', port: sink.port });
  const ssrcs: number[] = [];
  for (const producerId of producerIds) {
    const c = await media.consume({ producerId, transportId: t.id });
    await media.resumeConsumer(c.id);
    ssrcs.push(c.rtpParameters.encodings![0]!.ssrc!);
  }
  return { sink, ssrcs };
}

describe('a broadcast bigger than its host node', () => {
  let lesson: Awaited<ReturnType<typeof fullHostAndEdgeClassroom>>;

  it('N-EDGE, N-EDGE-PIPE: once the host is full, a classroom of a master-teacher lesson is placed on another node and receives the teacher through a pipe', async () => {
    lesson = await fullHostAndEdgeClassroom('edge');
    const { sessionId, host, edge, t, l, producerIds } = lesson;
    // The edge has a room for the lesson but does not host it: the host keeps the lease and its room.
    expect(edge.service.rooms.has(sessionId)).toBe(true);
    expect(edge.cluster.load()).toMatchObject({ lessons: [], edges: [sessionId] });
    expect(host.cluster.load()).toMatchObject({ lessons: [sessionId], edges: [] });
    // The host lists the classroom only as a mirror of the edge's participant (N-EDGE-ROSTER): no media of it there.
    expect(host.service.rooms.get(sessionId)!.participants.get(l.joined.peerId)?.edge?.node).toBe(edge.cluster.nodeId);
    expect(host.service.rooms.get(sessionId)!.media.hasPeer(l.joined.peerId)).toBe(false);
    // The classroom sees the teacher (online, publishing) and receives its producers under their own ids.
    const teacherView = l.joined.room.peers.find((p) => p.role === 'host');
    expect(teacherView).toMatchObject({ peerId: t.peerId, online: true });
    expect([...teacherView!.publishing].sort()).toEqual(['camera', 'microphone']);
    expect(l.consumers.map((c) => [c.source, c.producerId, c.producerPeerId]).sort()).toEqual(
      [
        ['camera', producerIds.camera, t.peerId],
        ['microphone', producerIds.microphone, t.peerId],
      ].sort(),
    );
    // RTP crosses from the host's worker to the edge's.
    const rx = await plainReceiver(edge, sessionId, l.joined.peerId, [producerIds.camera, producerIds.microphone]);
    for (const ssrc of rx.ssrcs) await sinkGrows(rx.sink, ssrc, 30);
    // The heartbeat tells the cluster: one node hosts the lesson, the other is an edge of it.
    await waitFor('the edge reported as one', async () => host.cluster.nodes.find((n) => n.nodeId === edge.cluster.nodeId)?.edges ?? [], (e) => e.includes(sessionId));
  });

  it('N-EDGE-PIPE: the host\'s pause and resume reach the edge classroom as they reach one on the host', async () => {
    const { liuli, l, teacherPeer, producerIds, ganpu, g } = lesson;
    const micAtEdge = l.consumers.find((c) => c.source === 'microphone')!.id;
    const micAtHost = g.consumers.find((c) => c.source === 'microphone')!.id;
    const pausedAtEdge = nextNotification(liuli, 'consumerPaused', (n) => n.consumerId === micAtEdge);
    const pausedAtHost = nextNotification(ganpu, 'consumerPaused', (n) => n.consumerId === micAtHost);
    const shown = nextNotification(liuli, 'peerUpdated', (n) => n.peer.role === 'host' && !n.peer.publishing.includes('microphone'));
    await teacherPeer.pauseProducer(producerIds.microphone);
    await Promise.all([pausedAtEdge, pausedAtHost, shown]);
    const resumed = nextNotification(liuli, 'consumerResumed', (n) => n.consumerId === micAtEdge);
    await teacherPeer.resumeProducer(producerIds.microphone);
    await resumed;
  });

  it('N-EDGE-EVIDENCE, N-EDGE-CLOSE: the teacher ends the lesson; the edge classroom is told the verdict, and its evidence, written once by the edge, ends with the lesson', async () => {
    const { sessionId, edge, teacher, liuli, l } = lesson;
    const endedAtEdge = nextNotification(liuli, 'sessionEnded');
    const verdict = await teacher.request('endSession', {});
    expect((await endedAtEdge).status).toBe(verdict.status);
    await waitFor('the edge room closed', async () => edge.service.rooms.has(sessionId), (has) => !has);
    expect(edge.cluster.load().edges).toEqual([]);

    const db = nodeA.database.db;
    const [v] = await db.select().from(liveSessionVerdicts).where(eq(liveSessionVerdicts.sessionId, sessionId));
    const rows = await db.select().from(liveEvidenceIntervals).where(eq(liveEvidenceIntervals.sessionId, sessionId));
    const edgeRows = rows.filter((r) => r.peerId === l.joined.peerId);
    // Its transport and the teacher's camera and microphone, once each (nobody else writes them); the microphone twice, the pause a gap between.
    const kinds = (rs: typeof rows) => rs.map((r) => [r.kind, r.source ?? '', r.endReason]).sort();
    expect(kinds(edgeRows)).toEqual([
      ['connected', '', 'session_ended'],
      ['receiving', 'camera', 'session_ended'],
      ['receiving', 'microphone', 'session_ended'],
      ['receiving', 'microphone', 'stopped'],
    ]);
    for (const r of edgeRows.filter((x) => x.endReason === 'session_ended')) expect(r.endedAt?.toISOString()).toBe(v!.endedAt.toISOString());
    // The teacher's publishing is the host's to write (the microphone paused once): not again by the edge.
    const publishing = await db
      .select()
      .from(liveEvidenceIntervals)
      .where(and(eq(liveEvidenceIntervals.sessionId, sessionId), eq(liveEvidenceIntervals.kind, 'publishing')));
    expect(publishing.map((r) => r.source).sort()).toEqual(['camera', 'microphone', 'microphone']);
    expect(new Set(publishing.map((r) => r.peerId))).toEqual(new Set([lesson.t.peerId]));
  });

  it('N-EDGE-CLOSE, N-EDGE-FAILOVER: when the host gives the lesson up (draining), the edge closes its room and its classroom joins again', async () => {
    // The ended lesson's consumers leave the nodes' reported load at their next heartbeat.
    await waitFor('both nodes reported empty again', async () => a.cluster.nodes, (ns) => ns.length === 2 && ns.every((n) => n.consumers === 0));
    // This time the classroom's socket is on the full host, which relays its join to the edge.
    const second = await fullHostAndEdgeClassroom('host');
    const { host, edge } = second;
    expect(edge.service.rooms.has(second.sessionId)).toBe(true);
    expect(host.service.rooms.get(second.sessionId)!.media.hasPeer(second.l.joined.peerId)).toBe(false);
    const rx = await plainReceiver(edge, second.sessionId, second.l.joined.peerId, [second.producerIds.camera]);
    await sinkGrows(rx.sink, rx.ssrcs[0]!, 10);
    const toldEdge = nextNotification(second.liuli, 'mediaRebuilt');
    const toldHost = nextNotification(second.ganpu, 'mediaRebuilt');
    const drained = host.cluster.drain();
    await Promise.all([toldEdge, toldHost]);
    await waitFor('the edge room closed', async () => edge.service.rooms.has(second.sessionId), (has) => !has);
    // The recorder writes the closed intervals after the room is gone: wait for them.
    const edgeRows = await waitFor(
      "the edge classroom's intervals written as ended",
      async () => (await nodeA.database.db.select().from(liveEvidenceIntervals).where(eq(liveEvidenceIntervals.sessionId, second.sessionId))).filter((r) => r.peerId === second.l.joined.peerId),
      (rs) => rs.length > 0 && rs.every((r) => r.endReason !== null),
    );
    expect(new Set(edgeRows.map((r) => r.endReason))).toEqual(new Set(['media_rebuilt']));
    // The edge room's consumers leave the edge's reported load at its next heartbeat.
    await waitFor('the edge reported room again', async () => host.cluster.nodes.find((n) => n.nodeId === edge.cluster.nodeId)?.consumers ?? 2, (c) => c < 2);
    // Joining again, the classroom's lesson is hosted by the other node, the only one taking lessons now.
    // As the client's recovery does, it tries again while the cluster still answers that no node may take it.
    const again = await waitFor(
      'the classroom joined again',
      () => second.liuli.request('join', { sessionId: second.sessionId }).catch((err: unknown) => {
        if (err instanceof SignalingError && err.code === 'media_unavailable') return null;
        throw err;
      }),
      (answer) => answer !== null,
    );
    if (!again) throw new Error('not joined');
    expect(again.resumed).toBe(false);
    await drained;
    expect(edge.service.rooms.has(second.sessionId)).toBe(true);
    expect(edge.cluster.load()).toMatchObject({ lessons: [second.sessionId], edges: [] });
  });
});
