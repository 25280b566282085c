/**
 * Real browser WebRTC through our offline-built mediasoup worker (issue #7):
 * Chromium pages running mediasoup-client 3.18.7 send simulcast video and audio
 * over WebRtcTransports on 127.0.0.1 (UDP, then TCP only) and two other pages
 * receive it. Before the DTLS fix in media/worker-build/patches this crashed the
 * worker as soon as the first DTLS record was written.
 */
import { fileURLToPath } from 'node:url';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleBrowserEntry, serveBrowserBundle, type BrowserBundle, type BundleServer } from '../support/bundleBrowserEntry.ts';
import { launchChromium, newMediaContext } from '../support/chromium.ts';
import type { InboundFigures, Signal, TransportOptions } from './fixtures/webrtcClient.ts';

const entry = fileURLToPath(new URL('./fixtures/webrtcClient.ts', import.meta.url));

const mediaCodecs: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

type Protocol = 'udp' | 'tcp';

/** One browser page and its server-side transports. */
interface Peer {
  page: Page;
  context: BrowserContext;
  transports: Map<string, types.WebRtcTransport>;
  send?: types.WebRtcTransport;
  recv?: types.WebRtcTransport;
  consumers: types.Consumer[];
  /** The page's device capabilities, for consume(). */
  rtpCapabilities: types.RtpCapabilities;
}

let bundle: BrowserBundle;
let server: BundleServer;
let browser: Browser;
let worker: types.Worker;
let router: types.Router;
let workerDeath: Error | undefined;
const peers: Peer[] = [];
// Producers are created inside the signal handler; the test finds them here.
const producers = new Map<string, types.Producer>();

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function createTransport(peer: Peer, direction: 'send' | 'recv', protocol: Protocol): Promise<types.WebRtcTransport> {
  const transport = await router.createWebRtcTransport({
    // One protocol per test, so a pass proves that protocol works on its own.
    listenInfos: [{ protocol, ip: '127.0.0.1', announcedAddress: '127.0.0.1' }],
    // Loopback has bandwidth to spare; start high so the top layer is reached quickly.
    initialAvailableOutgoingBitrate: 3_000_000,
  });
  peer.transports.set(transport.id, transport);
  peer[direction] = transport;
  const options: TransportOptions = {
    id: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates,
    dtlsParameters: transport.dtlsParameters,
  };
  await peer.page.evaluate(([d, o]) => window.webrtcClient.createTransport(d, o), [direction, options] as const);
  return transport;
}

async function openPeer(): Promise<Peer> {
  const context = await newMediaContext(browser);
  const page = await context.newPage();
  const peer: Peer = { page, context, transports: new Map(), consumers: [], rtpCapabilities: { codecs: [] } };
  page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
  // The page's mediasoup-client transports ask the server through this.
  await page.exposeFunction('tongbuSignal', async (signal: Signal): Promise<{ id?: string }> => {
    const transport = peer.transports.get(signal.transportId);
    if (!transport) throw new Error(`unknown transport ${signal.transportId}`);
    if (signal.method === 'connect') {
      await transport.connect({ dtlsParameters: signal.dtlsParameters });
      return {};
    }
    const producer = await transport.produce({ kind: signal.kind, rtpParameters: signal.rtpParameters });
    return { id: producer.id };
  });
  await page.goto(server.url);
  peer.rtpCapabilities = await page.evaluate((caps) => window.webrtcClient.load(caps), router.rtpCapabilities);
  peers.push(peer);
  return peer;
}

async function sendingPeer(protocol: Protocol) {
  const peer = await openPeer();
  await createTransport(peer, 'send', protocol);
  const ids = await peer.page.evaluate(() => window.webrtcClient.produce());
  return { peer, ...ids, video: producers.get(ids.videoProducerId) };
}

async function receivingPeer(protocol: Protocol, producerIds: string[]): Promise<Peer> {
  const peer = await openPeer();
  const recv = await createTransport(peer, 'recv', protocol);
  for (const producerId of producerIds) {
    // Paused until the page has its consumer, so the first key frame is not lost.
    const consumer = await recv.consume({ producerId, rtpCapabilities: peer.rtpCapabilities, paused: true });
    peer.consumers.push(consumer);
    const { id, kind, rtpParameters } = consumer;
    await peer.page.evaluate((o) => window.webrtcClient.consume(o), { id, producerId, kind, rtpParameters });
    await consumer.resume();
  }
  return peer;
}

const inbound = (peer: Peer): Promise<InboundFigures> => peer.page.evaluate(() => window.webrtcClient.inbound());

function videoConsumer(peer: Peer): types.Consumer {
  const consumer = peer.consumers.find((c) => c.kind === 'video');
  if (!consumer) throw new Error('peer has no video consumer');
  return consumer;
}

beforeAll(async () => {
  bundle = await bundleBrowserEntry(entry);
  server = await serveBrowserBundle(bundle);
  browser = await launchChromium();
  worker = await mediasoup.createWorker({ logLevel: 'warn' });
  worker.on('died', (error) => {
    workerDeath = error;
  });
  worker.observer.on('newrouter', (r) =>
    r.observer.on('newtransport', (t) => t.observer.on('newproducer', (p) => producers.set(p.id, p))),
  );
  router = await worker.createRouter({ mediaCodecs });
});

afterEach(() => {
  // Every step must leave the worker alive: a crash is the bug under test.
  expect(workerDeath).toBeUndefined();
  expect(worker.died).toBe(false);
});

afterAll(async () => {
  for (const peer of peers) await peer.context.close().catch(() => undefined);
  await browser?.close();
  worker?.close();
  await server?.close();
  await bundle?.cleanup();
});

describe('Chromium ⇄ mediasoup worker over WebRtcTransport', () => {
  let sender: Awaited<ReturnType<typeof sendingPeer>>;
  let receivers: Peer[];

  it('UDP: one page sends simulcast video + audio, two pages decode it', async () => {
    sender = await sendingPeer('udp');
    expect(sender.video?.type).toBe('simulcast');
    expect(sender.video?.rtpParameters.encodings).toHaveLength(3);

    receivers = [
      await receivingPeer('udp', [sender.videoProducerId, sender.audioProducerId]),
      await receivingPeer('udp', [sender.videoProducerId, sender.audioProducerId]),
    ];
    for (const [i, peer] of receivers.entries()) {
      const figures = await waitFor(
        `page ${i + 1} to decode video and receive audio`,
        () => inbound(peer),
        (f) => f.framesDecoded >= 30 && f.audioPacketsReceived >= 50,
      );
      console.log(`UDP receiver ${i + 1}: framesDecoded=${figures.framesDecoded} audioPackets=${figures.audioPacketsReceived} ${figures.frameWidth}x${figures.frameHeight}`);
    }
    for (const peer of [sender.peer, ...receivers]) {
      for (const transport of peer.transports.values()) {
        expect(transport.dtlsState).toBe('connected');
        expect(transport.iceSelectedTuple?.protocol).toBe('udp');
      }
    }
  });

  it('setPreferredLayers on one consumer changes the width that page decodes', async () => {
    const [pageA, pageB] = receivers as [Peer, Peer];
    const consumerA = videoConsumer(pageA);
    // Let bandwidth estimation reach a layer above the lowest (320 wide) first.
    const before = await waitFor('a layer above the lowest', () => inbound(pageA), (f) => f.frameWidth > 320);

    await consumerA.setPreferredLayers({ spatialLayer: 0 });
    const switchedAt = Date.now();
    const after = await waitFor('the lowest layer', () => inbound(pageA), (f) => f.frameWidth === 320, 10_000);
    console.log(`setPreferredLayers(0): ${before.frameWidth}x${before.frameHeight} -> ${after.frameWidth}x${after.frameHeight} in ${Date.now() - switchedAt} ms`);
    expect(consumerA.currentLayers?.spatialLayer).toBe(0);
    // The other page keeps its own (higher) layer.
    expect((await inbound(pageB)).frameWidth).toBeGreaterThan(320);

    // And back up, so the switch works both ways.
    await consumerA.setPreferredLayers({ spatialLayer: 2 });
    const up = await waitFor('a higher layer again', () => inbound(pageA), (f) => f.frameWidth > 320, 10_000);
    console.log(`setPreferredLayers(2): back to ${up.frameWidth}x${up.frameHeight}`);
  });

  it('restartIce on the sending and a receiving page keeps media flowing', async () => {
    const pageA = receivers[0] as Peer;
    const pairs = [
      { peer: sender.peer, direction: 'send' as const },
      { peer: pageA, direction: 'recv' as const },
    ];
    for (const { peer, direction } of pairs) {
      const transport = peer[direction] as types.WebRtcTransport;
      const oldUfrag = transport.iceParameters.usernameFragment;
      const iceParameters = await transport.restartIce();
      expect(iceParameters.usernameFragment).not.toBe(oldUfrag);
      await peer.page.evaluate(([d, p]) => window.webrtcClient.restartIce(d, p), [direction, iceParameters] as const);
    }
    const start = await inbound(pageA);
    const later = await waitFor(
      'frames after the ICE restart',
      () => inbound(pageA),
      (f) => f.framesDecoded >= start.framesDecoded + 60 && f.audioPacketsReceived >= start.audioPacketsReceived + 100,
    );
    console.log(`after restartIce: framesDecoded ${start.framesDecoded} -> ${later.framesDecoded}, audio packets ${start.audioPacketsReceived} -> ${later.audioPacketsReceived}`);
    for (const { peer, direction } of pairs) {
      expect(await peer.page.evaluate((d) => window.webrtcClient.connectionState(d), direction)).toBe('connected');
      expect(['connected', 'completed']).toContain(peer[direction]?.iceState);
    }
  });

  it('TCP-only transports carry the same media', async () => {
    const tcpSender = await sendingPeer('tcp');
    const tcpReceiver = await receivingPeer('tcp', [tcpSender.videoProducerId, tcpSender.audioProducerId]);
    const figures = await waitFor(
      'video and audio over TCP',
      () => inbound(tcpReceiver),
      (f) => f.framesDecoded >= 30 && f.audioPacketsReceived >= 50,
    );
    console.log(`TCP receiver: framesDecoded=${figures.framesDecoded} audioPackets=${figures.audioPacketsReceived} ${figures.frameWidth}x${figures.frameHeight}`);
    for (const peer of [tcpSender.peer, tcpReceiver]) {
      for (const transport of peer.transports.values()) {
        expect(transport.iceSelectedTuple?.protocol).toBe('tcp');
      }
    }
  });
});
