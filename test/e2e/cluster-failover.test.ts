/**
 * Three app nodes (server/main.ts processes, one mediasoup worker each) on one
 * PostgreSQL database and one Redis, behind nginx as the load balancer, with real
 * Chromium pages (server/cluster/SPEC.md) — first on loopback, then each node, the
 * load balancer and each school's Chromium on a test host of its own (namespaces). The teacher's and the two classrooms'
 * sockets land on three different nodes (nginx door i prefers node i); the lesson is
 * hosted by one node. That node is killed with SIGKILL mid-lesson: the lesson moves to
 * a survivor, every page decodes again by itself, and the evidence shows the gap.
 * Then the new host is drained with SIGTERM: the lesson moves again, and the node
 * exits 0 within the systemd unit's TimeoutStopSec.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveEvidenceIntervals } from '../../server/db/schema/index.ts';
import { CLUSTER_WAIT_MS, startLoopbackCluster, type LoopbackCluster } from '../support/clusterNodes.ts';
import { createLiveSession } from '../support/live.ts';
import { framesGrow, framesOf, liveState, openLivePage, peerIdOf, type LivePage } from '../support/liveBrowser.ts';
import { waitFor } from '../support/waitFor.ts';

const unit = readFileSync(path.resolve(import.meta.dirname, '../../deploy/systemd/tongbu.service'), 'utf8');
const timeoutStopSec = Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1]);
/** The machine's load beside a printed figure (1, 5 and 15 minutes): a failover on a busy machine takes longer. */
const load = () => `load average ${loadavg().map((n) => n.toFixed(2)).join(', ')}`;

for (const mode of ['loopback', 'namespaces'] as const) {
  let cluster: LoopbackCluster;
  let sessionId: string;
  let teacher: LivePage;
  let ganpu: LivePage;
  let liuli: LivePage;
  let deadNode: string;

  const view = (p: LivePage) =>
    p.page.evaluate(() => ({
      camera: !!window.tongbuLive!.view.local.camera,
      microphone: window.tongbuLive!.view.local.microphone,
      stage: window.tongbuLive!.view.stagePeerId,
      recoveries: window.tongbuLive!.view.recoveries,
    }));

  /**
   * Every page decodes what it should — the classrooms the teacher's camera, the teacher the
   * classroom on stage — from peers that joined after `since`'s loss (a page may rejoin more
   * than once: the peer is read again on every poll). Returns when each page did, in ms after `since`.
   */
  async function everyPageDecodes(what: string, since: number, before: { teacher: string | null; ganpu: string | null } = { teacher: null, ganpu: null }): Promise<Record<string, number>> {
    const at: Record<string, number> = {};
    const decodes = async (label: string, page: LivePage, from: LivePage, old: string | null) => {
      await waitFor(
        `${what}: ${label} decoding again`,
        async () => {
          const peer = await peerIdOf(from);
          return peer && peer !== old ? framesOf(page, 'camera', peer) : 0;
        },
        (n) => n >= 5,
        CLUSTER_WAIT_MS,
        200,
      ).catch((err: unknown) => {
        // What the nodes said (where the lesson went, what failed) beside the page's state.
        throw new Error(`${(err as Error).message}\n${cluster.logs()}`, { cause: err });
      });
      at[label] = Date.now() - since;
    };
    await Promise.all([
      decodes('澉浦 ← teacher', ganpu, teacher, before.teacher),
      decodes('六里 ← teacher', liuli, teacher, before.teacher),
      decodes('teacher ← 澉浦', teacher, ganpu, before.ganpu),
    ]);
    return at;
  }

  const peersNow = async () => ({ teacher: await peerIdOf(teacher), ganpu: await peerIdOf(ganpu) });

  /** Camera, microphone and the stage are what they were before the loss. */
  async function everythingRestored(what: string): Promise<void> {
    for (const p of [teacher, ganpu, liuli]) await waitFor(`${what}: ${p.username} live`, () => liveState(p), (s) => s === 'live', CLUSTER_WAIT_MS);
    const ganpuPeer = await peerIdOf(ganpu);
    for (const p of [teacher, ganpu]) {
      const v = await view(p);
      expect(v.camera && v.microphone, `${what}: ${p.username} camera and microphone`).toBe(true);
    }
    await waitFor(`${what}: 澉浦 on stage at 六里`, async () => (await view(liuli)).stage, (s) => s === ganpuPeer, CLUSTER_WAIT_MS);
    await framesGrow(liuli, 'camera', ganpuPeer, 5, CLUSTER_WAIT_MS);
  }

  describe(`a lesson across three app nodes (${mode})`, () => {
    beforeAll(async () => {
      cluster = await startLoopbackCluster({ nodes: 3, namespaces: mode === 'namespaces' });
      sessionId = await createLiveSession(cluster, { startsInMs: 2_000, durationMs: 10 * 60_000 });
      const door = (i: number) => ({ url: cluster.doors[i]!, signIn: cluster.signIn });
      teacher = await openLivePage(await cluster.browser(0), door(0), 'teacher.wang', `/live/${sessionId}`);
      await teacher.page.getByTestId('live-golive').click({ timeout: CLUSTER_WAIT_MS });
      await teacher.page.getByTestId('live-console').waitFor({ timeout: CLUSTER_WAIT_MS });
      [ganpu, liuli] = await Promise.all([openLivePage(await cluster.browser(1), door(1), 'class.ganpu', `/live/${sessionId}`), openLivePage(await cluster.browser(2), door(2), 'class.liuli', `/live/${sessionId}`)]);
      await ganpu.page.getByTestId('live-terminal').waitFor({ timeout: CLUSTER_WAIT_MS });
      await liuli.page.getByTestId('live-terminal').waitFor({ timeout: CLUSTER_WAIT_MS });
      const ganpuPeer = await waitFor('澉浦 joined', () => peerIdOf(ganpu), (id) => !!id, CLUSTER_WAIT_MS);
      const stageButton = teacher.page.locator(`[data-peer-id="${ganpuPeer}"] [data-testid="live-stage-btn"]`);
      await waitFor('澉浦 tile on the console', () => stageButton.count(), (n) => n === 1, CLUSTER_WAIT_MS);
      await stageButton.click({ timeout: CLUSTER_WAIT_MS });
    }, 600_000);

    afterAll(async () => {
      await cluster?.close();
    });

    it('N-HOST-LEASE, N-RELAY: a teacher and two classrooms whose sockets land on three different nodes hold one lesson, hosted by one node', async () => {
      // One node holds the lease (placement picks it: the teacher's node unless another has clearly more room).
      expect(cluster.nodes.map((n) => n.nodeId)).toContain(await cluster.hostOf(sessionId));
      await everyPageDecodes('start', Date.now());
      await everythingRestored('start');
    });

    it('N-FAILOVER: the hosting node is killed (SIGKILL) mid-lesson: the lesson moves, every page decodes again by itself, and the evidence shows the gap', async () => {
      const hosting = await cluster.hostOf(sessionId);
      const dead = cluster.nodes.find((n) => n.nodeId === hosting)!;
      const peersBefore = await peersNow();
      const killedAt = Date.now();
      dead.kill('SIGKILL');
      expect((await dead.exited).signal).toBe('SIGKILL');
      const at = await everyPageDecodes('after the kill', killedAt, peersBefore);
      console.log(`host SIGKILL (${mode}): video decoded again after ${Object.entries(at).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(', ')} (${load()})`);
      const host = await cluster.hostOf(sessionId);
      expect(cluster.nodes.filter((n) => n !== dead).map((n) => n.nodeId)).toContain(host);
      deadNode = dead.nodeId;
      await everythingRestored('after the kill');

      // The teacher's camera: published until the kill (closed at the dead node's last heartbeat), then again from after it.
      const teacherAccount = (await cluster.signIn('teacher.wang')).me.account.id;
      const published = await waitFor(
        'the dead node\'s intervals to be closed by a survivor',
        () =>
          cluster.database.db
            .select()
            .from(liveEvidenceIntervals)
            .where(and(eq(liveEvidenceIntervals.sessionId, sessionId), eq(liveEvidenceIntervals.kind, 'publishing'), eq(liveEvidenceIntervals.accountId, teacherAccount), eq(liveEvidenceIntervals.source, 'camera')))
            .orderBy(asc(liveEvidenceIntervals.startedAt)),
        (rows) => rows.some((r) => r.endReason === 'crash_recovered') && rows.some((r) => r.startedAt.getTime() > killedAt),
        CLUSTER_WAIT_MS,
      );
      const before = published.find((r) => r.endReason === 'crash_recovered')!;
      const after = published.find((r) => r.startedAt.getTime() > killedAt)!;
      expect(before.endedAt!.getTime()).toBeLessThanOrEqual(killedAt);
      expect(after.startedAt.getTime()).toBeGreaterThan(before.endedAt!.getTime());
      console.log(`evidence gap (${mode}, teacher camera): ${((after.startedAt.getTime() - before.endedAt!.getTime()) / 1000).toFixed(1)} s between the dead host's last heartbeat and publishing on the new host`);
    });

    it('N-DRAIN: the new host is drained with SIGTERM: the lesson moves to the last node, every page decodes again, and the node exits 0 within TimeoutStopSec', async () => {
      const host = (await cluster.hostOf(sessionId))!;
      const node = cluster.nodes.find((n) => n.nodeId === host)!;
      const peersBefore = await peersNow();
      const drainedAt = Date.now();
      node.kill('SIGTERM');
      let timer: ReturnType<typeof setTimeout> | undefined;
      const ended = await Promise.race([node.exited, new Promise<'killed by systemd'>((resolve) => (timer = setTimeout(() => resolve('killed by systemd'), timeoutStopSec * 1000)))]);
      clearTimeout(timer);
      const exitedMs = Date.now() - drainedAt;
      expect(ended, node.process.output()).toEqual({ code: 0, signal: null });
      const at = await everyPageDecodes('after the drain', drainedAt, peersBefore);
      console.log(`host SIGTERM (${mode}, drain): exited after ${(exitedMs / 1000).toFixed(1)} s; video decoded again after ${Object.entries(at).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(', ')} (${load()})`);
      const last = cluster.nodes.find((n) => n.nodeId !== host && n.nodeId !== deadNode)!;
      expect(await cluster.hostOf(sessionId)).toBe(last.nodeId);
      await everythingRestored('after the drain');
    });
  });
}
