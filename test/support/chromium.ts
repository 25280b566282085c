import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { GENEROUS_DEADLINE_MS } from './waitFor.ts';

/**
 * Debian's Chromium (apt-get install chromium). playwright-core never downloads a
 * browser; CHROMIUM_PATH lets a machine with Chromium elsewhere run the tests.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags verified on these machines (see the shared STACK.md), each for a reason:
 * - the background-networking/sync/component-update flags stop Chromium from
 *   flooding the closed network with refused connections;
 * - the fake-device flags give getUserMedia() a synthetic camera and microphone
 *   and answer its permission prompt (the camera's frame rate is set at launch);
 * - --allow-loopback-in-peer-connection and disabling WebRtcHideLocalIpsWithMdns
 *   let ICE use 127.0.0.1 candidates as they are, since tests stay on loopback;
 * - the autoplay policy lets <audio>/<video> sinks play without a user gesture.
 */
export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

/**
 * The fake camera's frame rate in tests. Chromium's own is 20; at 10 every page encodes and decodes
 * half the frames, and Chromium is most of the suite's CPU. Tests count frames, not the rate.
 */
export const TEST_CAMERA_FPS = 10;
/** Chromium's fake camera as it comes (the benchmarks compare page joins at this rate). */
export const CHROMIUM_CAMERA_FPS = 20;

/**
 * Launches headless Chromium with the flags above (plus any extra ones); `executablePath` may
 * wrap it (e.g. into a network namespace). Its contexts wait generously by default (a busy
 * machine is slower, not wrong): a page's waits end when the event happens, the deadline only
 * bounds a broken test.
 */
export async function launchChromium(extraArgs: readonly string[] = [], executablePath = chromiumPath, cameraFps = TEST_CAMERA_FPS): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [...chromiumArgs, `--use-fake-device-for-media-stream=fps=${cameraFps}`, ...extraArgs],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args: Parameters<Browser['newContext']>) => {
    const context = await newContext(...args);
    context.setDefaultTimeout(GENEROUS_DEADLINE_MS);
    context.setDefaultNavigationTimeout(GENEROUS_DEADLINE_MS);
    return context;
  };
  return browser;
}

/** A browser context allowed to use the (fake) camera and microphone. */
export function newMediaContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ permissions: ['camera', 'microphone'] });
}
