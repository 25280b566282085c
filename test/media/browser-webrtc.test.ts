/**
 * Real browser WebRTC through our offline-built mediasoup worker (issue #7).
 * Chromium pages running mediasoup-client 3.18.7 send simulcast video and audio
 * over WebRtcTransports on 127.0.0.1 (UDP only, then TCP only) and other pages
 * receive it. Without media/worker-build/patches/0002-dtls-bio-callback-return.patch
 * the worker died with SIGSEGV on the first DTLS record (see that folder's README).
 */
import { fileURLToPath } from 'node:url';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveWorkerBinary } from '../../media/workerBinary.ts';
import { bundleBrowserEntry, serveBrowserBundle, type BrowserBundle, type BundleServer } from '../support/bundleBrowserEntry.ts';
import { launchChromium } from '../support/chromium.ts';
import { BrowserRoom, type Direction, type Peer, type SendingPeer } from './fixtures/browserRoom.ts';
import { waitFor } from '../support/waitFor.ts';

const entry = fileURLToPath(new URL('./fixtures/webrtcClient.ts', import.meta.url));

const mediaCodecs: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

let bundle: BrowserBundle | undefined;
let server: BundleServer | undefined;
let browser: Browser | undefined;
let worker: types.Worker;
let room: BrowserRoom;
let workerDeath: Error | undefined;

beforeAll(async () => {
  const binary = resolveWorkerBinary();
  if (!binary.exists) throw new Error(`no mediasoup worker at ${binary.path}: run \`bash media/worker-build/build.sh\``);
  bundle = await bundleBrowserEntry(entry);
  server = await serveBrowserBundle(bundle);
  browser = await launchChromium();
  worker = await mediasoup.createWorker({ logLevel: 'warn' });
  worker.on('died', (error) => {
    workerDeath = error;
  });
  room = new BrowserRoom(browser, server.url, await worker.createRouter({ mediaCodecs }));
});

afterEach(() => {
  // Every step must leave the worker alive: its death is the bug under test.
  expect(workerDeath).toBeUndefined();
  expect(worker.died).toBe(false);
});

afterAll(async () => {
  await room?.close();
  await browser?.close();
  worker?.close();
  await server?.close();
  await bundle?.cleanup();
});

const bothWays = (peer: Peer) => (['send', 'recv'] as const).flatMap((d) => (peer[d] ? [peer[d]] : []));

describe('Chromium ⇄ mediasoup worker over WebRtcTransport', () => {
  let sender: SendingPeer;
  let receivers: [Peer, Peer];

  it('UDP: one page sends simulcast video + audio, two pages decode it', async () => {
    sender = await room.sendingPeer('udp');
    console.log(`not negotiated, removed from the producer's RTP parameters: ${sender.removedHeaderExtensions.join(', ') || 'nothing'}`);
    expect(sender.video.type).toBe('simulcast');
    expect(sender.video.rtpParameters.encodings).toHaveLength(3);

    const producers = [sender.video, sender.audio];
    receivers = [await room.receivingPeer('udp', producers), await room.receivingPeer('udp', producers)];
    for (const [i, peer] of receivers.entries()) {
      const figures = await waitFor(
        `page ${i + 1} to decode video and receive audio`,
        () => room.inbound(peer),
        (f) => f.framesDecoded >= 30 && f.audioPacketsReceived >= 50,
      );
      console.log(`UDP receiver ${i + 1}: framesDecoded=${figures.framesDecoded} audioPackets=${figures.audioPacketsReceived} ${figures.frameWidth}x${figures.frameHeight}`);
    }
    for (const transport of [sender.peer, ...receivers].flatMap(bothWays)) {
      expect(transport.dtlsState).toBe('connected');
      expect(transport.iceSelectedTuple?.protocol).toBe('udp');
    }
  });

  it('setPreferredLayers on one consumer changes the width that page decodes', async () => {
    const [pageA, pageB] = receivers;
    const consumerA = pageA.consumers.find((c) => c.kind === 'video') as types.Consumer;
    // Bandwidth estimation must first take both pages above the lowest layer (320 wide).
    const before = await waitFor('page A above the lowest layer', () => room.inbound(pageA), (f) => f.frameWidth > 320);
    await waitFor('page B above the lowest layer', () => room.inbound(pageB), (f) => f.frameWidth > 320);
    const layers = (await sender.video.getStats()).filter((s) => s.type === 'inbound-rtp');
    console.log(`simulcast layers reaching the worker: ${layers.map((s) => `${s.rid}@${Math.round(s.bitrate / 1000)}kbps`).join(', ')}`);
    expect(layers.length).toBeGreaterThanOrEqual(2);

    await consumerA.setPreferredLayers({ spatialLayer: 0 });
    const switchedAt = Date.now();
    const after = await waitFor('page A on the lowest layer', () => room.inbound(pageA), (f) => f.frameWidth === 320, 10_000);
    console.log(`setPreferredLayers({ spatialLayer: 0 }): ${before.frameWidth}x${before.frameHeight} -> ${after.frameWidth}x${after.frameHeight} in ${Date.now() - switchedAt} ms`);
    expect(consumerA.currentLayers?.spatialLayer).toBe(0);
    // Only that consumer: the other page keeps its higher layer.
    expect((await room.inbound(pageB)).frameWidth).toBeGreaterThan(320);

    // And back up, so switching works both ways.
    await consumerA.setPreferredLayers({ spatialLayer: 2 });
    const up = await waitFor('page A above the lowest layer again', () => room.inbound(pageA), (f) => f.frameWidth > 320, 10_000);
    console.log(`setPreferredLayers({ spatialLayer: 2 }): back to ${up.frameWidth}x${up.frameHeight}`);
  });

  it('restartIce on the sending and a receiving page keeps media flowing', async () => {
    const pageA = receivers[0];
    const ends: { peer: Peer; direction: Direction }[] = [
      { peer: sender.peer, direction: 'send' },
      { peer: pageA, direction: 'recv' },
    ];
    for (const { peer, direction } of ends) {
      const before = await room.iceStatus(peer, direction);
      const workerUfrag = peer[direction]?.iceParameters.usernameFragment;
      await room.restartIce(peer, direction);
      expect(peer[direction]?.iceParameters.usernameFragment).not.toBe(workerUfrag);
      // Chromium selected a candidate pair of the new ICE generation: its checks
      // against the worker's new credentials succeeded.
      const after = await waitFor(
        `${direction} transport to reconnect with new ICE credentials`,
        () => room.iceStatus(peer, direction),
        (s) =>
          s.iceState === 'connected' &&
          s.localUsernameFragment !== before.localUsernameFragment &&
          s.selectedCandidatePairChanges > before.selectedCandidatePairChanges,
        10_000,
      );
      console.log(`restartIce (${direction}): Chromium ufrag ${before.localUsernameFragment} -> ${after.localUsernameFragment}, selected pair changes ${before.selectedCandidatePairChanges} -> ${after.selectedCandidatePairChanges}`);
    }
    const start = await room.inbound(pageA);
    const later = await waitFor(
      'media after the ICE restart',
      () => room.inbound(pageA),
      (f) => f.framesDecoded >= start.framesDecoded + 60 && f.audioPacketsReceived >= start.audioPacketsReceived + 100,
    );
    console.log(`after restartIce: framesDecoded ${start.framesDecoded} -> ${later.framesDecoded}, audio packets ${start.audioPacketsReceived} -> ${later.audioPacketsReceived}`);
    for (const { peer, direction } of ends) {
      expect(await room.connectionState(peer, direction)).toBe('connected');
    }
  });

  it('TCP-only transports carry the same media', async () => {
    const tcpSender = await room.sendingPeer('tcp');
    const tcpReceiver = await room.receivingPeer('tcp', [tcpSender.video, tcpSender.audio]);
    const figures = await waitFor(
      'video and audio over TCP',
      () => room.inbound(tcpReceiver),
      (f) => f.framesDecoded >= 30 && f.audioPacketsReceived >= 50,
    );
    console.log(`TCP receiver: framesDecoded=${figures.framesDecoded} audioPackets=${figures.audioPacketsReceived} ${figures.frameWidth}x${figures.frameHeight}`);
    for (const transport of [tcpSender.peer, tcpReceiver].flatMap(bothWays)) {
      expect(transport.dtlsState).toBe('connected');
      expect(transport.iceSelectedTuple?.protocol).toBe('tcp');
    }
  });
});
