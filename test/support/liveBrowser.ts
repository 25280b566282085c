import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newMediaContext } from './chromium.ts';
import type { TestPlatform } from './platform.ts';
import { waitFor } from './waitFor.ts';

/**
 * Live-classroom pages of the built client in Chromium, signed in as a demo
 * account, and what they show: decoded frames per remote video (read through
 * window.tongbuLive, the page's LiveClient).
 */
export interface LivePage {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly username: string;
}

export async function openLivePage(
  browser: Browser,
  platform: Pick<TestPlatform, 'url' | 'signIn'>,
  username: string,
  path: string,
  options: { beforeLoad?: (context: BrowserContext) => Promise<void> } = {},
): Promise<LivePage> {
  const user = await platform.signIn(username);
  const context = await newMediaContext(browser);
  await options.beforeLoad?.(context);
  const [name, ...rest] = user.cookie.split('=');
  await context.addCookies([{ name: name!, value: rest.join('='), url: platform.url }]);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.log(`[${username} page error] ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') console.log(`[${username} ${msg.type()}] ${msg.text()}`);
  });
  await page.goto(platform.url + path);
  return { page, context, username };
}

export interface VideoFigures {
  peerId: string;
  source: string;
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
}

export function inboundVideo(p: LivePage): Promise<VideoFigures[]> {
  return p.page.evaluate(() => (window.tongbuLive ? window.tongbuLive.inboundVideo() : []));
}

export function liveState(p: LivePage): Promise<string | null> {
  return p.page.evaluate(() => window.tongbuLive?.view.state ?? null);
}

export function peerIdOf(p: LivePage): Promise<string | null> {
  return p.page.evaluate(() => window.tongbuLive?.view.peerId ?? null);
}

/** Frames of one remote source (of `peerId`, or any peer) decoded so far. */
export async function framesOf(p: LivePage, source: string, peerId?: string | null): Promise<number> {
  const figures = await inboundVideo(p);
  return figures.filter((f) => f.source === source && (!peerId || f.peerId === peerId)).reduce((n, f) => n + f.framesDecoded, 0);
}

/**
 * Waits until `source` (of `peerId`) decodes `more` frames beyond what it has
 * now. A count that drops (a new consumer after a recovery) restarts the count.
 */
export async function framesGrow(p: LivePage, source: string, peerId?: string | null, more = 20, timeoutMs?: number): Promise<number> {
  let baseline = await framesOf(p, source, peerId);
  let last = baseline;
  try {
    return await waitFor(`${p.username}: ${source}${peerId ? ` of ${peerId}` : ''} frames to grow by ${more}`, async () => {
      const n = await framesOf(p, source, peerId);
      if (n < last) baseline = n;
      last = n;
      return n;
    }, (n) => n >= baseline + more, timeoutMs, 300);
  } catch (error) {
    throw new Error(`${(error as Error).message} (from ${baseline}); ${JSON.stringify(await inboundVideo(p))}`, { cause: error });
  }
}

/**
 * Logs, inside the page, every change of what the page's LiveClient publishes
 * (camera, microphone on/off) with the wall-clock time it happened — from the
 * first auto-publish on — so a test can compare the server's participation
 * figures with what the page did. Install with openLivePage's `beforeLoad`.
 */
export async function logLocalMedia(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { tongbuLive?: { view: { local: { camera: unknown; microphone: boolean } }; subscribe(l: () => void): () => void }; __mediaLog?: { t: number; camera: boolean; microphone: boolean }[] };
    const log: { t: number; camera: boolean; microphone: boolean }[] = (w.__mediaLog = []);
    let client: unknown = null;
    let last = '';
    const sample = () => {
      const local = w.tongbuLive?.view.local;
      if (!local) return;
      const now = { camera: local.camera !== null, microphone: local.microphone };
      const key = `${now.camera}/${now.microphone}`;
      if (key !== last) {
        last = key;
        log.push({ t: Date.now(), ...now });
      }
    };
    setInterval(() => {
      if (w.tongbuLive && w.tongbuLive !== client) {
        client = w.tongbuLive;
        w.tongbuLive.subscribe(sample);
        sample();
      }
    }, 5);
  });
}

export interface MediaLogEntry {
  t: number;
  camera: boolean;
  microphone: boolean;
}

export const mediaLog = (p: LivePage): Promise<MediaLogEntry[]> => p.page.evaluate(() => (window as unknown as { __mediaLog?: MediaLogEntry[] }).__mediaLog ?? []);

/** Seconds `source` was on according to the page's log, until `until` (ms). */
export function secondsOn(log: readonly MediaLogEntry[], source: 'camera' | 'microphone', until: number): number {
  let total = 0;
  let since: number | null = null;
  for (const e of log) {
    if (e.t > until) break;
    if (e[source] && since === null) since = e.t;
    if (!e[source] && since !== null) {
      total += e.t - since;
      since = null;
    }
  }
  if (since !== null) total += until - since;
  return total / 1000;
}

/** Clicks "end" and confirms in the end dialog (which says whether the session ends early); returns what it said. */
export async function endFromPage(page: Page): Promise<string> {
  await page.getByTestId('live-end').click();
  const dialog = page.getByTestId('live-end-dialog');
  const said = (await dialog.textContent()) ?? '';
  await dialog.getByTestId('live-end-confirm').click();
  return said;
}
