/**
 * TURN: the server hands its ICE servers (ICE_SERVER_URLS…) to every client.
 * Debian's coturn runs on loopback; a classroom browser forced to relay-only
 * ICE (`?ice=relay`) still receives the lesson — its frames grow and its
 * selected candidates are relay candidates of coturn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { launchChromium } from '../support/chromium.ts';
import { startCoturn, type Coturn } from '../support/coturn.ts';
import { createLiveSession, tempDataDir } from '../support/live.ts';
import { framesGrow, openLivePage, peerIdOf, type LivePage } from '../support/liveBrowser.ts';
import { waitFor } from '../support/waitFor.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let turn: Coturn;
let platform: TestPlatform;
const data = tempDataDir();
let pool: WorkerPool;
let browser: Browser;

beforeAll(async () => {
  turn = await startCoturn();
  pool = await WorkerPool.create({ size: 1 });
  platform = await startTestPlatform({
    media: pool,
    env: { LIVE_SWEEP_SECONDS: '0', ...data.env, ICE_SERVER_URLS: turn.url, ICE_SERVER_USERNAME: turn.username, ICE_SERVER_CREDENTIAL: turn.credential },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  data.cleanup();
  pool?.close();
  await turn?.stop();
});

describe('TURN relay', () => {
  it('a relay-only classroom receives the lesson through coturn', async () => {
    const sessionId = await createLiveSession(platform, { startsInMs: 2_000, durationMs: 5 * 60_000, members: ['ganpu'] });
    const teacher: LivePage = await openLivePage(browser, platform, 'teacher.wang', `/live/${sessionId}`);
    await teacher.page.getByTestId('live-golive').click();
    await teacher.page.getByTestId('live-console').waitFor();

    const ganpu = await openLivePage(browser, platform, 'class.ganpu', `/live/${sessionId}?ice=relay`);
    await ganpu.page.getByTestId('live-terminal').waitFor();
    expect(await ganpu.page.evaluate(() => window.tongbuLive!.view.state)).toBe('live');
    const frames = await framesGrow(ganpu, 'camera', await peerIdOf(teacher), 40, 40_000);
    const types = await waitFor('selected candidate types', () => ganpu.page.evaluate(() => window.tongbuLive!.candidateTypes()), (t) => t.recv !== null);
    console.log(`relay-only classroom: framesDecoded=${frames}, selected local candidates ${JSON.stringify(types)}`);
    expect(types.recv).toBe('relay');
    // Its own camera goes out through the relay too, and reaches the teacher.
    expect(types.send).toBe('relay');
    await framesGrow(teacher, 'camera', await peerIdOf(ganpu), 20, 30_000);
  });
});
