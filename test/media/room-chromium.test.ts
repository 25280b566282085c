/**
 * The Room API with real browsers: a teacher page publishes simulcast camera +
 * microphone through mediasoup-client, two classroom pages receive; evidence
 * events follow WebRTC (ICE + DTLS) connection state; low-bandwidth mode
 * lowers one classroom's picture; after SIGKILL of the worker the same peers
 * re-establish transports and media flows again.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaService } from '../../media/MediaService.ts';
import type { Peer } from '../../media/Peer.ts';
import type { Room } from '../../media/Room.ts';
import { bundleBrowserEntry, serveBrowserBundle, type BrowserBundle, type BundleServer } from '../support/bundleBrowserEntry.ts';
import { launchChromium, newMediaContext } from '../support/chromium.ts';
import type { PageFigures, RoomSignal } from './fixtures/roomClient.ts';
import { named, recordEvents, type RecordedEvent } from './helpers/rtp.ts';
import { waitFor } from '../support/waitFor.ts';

const entry = fileURLToPath(new URL('./fixtures/roomClient.ts', import.meta.url));

let bundle: BrowserBundle;
let server: BundleServer;
let browser: Browser;
let media: MediaService;
let room: Room;
let log: RecordedEvent[];
const contexts: BrowserContext[] = [];

interface Client {
  page: Page;
  peer: Peer;
}

async function openClient(peerId: string): Promise<Client> {
  const context = await newMediaContext(browser);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log(`[${peerId} page error] ${e.message}`));
  const client: Client = { page, peer: undefined as unknown as Peer };
  await page.exposeFunction('tongbuRoomSignal', async (signal: RoomSignal): Promise<{ id?: string }> => {
    if (signal.method === 'connect') {
      await client.peer.connectTransport(signal.transportId, signal.dtlsParameters);
      return {};
    }
    const producer = await client.peer.produce(signal);
    return { id: producer.id };
  });
  await page.goto(server.url);
  const rtpCapabilities = await page.evaluate((caps) => window.roomClient.load(caps), room.rtpCapabilities);
  client.peer = room.hasPeer(peerId) ? room.getPeer(peerId) : room.addPeer(peerId, { rtpCapabilities });
  return client;
}

/** What server/live will do for a publisher: a send transport, then the page produces. */
async function publish(client: Client): Promise<{ camera: string; microphone: string }> {
  const options = await client.peer.createWebRtcTransport({ direction: 'send' });
  await client.page.evaluate((o) => window.roomClient.createTransport('send', o), options);
  return client.page.evaluate(() => window.roomClient.produce());
}

/** …and for a receiver: a receive transport, consume every producer, resume once the page has it. */
async function receive(client: Client): Promise<void> {
  const options = await client.peer.createWebRtcTransport({ direction: 'recv' });
  await client.page.evaluate((o) => window.roomClient.createTransport('recv', o), options);
  for (const producer of room.listProducers()) {
    if (producer.peerId === client.peer.id) continue;
    const consumer = await client.peer.consume({ producerId: producer.id });
    await client.page.evaluate((c) => window.roomClient.consume(c), consumer);
    await client.peer.resumeConsumer(consumer.id);
  }
}

const figures = (c: Client): Promise<PageFigures> => c.page.evaluate(() => window.roomClient.figures());

beforeAll(async () => {
  bundle = await bundleBrowserEntry(entry);
  server = await serveBrowserBundle(bundle);
  browser = await launchChromium();
  media = await MediaService.create({ workers: 2, listenIp: '127.0.0.1', announcedAddress: '127.0.0.1', logLevel: 'warn' });
  room = await media.createRoom({ roomId: 'chromium-lesson' });
  log = recordEvents(room);
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await media?.close();
  await server?.close();
  await bundle?.cleanup();
});

describe('Chromium pages through the Room API', () => {
  let teacher: Client;
  let classroomA: Client;
  let classroomB: Client;

  it('a teacher publishes simulcast video + audio; two classrooms decode it; evidence follows', async () => {
    teacher = await openClient('teacher');
    const ids = await publish(teacher);
    expect(room.listProducers().map((p) => [p.source, p.type]).sort()).toEqual([
      ['camera', 'simulcast'],
      ['microphone', 'simple'],
    ]);
    await waitFor('publishing over DTLS', () => named(log, 'publishingstarted').length, (n) => n === 2);

    classroomA = await openClient('classroom-a');
    classroomB = await openClient('classroom-b');
    await receive(classroomA);
    await receive(classroomB);
    for (const c of [classroomA, classroomB]) {
      const f = await waitFor(`${c.peer.id} decoding`, () => figures(c), (x) => x.framesDecoded >= 30 && x.audioPacketsReceived >= 50, 30_000);
      console.log(`${c.peer.id}: framesDecoded=${f.framesDecoded} width=${f.frameWidth} audioPackets=${f.audioPacketsReceived}`);
    }
    expect(named(log, 'transportconnected').map((e) => e.args[0]).sort()).toEqual(['classroom-a', 'classroom-b', 'teacher']);
    const receiving = named(log, 'receivingstarted').map((e) => `${e.args[0]}:${e.args[2]}`).sort();
    expect(receiving).toEqual(['classroom-a:camera', 'classroom-a:microphone', 'classroom-b:camera', 'classroom-b:microphone']);
    // Receiving starts only once the classroom's transport is connected.
    for (const e of named(log, 'receivingstarted')) {
      const connected = named(log, 'transportconnected').find((t) => t.args[0] === e.args[0])!;
      expect(e.at.getTime()).toBeGreaterThanOrEqual(connected.at.getTime());
    }
    // All three simulcast layers reach the worker (Chromium enables the top one once its bandwidth estimate allows, which takes longer on a loaded machine).
    const stats = await waitFor('three simulcast layers at the worker', () => teacher.peer.getProducerStats(ids.camera), (s) => s.length === 3, 30_000);
    expect(stats).toHaveLength(3);
  });

  it('low-bandwidth mode holds one classroom at the lowest layer while the other climbs', async () => {
    await waitFor('classroom B above the lowest layer', () => figures(classroomB), (f) => f.frameWidth > 320, 30_000);
    await classroomA.peer.setLowBandwidth(true);
    const low = await waitFor('classroom A at 320 wide', () => figures(classroomA), (f) => f.frameWidth === 320, 15_000);
    expect((await figures(classroomB)).frameWidth).toBeGreaterThan(320);
    const before = low.framesDecoded;
    await waitFor('classroom A still decoding', () => figures(classroomA), (f) => f.framesDecoded > before + 20);
    await classroomA.peer.setLowBandwidth(false);
    await waitFor('classroom A above the lowest layer again', () => figures(classroomA), (f) => f.frameWidth > 320, 30_000);
  });

  it('after SIGKILL of the worker, the same peers re-establish transports and receive again', async () => {
    const mark = log.length;
    const rebuilt = new Promise<readonly string[]>((resolve) => room.once('rebuilt', (_at, peers) => resolve(peers)));
    process.kill(room.routers[0]!.workerPid, 'SIGKILL');
    expect([...(await rebuilt)].sort()).toEqual(['classroom-a', 'classroom-b', 'teacher']);
    const stops = named(log.slice(mark), 'receivingstopped', 'publishingstopped', 'transportdisconnected');
    expect(stops.filter((e) => e.event === 'receivingstopped')).toHaveLength(4);
    expect(stops.filter((e) => e.event === 'publishingstopped')).toHaveLength(2);

    // What server/live does on `rebuilt`: each client drops its transports and sets up again.
    for (const c of [teacher, classroomA, classroomB]) await c.page.evaluate(() => window.roomClient.closeTransports());
    await publish(teacher);
    await waitFor('publishing again', () => named(log.slice(mark), 'publishingstarted').length, (n) => n === 2);
    await receive(classroomA);
    const f = await waitFor('classroom A decoding after the rebuild', () => figures(classroomA), (x) => x.framesDecoded >= 30 && x.audioPacketsReceived >= 50, 30_000);
    console.log(`after rebuild: classroom-a framesDecoded=${f.framesDecoded}`);
    expect(named(log.slice(mark), 'receivingstarted').map((e) => e.args[0])).toEqual(['classroom-a', 'classroom-a']);
  });
});
