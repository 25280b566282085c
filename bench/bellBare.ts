/**
 * The morning bell's baseline (`node --import tsx bench/bellBare.ts`): a bare Socket.IO +
 * mediasoup server doing what the platform's signaling does for a lesson — one router per
 * lesson on one worker, transports, producers, consumers for everyone else's producers — with no
 * sign-in, no database, no evidence, no cluster. Prints `bare listening <port>` when ready.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { Server, type Socket } from 'socket.io';
import { routerCodecs } from '../media/routerCodecs.ts';

interface Peer {
  readonly socket: Socket;
  readonly transports: Map<string, types.WebRtcTransport>;
  readonly producers: types.Producer[];
  recv: types.WebRtcTransport | null;
  rtpCapabilities: types.RtpCapabilities | null;
}

interface Lesson {
  readonly id: string;
  readonly router: types.Router;
  readonly peers: Map<string, Peer>;
}

const worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 46000, rtcMaxPort: 49999 });
const lessons = new Map<string, Promise<Lesson>>();
const http = createServer();
const server = new Server(http, { transports: ['websocket'] });

const lessonOf = (id: string): Promise<Lesson> => {
  let l = lessons.get(id);
  if (!l) lessons.set(id, (l = worker.createRouter({ mediaCodecs: routerCodecs() }).then((router) => ({ id, router, peers: new Map() }))));
  return l;
};

async function consumeFor(lesson: Lesson, peer: Peer, producer: types.Producer) {
  if (!peer.recv || !peer.rtpCapabilities || !lesson.router.canConsume({ producerId: producer.id, rtpCapabilities: peer.rtpCapabilities })) return null;
  const c = await peer.recv.consume({ producerId: producer.id, rtpCapabilities: peer.rtpCapabilities, paused: true });
  return { id: c.id, producerId: producer.id, kind: c.kind, rtpParameters: c.rtpParameters };
}

server.on('connection', (socket) => {
  let lesson: Lesson | null = null;
  let peer: Peer | null = null;
  const handle = (event: string, fn: (data: Record<string, unknown>) => Promise<Record<string, unknown>>) =>
    socket.on(event, async (data: Record<string, unknown>, ack: (a: unknown) => void) => {
      try {
        ack(await fn(data));
      } catch (err) {
        ack({ error: { message: (err as Error).message } });
      }
    });
  handle('join', async ({ sessionId }) => {
    lesson = await lessonOf(String(sessionId));
    peer = { socket, transports: new Map(), producers: [], recv: null, rtpCapabilities: null };
    lesson.peers.set(socket.id, peer);
    return { peerId: socket.id, routerRtpCapabilities: lesson.router.rtpCapabilities };
  });
  handle('createTransport', async ({ direction }) => {
    const t = await lesson!.router.createWebRtcTransport({
      listenInfos: [
        { protocol: 'udp', ip: '127.0.0.1' },
        { protocol: 'tcp', ip: '127.0.0.1' },
      ],
      initialAvailableOutgoingBitrate: 600_000,
    });
    peer!.transports.set(t.id, t);
    if (direction === 'recv') peer!.recv = t;
    return { id: t.id, iceParameters: t.iceParameters, iceCandidates: t.iceCandidates, dtlsParameters: t.dtlsParameters };
  });
  handle('connectTransport', async ({ transportId, dtlsParameters }) => {
    await peer!.transports.get(String(transportId))!.connect({ dtlsParameters: dtlsParameters as types.DtlsParameters });
    return {};
  });
  handle('produce', async ({ transportId, kind, rtpParameters }) => {
    const producer = await peer!.transports.get(String(transportId))!.produce({ kind: kind as types.MediaKind, rtpParameters: rtpParameters as types.RtpParameters });
    peer!.producers.push(producer);
    for (const other of lesson!.peers.values()) {
      if (other === peer) continue;
      const c = await consumeFor(lesson!, other, producer);
      if (c) other.socket.emit('newConsumer', c);
    }
    return { producerId: producer.id };
  });
  handle('consume', async ({ rtpCapabilities }) => {
    peer!.rtpCapabilities = rtpCapabilities as types.RtpCapabilities;
    const consumers = [];
    for (const other of lesson!.peers.values()) {
      if (other === peer) continue;
      for (const p of other.producers) {
        const c = await consumeFor(lesson!, peer!, p);
        if (c) consumers.push(c);
      }
    }
    return { consumers };
  });
  const leave = () => {
    if (!lesson || !peer) return;
    for (const t of peer.transports.values()) t.close();
    lesson.peers.delete(socket.id);
    if (lesson.peers.size === 0) {
      lesson.router.close();
      lessons.delete(lesson.id);
    }
    peer = null;
  };
  handle('leave', async () => {
    leave();
    return {};
  });
  socket.on('disconnect', leave);
});

http.listen(0, '127.0.0.1', () => console.log(`bare listening ${(http.address() as AddressInfo).port}`));
process.on('SIGTERM', () => {
  worker.close();
  process.exit(0);
});
