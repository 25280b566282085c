/**
 * A master-teacher lesson (名师课堂) bigger than its host node (server/cluster/SPEC.md
 * N-EDGE*): two app nodes behind nginx, each taking at most two consumers. The teacher
 * and 澉浦 reach node 1 (door 1), which hosts the lesson and is then full; 六里 reaches
 * node 2 (door 2), which opens an edge room and receives the teacher's camera and
 * microphone through a PipeTransport from node 1. (Placement may pick node 2 for the
 * lesson: then the doors are the other way round.) Both classrooms decode in real Chromium
 * — on loopback, then with each node, the load balancer and each school's Chromium on a
 * test host of its own (198.18.4.0/24), so the pipe crosses between two hosts' addresses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_WAIT_MS, startLoopbackCluster, type LoopbackCluster } from '../support/clusterNodes.ts';
import { createLiveSession } from '../support/live.ts';
import { endFromPage, framesGrow, openLivePage, peerIdOf, type LivePage } from '../support/liveBrowser.ts';
import { waitFor } from '../support/waitFor.ts';

for (const mode of ['loopback', 'namespaces'] as const) {
  describe(`a broadcast whose classrooms sit on two nodes (${mode})`, () => {
    let cluster: LoopbackCluster;
    let sessionId: string;
    let teacher: LivePage;
    let ganpu: LivePage;
    let liuli: LivePage;

    beforeAll(async () => {
      cluster = await startLoopbackCluster({ nodes: 2, namespaces: mode === 'namespaces', subnet: '198.18.4', env: { MEDIA_NODE_MAX_CONSUMERS: '2' } });
      sessionId = await createLiveSession(cluster, { mode: 'master', startsInMs: 2_000, durationMs: 10 * 60_000 });
      const door = (i: number) => ({ url: cluster.doors[i]!, signIn: cluster.signIn });
      teacher = await openLivePage(await cluster.browser(0), door(0), 'teacher.wang', `/live/${sessionId}`);
      await teacher.page.getByTestId('live-golive').click({ timeout: CLUSTER_WAIT_MS });
      await teacher.page.getByTestId('live-console').waitFor({ timeout: CLUSTER_WAIT_MS });
    }, 600_000);

    afterAll(async () => {
      await cluster?.close();
    });

    it('N-EDGE, N-EDGE-PIPE, N-EDGE-ROSTER: with the host full, the next classroom is placed on the other node, both classrooms decode the teacher, and the teacher\'s console lists both', async () => {
      const teacherPeer = await waitFor('the teacher joined', () => peerIdOf(teacher), (id) => !!id, CLUSTER_WAIT_MS);
      const host = (await cluster.hostOf(sessionId))!;
      const edge = host === 'node-1' ? 'node-2' : 'node-1';
      const doorOf = (node: string) => ({ url: cluster.doors[node === 'node-1' ? 0 : 1]!, signIn: cluster.signIn });
      ganpu = await openLivePage(await cluster.browser(1), doorOf(host), 'class.ganpu', `/live/${sessionId}`);
      await ganpu.page.getByTestId('live-terminal').waitFor({ timeout: CLUSTER_WAIT_MS });
      await framesGrow(ganpu, 'camera', teacherPeer, 5, CLUSTER_WAIT_MS);
      // The host tells the cluster it is full (the teacher's camera and microphone to 澉浦).
      await waitFor('the host reported full', async () => (await cluster.loads()).find((n) => n.nodeId === host)?.consumers ?? 0, (n) => n >= 2, CLUSTER_WAIT_MS);

      liuli = await openLivePage(await cluster.browser(2), doorOf(edge), 'class.liuli', `/live/${sessionId}`);
      await liuli.page.getByTestId('live-terminal').waitFor({ timeout: CLUSTER_WAIT_MS });
      await framesGrow(liuli, 'camera', teacherPeer, 5, CLUSTER_WAIT_MS);
      // 澉浦 still decodes on the host, and node 2 is an edge of the lesson, not its host.
      await framesGrow(ganpu, 'camera', teacherPeer, 5, CLUSTER_WAIT_MS);
      const loads = await waitFor('the other node reported as an edge', () => cluster.loads(), (l) => !!l.find((n) => n.nodeId === edge)?.edges?.includes(sessionId), CLUSTER_WAIT_MS);
      expect(loads.find((n) => n.nodeId === host)?.lessons).toEqual([sessionId]);
      expect(loads.find((n) => n.nodeId === edge)?.lessons).toEqual([]);
      expect(await cluster.hostOf(sessionId)).toBe(host);
      // N-EDGE-ROSTER: the teacher's console lists the classroom on the edge like the one on the host.
      const liuliPeer = await waitFor('the edge classroom joined', () => peerIdOf(liuli), (id) => !!id, CLUSTER_WAIT_MS);
      await teacher.page.locator(`[data-testid="live-classroom-tile"][data-peer-id="${liuliPeer}"]`).waitFor({ timeout: CLUSTER_WAIT_MS });
    });

    it('N-NODE-LOAD: the administrator\'s page of nodes shows the lesson on its host, with who is in it, and on the edge, with its host and receiver', async () => {
      const host = (await cluster.hostOf(sessionId))!;
      const admin = await openLivePage(await cluster.browser(0), { url: cluster.doors[0]!, signIn: cluster.signIn }, 'admin', '/system/nodes');
      const edgeRow = admin.page.getByTestId('node-edge');
      // The page reads what the nodes last announced: reloaded until the edge's receiver and the host's room are in.
      await waitFor(
        'the page to show the edge',
        async () => {
          await admin.page.reload();
          await admin.page.getByTestId('nodes-table').waitFor({ timeout: CLUSTER_WAIT_MS });
          return (await admin.page.getByTestId('node-edge-participants').count()) === 1 && (await admin.page.getByTestId('node-lesson').innerText()).includes('2 间教室');
        },
        (shown) => shown,
        CLUSTER_WAIT_MS,
        1_000,
      );
      expect(await edgeRow.innerText()).toContain(`主节点 ${host}`);
      expect(await admin.page.getByTestId('node-pipes').innerText()).toContain('2 路转发至边缘节点');
      await admin.context.close();
    });

    it('N-EDGE-CLOSE: the teacher ends the lesson; the classroom on the edge node is told it ended', async () => {
      await endFromPage(teacher.page);
      const status = liuli.page.getByTestId('live-ended-status');
      await status.waitFor({ timeout: CLUSTER_WAIT_MS });
      // The verdict the host judged, as 澉浦 on the host sees it too.
      await ganpu.page.getByTestId('live-ended-status').waitFor({ timeout: CLUSTER_WAIT_MS });
      expect(await status.getAttribute('data-status')).toBe(await ganpu.page.getByTestId('live-ended-status').getAttribute('data-status'));
      await waitFor('no node an edge any more', () => cluster.loads(), (l) => l.every((n) => (n.edges ?? []).length === 0), CLUSTER_WAIT_MS);
    });
  });
}
