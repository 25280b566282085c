/**
 * Deployed as a county runs it: the platform (`server/main.ts`) in a "county"
 * network namespace behind nginx (deploy/nginx/tongbu.conf, TLS from a run-local
 * CA) with coturn; a teacher in a "core school" namespace and two classrooms in
 * "member school" namespaces, each a Chromium reaching https://tongbu.test only
 * through the veth network (see test/support/countyNetwork.ts). One member
 * school's firewall drops all UDP and lets only TCP 443 out: its classroom gets
 * the lesson through coturn over TLS on 443. Two-way video, ended, delivered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api } from '../../shared/api/index.ts';
import { COUNTY_ADDRESSES, startCountyNetwork, UDP_BLOCKED_SCHOOL, type CountyNetwork, type SchoolHost } from '../support/countyNetwork.ts';
import { createLiveSession, PLANNED_LATER_MS, scheduledStartNow, shortSessionRules } from '../support/live.ts';
import { endFromPage, framesGrow, framesOf, liveState, openLivePage, peerIdOf, type LivePage } from '../support/liveBrowser.ts';
import { waitFor } from '../support/waitFor.ts';

let county: CountyNetwork;
const browsers = {} as Record<SchoolHost, Browser>;
let sessionId: string;
let startsAt: number;
const LESSON_MS = 20_000;
let teacher: LivePage;
let ganpu: LivePage;
let liuli: LivePage;

beforeAll(async () => {
  county = await startCountyNetwork();
  await shortSessionRules(county.platform);
  for (const school of ['core', 'ganpu', 'liuli'] as const) browsers[school] = await county.launchBrowser(school);
  // Planned for later: everyone joins before the scheduled start, which comes once both classrooms
  // receive (scheduledStartNow), so the whole lesson counts.
  sessionId = await createLiveSession(county.platform, { startsInMs: PLANNED_LATER_MS, durationMs: LESSON_MS });
}, 300_000);

afterAll(async () => {
  await county?.close();
}, 120_000);

/** Opens the live page and measures from the page's first request to the teacher's first decoded frame. */
async function joinAndMeasure(browser: Browser, username: string, hostPeer: string): Promise<{ page: LivePage; firstFrameMs: number; reportedMs: number }> {
  const t0 = Date.now();
  const page = await openLivePage(browser, county.platform, username, `/live/${sessionId}`);
  await page.page.getByTestId('live-terminal').waitFor({ timeout: 60_000 });
  await waitFor(`${username}: the teacher's first frame`, () => framesOf(page, 'camera', hostPeer), (n) => n > 0, 90_000);
  const firstFrameMs = Date.now() - t0;
  // What the page itself measured (from opening the live page) and reported to the server's histogram.
  const reportedMs = await waitFor(`${username}: its join-to-first-frame`, () => page.page.evaluate(() => window.tongbuLive!.firstFrameMs), (ms) => ms !== null, 60_000);
  return { page, firstFrameMs, reportedMs: Math.round(reportedMs!) };
}

describe('a county deployment across network namespaces', () => {
  it('the school firewall lets 443 through and nothing else; the platform answers on https only through nginx', async () => {
    expect(await county.network.tcpAnswers(UDP_BLOCKED_SCHOOL, COUNTY_ADDRESSES.web, 443)).toBe(true);
    expect(await county.network.tcpAnswers(UDP_BLOCKED_SCHOOL, COUNTY_ADDRESSES.web, 80)).toBe(false);
    expect(await county.network.tcpAnswers('ganpu', COUNTY_ADDRESSES.web, 80)).toBe(true);
    // The server itself listens on the county's loopback only.
    expect(await county.network.tcpAnswers('core', COUNTY_ADDRESSES.web, 3000)).toBe(false);
  });

  it('the teacher in the core school goes live over https://tongbu.test', async () => {
    teacher = await openLivePage(browsers.core, county.platform, 'teacher.wang', `/live/${sessionId}`);
    expect(await teacher.page.evaluate(() => window.isSecureContext && location.origin)).toBe('https://tongbu.test');
    // Through nginx: the server sees https (HSTS), the hashed bundle comes from disk with nginx's long cache.
    const headers = await teacher.page.evaluate(async () => {
      const script = document.querySelector<HTMLScriptElement>('script[src^="/assets/"]')!;
      const [api, asset] = await Promise.all([fetch('/api/health'), fetch(script.src)]);
      return { hsts: api.headers.get('strict-transport-security'), assetCache: asset.headers.get('cache-control') };
    });
    expect(headers.hsts).toMatch(/max-age=\d+/);
    expect(headers.assetCache).toContain('immutable');
    await teacher.page.getByTestId('live-golive').click({ timeout: 60_000 });
    await teacher.page.getByTestId('live-console').waitFor({ timeout: 60_000 });
    await waitFor('camera and microphone on', () => teacher.page.evaluate(() => window.tongbuLive!.view.local), (l) => !!l.camera && l.microphone, 60_000);
  }, 180_000);

  it('both classrooms receive the teacher; the UDP-blocked one through TURN over TLS on 443', async () => {
    const host = (await peerIdOf(teacher))!;
    const [a, b] = await Promise.all([joinAndMeasure(browsers.ganpu, 'class.ganpu', host), joinAndMeasure(browsers.liuli, 'class.liuli', host)]);
    ganpu = a.page;
    liuli = b.page;
    startsAt = (await scheduledStartNow(county.platform, sessionId, LESSON_MS)).startsAt;
    console.log(`join-to-first-frame (test side, sign-in included): class.ganpu ${a.firstFrameMs} ms (open network), class.liuli ${b.firstFrameMs} ms (UDP blocked, TURN/TLS 443)`);
    console.log(`join-to-first-frame (reported by the pages): class.ganpu ${a.reportedMs} ms, class.liuli ${b.reportedMs} ms`);
    for (const c of [ganpu, liuli]) await framesGrow(c, 'camera', host, 30, 60_000);

    const relayed = await waitFor('liuli\'s selected candidate pairs', () => liuli.page.evaluate(() => window.tongbuLive!.candidateTypes()), (t) => t.send !== null && t.recv !== null, 60_000);
    const direct = await waitFor('ganpu\'s selected candidate pairs', () => ganpu.page.evaluate(() => window.tongbuLive!.candidateTypes()), (t) => t.send !== null && t.recv !== null, 60_000);
    console.log(`selected local candidates: class.liuli ${JSON.stringify(relayed)}, class.ganpu ${JSON.stringify(direct)}`);
    expect(relayed).toEqual({ send: 'relay', recv: 'relay' });
    expect(direct.recv).not.toBe('relay');
  }, 240_000);

  it('two-way video: the teacher decodes both classrooms\' cameras', async () => {
    for (const c of [ganpu, liuli]) await framesGrow(teacher, 'camera', await peerIdOf(c), 20, 60_000);
    expect(await teacher.page.getByTestId('live-classroom-tile').count()).toBe(2);
  }, 180_000);

  it('the teacher ends the lesson and it is judged delivered', async () => {
    // Keep teaching through 75% of the scheduled window (the classrooms received all of it).
    await waitFor('75% of the scheduled window', () => Date.now(), (now) => now >= startsAt + LESSON_MS * 0.75, LESSON_MS + 120_000, 500);
    await endFromPage(teacher.page);
    for (const p of [teacher, ganpu, liuli]) {
      const status = await waitFor(`${p.username} to see the end`, () => p.page.getByTestId('live-ended-status').getAttribute('data-status').catch(() => null), (s) => s !== null, 60_000);
      expect(status, (await p.page.getByTestId('live-ended-status').textContent()) ?? '').toBe('delivered');
    }
    expect(await liveState(liuli)).toBe('ended');
    const coordinator = await county.platform.signIn('coord.shiyan');
    const evidence = await coordinator.call(api.liveEvidence, { params: { sessionId } });
    if (!evidence.ok) throw new Error(evidence.error.message);
    expect(evidence.data.verdict).toMatchObject({ status: 'delivered', endCause: 'host' });
    console.log(`verdict: ${JSON.stringify(evidence.data.verdict?.outcomes.map((o) => [o.ruleId, o.measuredShare]))}`);
  }, 180_000);
});
