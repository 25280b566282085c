/**
 * The host's room and its edge (server/cluster/SPEC.md N-EDGE-ROSTER, N-EDGE-HAND,
 * N-EDGE-STAGE, N-PLACEMENT-PIPES, N-LIVE-LIST): each of two nodes may carry two consumers;
 * the node hosting a master-teacher lesson is full once one classroom receives the teacher's
 * camera and microphone, so the second classroom and a patrol follow the lesson on the other
 * node. The teacher's list, hands, patrol marker and the lists of lessons live now are
 * signaling and bookkeeping: no RTP is sent here (real RTP through the pipe:
 * cluster-edge.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalingClient } from '../../client/src/media/signaling.ts';
import { api } from '../../shared/api/index.ts';
import type { Health } from '../../shared/schemas/health.ts';
import type { ResponseOf } from '../../shared/signaling/protocol.ts';
import { liveActivityIntervals } from '../../server/db/schema/index.ts';
import { consumeAll, enterLesson, startTwoNodes, type ClusterNode, type TwoNodes } from '../support/cluster.ts';
import { createLiveSession, nextNotification, signalingRefusal } from '../support/live.ts';
import { sample, scrapeMetrics } from '../support/metrics.ts';
import { signInAt, type SignedInClient } from '../support/platform.ts';
import { waitFor } from '../support/waitFor.ts';

const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
// PGlite runs in the test's own process and holds its event loop now and then: a lease that outlasts that.
const METRICS_TOKEN = 'metrics-token-for-the-edge-roster-run';
const shared = { METRICS_TOKEN, MEDIA_NODE_MAX_CONSUMERS: '2', REDIS_URL: redisUrl, REDIS_STREAM_NAME: `tongbu-test-${randomBytes(4).toString('hex')}`, CLUSTER_LEASE_MS: '3000', LIVE_SWEEP_SECONDS: '0', CLUSTER_DRAIN_SECONDS: '2' };

let nodes: TwoNodes;

beforeAll(async () => {
  nodes = await startTwoNodes(shared);
});

afterAll(async () => {
  await nodes?.close();
});

const signedIn = new Map<string, Promise<SignedInClient>>();

/** What the lists of lessons live now say of a lesson, asked through `node`'s API. */
async function listedOn(node: ClusterNode, username: string, sessionId: string) {
  const key = `${node.id}/${username}`;
  if (!signedIn.has(key)) signedIn.set(key, signInAt(node.url, username));
  const user = await signedIn.get(key)!;
  const now = await user.call(api.liveNow);
  const patrol = username.startsWith('coord.') ? await user.call(api.livePatrol) : null;
  return {
    now: now.ok ? now.data.find((i) => i.session.id === sessionId) : undefined,
    patrol: patrol?.ok ? patrol.data.find((i) => i.session.id === sessionId) : undefined,
  };
}

describe('a master-teacher lesson whose host node is full', () => {
  let sessionId: string;
  let host: ClusterNode;
  let edge: ClusterNode;
  let teacher: SignalingClient;
  let liuli: SignalingClient;
  let ganpu: SignalingClient;
  let teacherMicrophone: string;
  let l: ResponseOf<'join'>;

  beforeAll(async () => {
    sessionId = await createLiveSession(nodes.platform, { mode: 'master' });
    teacher = await nodes.on(nodes.a, 'teacher.wang');
    teacherMicrophone = (await enterLesson(teacher, sessionId, ['camera', 'microphone'])).produced['microphone']!;
    // Placement may pick either node (their worker CPU decides a tie).
    [host, edge] = nodes.a.service.rooms.has(sessionId) ? [nodes.a, nodes.b] : [nodes.b, nodes.a];
    ganpu = await nodes.on(host, 'class.ganpu');
    const g = await enterLesson(ganpu, sessionId);
    expect((await consumeAll(ganpu, g.joined)).consumers).toHaveLength(2);
    await waitFor('the host reported full', async () => edge.cluster.nodes.find((n) => n.nodeId === host.id)?.consumers ?? 0, (n) => n >= 2);
  });

  it('N-LIVE-LIST: the other node lists the lesson with the head count of the host\'s room, and patrols it with its teachers and classrooms, in the same scope', async () => {
    const listed = await waitFor('the other node to list the lesson with its room', () => listedOn(edge, 'coord.shiyan', sessionId), (x) => x.now?.peers === 2);
    expect(listed.now).toMatchObject({ role: 'observer', recording: false });
    expect(listed.patrol).toMatchObject({ plannedClassrooms: 3, present: { teachers: 1, classrooms: 1 }, recording: false });
    expect((await listedOn(edge, 'class.ganpu', sessionId)).now?.peers).toBe(2);
    // The same scoping as on one node: another community's coordinator lists nothing of it.
    expect(await listedOn(edge, 'coord.xiangyang', sessionId)).toEqual({ now: undefined, patrol: undefined });
  });

  it('N-EDGE-ROSTER, N-PLACEMENT-PIPES: a classroom placed on the edge joins the teacher\'s list, marked as on an edge; the pipe to the edge counts in the host\'s load', async () => {
    const joined = nextNotification(teacher, 'peerJoined', (n) => n.peer.role === 'classroom' && n.peer.onEdge);
    liuli = await nodes.on(edge, 'class.liuli');
    l = await liuli.request('join', { sessionId });
    expect(edge.service.rooms.has(sessionId)).toBe(true);
    expect(edge.cluster.load()).toMatchObject({ lessons: [], edges: [sessionId] });
    const shown = (await joined).peer;
    expect(shown).toMatchObject({ peerId: l.peerId, displayName: l.room.peers.find((p) => p.peerId === l.peerId)!.displayName, online: true, handRaised: false, onEdge: true });
    // Listed in the host's room (its snapshot answers the next join), written by the edge alone.
    const hostRoom = host.service.rooms.get(sessionId)!;
    expect(hostRoom.snapshot().peers.map((p) => [p.role, p.onEdge]).sort()).toEqual([
      ['classroom', false],
      ['classroom', true],
      ['host', false],
    ]);
    // The teacher's camera and microphone, each sent once through the pipe: two more consumers on the host.
    expect(host.cluster.load()).toMatchObject({ consumers: 4, pipeConsumers: 2 });
    const health = await waitFor(
      'the host\'s health to count the pipe',
      () => fetch(`${edge.url}/api/health`).then((r) => r.json() as Promise<Health>),
      (h) => h.cluster?.nodes.find((n) => n.nodeId === host.id)?.pipeConsumers === 2,
    );
    expect(health.cluster!.nodes.find((n) => n.nodeId === host.id)).toMatchObject({ consumers: 4 });
    const metrics = await (await scrapeMetrics(edge.url, METRICS_TOKEN)).text();
    expect(sample(metrics, 'tongbu_cluster_node_pipe_consumers', { node: host.id })).toBe(2);
    expect(sample(metrics, 'tongbu_cluster_node_consumers', { node: host.id })).toBe(4);
    // The lists count it too.
    await waitFor('the lists to count the edge classroom', () => listedOn(edge, 'class.ganpu', sessionId), (x) => x.now?.peers === 3);
  });

  it('N-NODE-LOAD: the administrator\'s node list shows the pipes to the edge, the edge\'s receivers, and the lesson on the edge with its host', async () => {
    const admin = await signInAt(edge.url, 'admin');
    const view = await waitFor(
      'the node list to show the edge',
      async () => {
        const r = await admin.call(api.clusterNodes, {});
        return r.ok ? r.data : null;
      },
      (v) =>
        v?.nodes.find((n) => n.nodeId === edge.id)?.edgeParticipants === 1 &&
        v.nodes.find((n) => n.nodeId === host.id)?.pipeConsumers === 2 &&
        v.nodes.find((n) => n.nodeId === host.id)?.lessonDetails[0]?.present?.peers === 3,
    );
    const hosting = view!.nodes.find((n) => n.nodeId === host.id)!;
    const onEdge = view!.nodes.find((n) => n.nodeId === edge.id)!;
    // The host's room, as the host sees it: the teacher, its own classroom and the edge's.
    expect(hosting.lessonDetails).toEqual([expect.objectContaining({ sessionId, present: { peers: 3, teachers: 1, classrooms: 2 } })]);
    expect(hosting.edgeDetails).toEqual([]);
    expect(onEdge.lessonDetails).toEqual([]);
    expect(onEdge.edgeDetails).toEqual([expect.objectContaining({ sessionId, host: host.id })]);
  });

  it('N-EDGE-HAND: a hand raised on the edge reaches the teacher; the teacher lowers it and mutes the classroom, the classroom is told on its node, and its hand is written once, by the edge', async () => {
    const raised = nextNotification(teacher, 'handRaised', (n) => n.peerId === l.peerId && n.raised);
    const updated = nextNotification(teacher, 'peerUpdated', (n) => n.peer.peerId === l.peerId && n.peer.handRaised);
    await liuli.request('raiseHand', { raised: true });
    await Promise.all([raised, updated]);

    const loweredThere = nextNotification(liuli, 'handRaised', (n) => n.peerId === l.peerId && !n.raised);
    const loweredHere = nextNotification(teacher, 'handRaised', (n) => n.peerId === l.peerId && !n.raised);
    await teacher.request('lowerHand', { peerId: l.peerId });
    await Promise.all([loweredThere, loweredHere]);

    const mutedThere = nextNotification(liuli, 'mutedByHost', (n) => n.muted);
    const mutedHere = nextNotification(teacher, 'peerUpdated', (n) => n.peer.peerId === l.peerId && n.peer.mutedByHost);
    await teacher.request('muteClassroom', { peerId: l.peerId, muted: true });
    await Promise.all([mutedThere, mutedHere]);

    const hands = await waitFor(
      'the edge classroom\'s hand written as lowered',
      () => nodes.platform.database.db.select().from(liveActivityIntervals).where(and(eq(liveActivityIntervals.sessionId, sessionId), eq(liveActivityIntervals.kind, 'hand'))),
      (rows) => rows.length > 0 && rows.every((r) => r.endedAt !== null),
    );
    expect(hands.map((r) => [r.peerId, r.endReason])).toEqual([[l.peerId, 'stopped']]);
  });

  it('N-EDGE-STAGE: the teacher cannot put an edge classroom on stage (edge_stage_unsupported)', async () => {
    expect((await signalingRefusal(teacher.request('setStage', { peerId: l.peerId }))).code).toBe('edge_stage_unsupported');
    expect(host.service.rooms.get(sessionId)!.stageAccountId).toBeNull();
  });

  it('N-EDGE-TOOLS, BOARD-EDGE: the teacher\'s quiz and board reach the edge classroom, whose answer reaches the teacher; with chat allowed, its message reaches the teacher and the teacher\'s reaches it', async () => {
    const shown = nextNotification(liuli, 'boardShown', (b) => b.active && b.page === 3);
    await teacher.request('showCourseware', { coursewareId: null, page: 1 });
    await teacher.request('turnPage', { page: 3 });
    await shown;
    // A late look at the board is the host's: the page it is on.
    expect(await liuli.request('boardState', {})).toMatchObject({ active: true, coursewareId: null, page: 3 });

    const asked = nextNotification(liuli, 'quizAsked');
    const { question } = await teacher.request('quizAsk', { kind: 'single', text: '1/2 和 2/4 哪个大？', options: ['1/2', '2/4', '一样大'], correct: [2], limitSeconds: 600 });
    // Both classrooms are awaited, the one on the edge too.
    expect(question.expected).toBe(2);
    expect((await asked).question).toMatchObject({ id: question.id, correct: null });
    // A late look at the quiz is the host's too.
    expect((await liuli.request('quizState', {})).questions.map((q) => q.id)).toEqual([question.id]);

    const arrives = nextNotification(teacher, 'quizAnswered', (n) => n.answer.questionId === question.id);
    const { answer } = await liuli.request('quizAnswer', { questionId: question.id, choice: [2] });
    expect((await arrives).answer).toMatchObject({ classroomId: answer.classroomId, choice: [2], correct: true });
    // T-QUIZ-ONCE holds across the nodes: the host's room refuses a second answer.
    expect((await signalingRefusal(liuli.request('quizAnswer', { questionId: question.id, choice: [0] }))).code).toBe('conflict');
    const revealed = nextNotification(liuli, 'quizRevealed', (n) => n.question.id === question.id);
    await teacher.request('quizReveal', { questionId: question.id });
    expect((await revealed).question).toMatchObject({ correct: [2], tally: [0, 0, 1] });

    const allowed = nextNotification(liuli, 'chatSettingsChanged', (n) => n.classroomsMayChat);
    await teacher.request('chatSettings', { classroomsMayChat: true });
    await allowed;
    const fromEdge = nextNotification(teacher, 'chatMessage', (n) => n.message.text === '老师，我们听清楚了');
    await liuli.request('chatSend', { text: '老师，我们听清楚了' });
    await fromEdge;
    const toEdge = nextNotification(liuli, 'chatMessage', (n) => n.message.text === '很好');
    await teacher.request('chatSend', { text: '很好' });
    await toEdge;
  });

  it('N-EDGE-ROSTER: a patrol on the edge is counted in the teacher\'s patrol marker and stays out of every list', async () => {
    const marker = nextNotification(teacher, 'patrolChanged', (d) => d.patrols === 1);
    const coordinator = await nodes.on(edge, 'coord.shiyan');
    const c = await coordinator.request('join', { sessionId });
    expect(edge.service.rooms.get(sessionId)!.participants.has(c.peerId)).toBe(true);
    await marker;
    expect(host.service.rooms.get(sessionId)!.snapshot().peers.some((p) => p.role === 'observer')).toBe(false);
    expect((await listedOn(edge, 'class.ganpu', sessionId)).now?.peers).toBe(3);
    const left = nextNotification(teacher, 'patrolChanged', (d) => d.patrols === 0);
    await coordinator.request('leave', {});
    await left;
  });

  it('N-EDGE-ONE-DEVICE: a classroom joining again from a second device, placed on the edge, replaces its first device on the host: that one is told so, and the teacher lists the classroom once', async () => {
    const hostRoom = host.service.rooms.get(sessionId)!;
    const ganpuAccount = [...hostRoom.participants.values()].find((p) => p.actor.username === 'class.ganpu')!.actor.accountId;
    const removed = nextNotification(ganpu, 'removed');
    const shown = nextNotification(teacher, 'peerJoined', (n) => n.peer.onEdge && n.peer.accountId === ganpuAccount);
    const second = await nodes.on(edge, 'class.ganpu');
    const g2 = await second.request('join', { sessionId });
    expect(edge.service.rooms.get(sessionId)!.participants.has(g2.peerId)).toBe(true);
    expect((await removed).reason).toBe('joined-elsewhere');
    expect((await shown).peer.peerId).toBe(g2.peerId);
    expect([...hostRoom.participants.values()].filter((p) => p.actor.accountId === ganpuAccount).map((p) => p.peerId)).toEqual([g2.peerId]);
    // A change of the second device still reaches the teacher; the first device's seat stays empty.
    const raised = nextNotification(teacher, 'handRaised', (n) => n.peerId === g2.peerId && n.raised);
    await second.request('raiseHand', { raised: true });
    await raised;
    expect(hostRoom.snapshot().peers.filter((p) => p.accountId === ganpuAccount)).toHaveLength(1);

    // The other way round: the teacher stops the microphone, one pipe consumer less, and the host has room again;
    // a third device of the classroom joins the host itself and replaces the one on the edge, which its node removes.
    await teacher.request('closeProducer', { producerId: teacherMicrophone });
    await waitFor('the host to have room again', async () => host.cluster.load(), (load) => load.consumers < 2);
    const removedOnEdge = nextNotification(second, 'removed');
    const third = await nodes.on(host, 'class.ganpu');
    const g3 = await enterLesson(third, sessionId);
    expect(hostRoom.participants.get(g3.joined.peerId)?.edge).toBeUndefined();
    expect((await removedOnEdge).reason).toBe('joined-elsewhere');
    await waitFor('the edge to remove the second device', async () => edge.service.rooms.get(sessionId)!.participants.has(g2.peerId), (there) => !there);
    expect([...hostRoom.participants.values()].filter((p) => p.actor.accountId === ganpuAccount).map((p) => p.peerId)).toEqual([g3.joined.peerId]);
    // It receives the teacher's camera here, which fills the host again.
    expect((await consumeAll(third, g3.joined)).consumers).toHaveLength(1);
  });

  it('N-EDGE-ROSTER, N-EDGE-TOOLS: the edge classroom leaving, and the edge closing its room, take it off the teacher\'s list; joined again through the host\'s node it is listed and served again; the pipe leaves the host\'s load', async () => {
    const left = nextNotification(teacher, 'peerLeft', (n) => n.peerId === l.peerId);
    await liuli.request('leave', {});
    await left;

    // Joining again through the host's node, which relays the join to the edge (N-EDGE): listed again, and its tools still the host's.
    const back = nextNotification(teacher, 'peerJoined', (n) => n.peer.onEdge);
    const relayed = await nodes.on(host, 'class.liuli');
    const again = await relayed.request('join', { sessionId });
    expect((await back).peer.peerId).toBe(again.peerId);
    expect(edge.service.rooms.get(sessionId)!.participants.has(again.peerId)).toBe(true);
    expect((await relayed.request('quizState', {})).questions).toHaveLength(1);
    const told = nextNotification(relayed, 'chatMessage', (n) => n.message.text === '下课前再看一遍');
    await teacher.request('chatSend', { text: '下课前再看一遍' });
    await told;
    // The edge node drains: it closes its room by itself and tells the host, whose list forgets the classroom.
    const gone = nextNotification(teacher, 'peerLeft', (n) => n.peerId === again.peerId);
    await edge.cluster.drain();
    await gone;
    // Left on the host: the classroom receiving the teacher's camera (N-EDGE-ONE-DEVICE above).
    await waitFor('the host\'s pipe closed', async () => host.cluster.load(), (load) => load.pipeConsumers === 0 && load.consumers === 1);
  });
});
