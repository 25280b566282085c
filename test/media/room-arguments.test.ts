/**
 * Bad input from a client (or a bug in server/live) is refused with a named
 * error and leaves the room usable; the network settings reach the transports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConsumerNotFoundError,
  InvalidMediaArgumentError,
  MediaPortsExhaustedError,
  NoRecordingError,
  PeerExistsError,
  PeerNotFoundError,
  ProducerNotFoundError,
  RoomClosedError,
  RoomExistsError,
  RoomNotFoundError,
  SourceAlreadyPublishedError,
  TransportNotFoundError,
  WorkerPoolClosedError,
} from '../../media/errors.ts';
import { MediaService } from '../../media/MediaService.ts';
import { WorkerPool } from '../../media/WorkerPool.ts';
import type { types } from 'mediasoup';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { opusParameters, vp8Parameters } from './helpers/rtp.ts';

/** A port free for both UDP and TCP on 127.0.0.1 right now. */
async function freeUdpAndTcpPort(): Promise<number> {
  for (;;) {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const socket = createSocket('udp4');
    const ok = await new Promise<boolean>((r) => {
      socket.once('error', () => r(false));
      socket.bind(port, '127.0.0.1', () => r(true));
    });
    socket.close();
    if (ok) return port;
  }
}

let media: MediaService;

beforeAll(async () => {
  media = await MediaService.create({
    workers: 1,
    listenIp: '127.0.0.1',
    announcedAddress: '127.0.0.1',
    rtcMinPort: 41000,
    rtcMaxPort: 41999,
    iceServers: [{ urls: ['turn:turn.example.org:3478?transport=tcp'], username: 'u', credential: 'c' }],
    roomDefaults: { maxConsumersPerRouter: 50 },
  });
});

afterAll(async () => {
  await media?.close();
});

describe('invalid arguments reject with typed errors', () => {
  it('pool, service and room options', async () => {
    await expect(WorkerPool.create({ size: 0 })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(WorkerPool.create({ size: 1, network: { rtcMinPort: 5000, rtcMaxPort: 4000 } })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(MediaService.create({ workers: -1 })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(media.createRoom({ roomId: '' })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(media.createRoom({ roomId: 'x', maxConsumersPerRouter: 0 })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(media.createRoom({ roomId: 'x', keyFrameRequestDelayMs: -1 })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(media.createRoom({ roomId: 'x', videoCodecs: [] })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(media.createRoom({ roomId: 'x', videoCodecs: ['AV1' as 'VP8'] })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    expect(() => media.getRoom('nope')).toThrow(RoomNotFoundError);

    const room = await media.createRoom({ roomId: 'args-1' });
    await expect(media.createRoom({ roomId: 'args-1' })).rejects.toBeInstanceOf(RoomExistsError);
    expect(await media.getOrCreateRoom({ roomId: 'args-1' })).toBe(room);
    expect(room.settings.maxConsumersPerRouter).toBe(50);
    await room.close();
    expect(media.findRoom('args-1')).toBeUndefined();
  });

  it('peers, transports, producers and consumers', async () => {
    const room = await media.createRoom({ roomId: 'args-2' });
    const teacher = room.addPeer('teacher');
    const classroom = room.addPeer('classroom', { rtpCapabilities: room.rtpCapabilities });
    expect(() => room.addPeer('teacher')).toThrow(PeerExistsError);
    expect(() => room.addPeer('')).toThrow(InvalidMediaArgumentError);
    expect(() => room.getPeer('ghost')).toThrow(PeerNotFoundError);
    expect(() => room.removePeer('ghost')).toThrow(PeerNotFoundError);

    await expect(teacher.createWebRtcTransport({ direction: 'sideways' as 'send' })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(teacher.createWebRtcTransport({ direction: 'send', maxIncomingBitrate: -5 })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    const send = await teacher.createWebRtcTransport({ direction: 'send' });
    const recv = await classroom.createWebRtcTransport({ direction: 'recv' });
    await expect(teacher.connectTransport('nope', send.dtlsParameters)).rejects.toBeInstanceOf(TransportNotFoundError);
    // A peer cannot use another peer's transport.
    await expect(classroom.connectTransport(send.id, send.dtlsParameters)).rejects.toBeInstanceOf(TransportNotFoundError);
    await expect(teacher.connectTransport(send.id, { fingerprints: [] } as types.DtlsParameters)).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(teacher.connectPlainTransport(send.id, { ip: '127.0.0.1', port: 5000 })).rejects.toBeInstanceOf(InvalidMediaArgumentError);

    const produce = (o: Partial<Parameters<typeof teacher.produce>[0]>) =>
      teacher.produce({ transportId: send.id, kind: 'video', source: 'camera', rtpParameters: vp8Parameters(), ...o });
    await expect(produce({ source: 'webcam' as 'camera' })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(produce({ kind: 'audio' })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(produce({ rtpParameters: undefined as unknown as types.RtpParameters })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    // mediasoup's own validation (a codec the router does not have) becomes InvalidMediaArgumentError too.
    await expect(
      produce({ rtpParameters: { codecs: [{ mimeType: 'video/AV1', payloadType: 96, clockRate: 90000 }], encodings: [{ ssrc: 1 }] } }),
    ).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(produce({ transportId: 'nope' })).rejects.toBeInstanceOf(TransportNotFoundError);
    // Producing on a receive transport, or on another peer's transport.
    await expect(classroom.produce({ transportId: recv.id, kind: 'video', source: 'camera', rtpParameters: vp8Parameters() })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(classroom.produce({ transportId: send.id, kind: 'video', source: 'camera', rtpParameters: vp8Parameters() })).rejects.toBeInstanceOf(TransportNotFoundError);

    const camera = await produce({});
    await expect(produce({ rtpParameters: vp8Parameters([33]) })).rejects.toBeInstanceOf(SourceAlreadyPublishedError);
    // Two different sources of the same kind are fine.
    const screen = await produce({ source: 'screen', rtpParameters: vp8Parameters([44]) });
    expect(teacher.producers.map((p) => p.source).sort()).toEqual(['camera', 'screen']);
    const mic = await teacher.produce({ transportId: send.id, kind: 'audio', source: 'microphone', rtpParameters: opusParameters() });

    await expect(classroom.consume({ producerId: 'nope' })).rejects.toBeInstanceOf(ProducerNotFoundError);
    await expect(classroom.consume({ producerId: '' })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(teacher.consume({ producerId: mic.id })).rejects.toBeInstanceOf(InvalidMediaArgumentError); // no recv transport
    await expect(classroom.consume({ producerId: camera.id, transportId: recv.id, preferredLayers: { spatialLayer: -1 } })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(classroom.consume({ producerId: camera.id, priority: 0 })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    const c = await classroom.consume({ producerId: camera.id });
    expect(c.type).toBe('simple');
    const noCaps = room.addPeer('no-caps');
    await noCaps.createWebRtcTransport({ direction: 'recv' });
    await expect(noCaps.consume({ producerId: camera.id })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    // Capabilities without a common codec.
    await expect(
      noCaps.consume({ producerId: mic.id, rtpCapabilities: { codecs: [{ kind: 'audio', mimeType: 'audio/PCMU', clockRate: 8000, preferredPayloadType: 0 }] } }),
    ).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(classroom.resumeConsumer('nope')).rejects.toBeInstanceOf(ConsumerNotFoundError);
    await expect(classroom.setPriority(c.id, 300)).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(classroom.setPreferredLayers(c.id, { spatialLayer: 1.5 })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(teacher.pauseProducer('nope')).rejects.toBeInstanceOf(ProducerNotFoundError);
    expect(() => teacher.closeProducer('nope')).toThrow(ProducerNotFoundError);
    await expect(room.stopRecording()).rejects.toBeInstanceOf(NoRecordingError);
    await expect(room.startRecording({ directory: '/tmp', producers: ['nope'] })).rejects.toBeInstanceOf(ProducerNotFoundError);
    await expect(room.startRecording({ directory: '/tmp', producers: [camera.id, screen.id] })).rejects.toBeInstanceOf(InvalidMediaArgumentError);
    await expect(room.startRecording({ directory: '/tmp', producers: [camera.id], format: 'mp4' })).rejects.toBeInstanceOf(InvalidMediaArgumentError);

    // After all that, the room still works: a fresh consumer of the screen.
    const s = await classroom.consume({ producerId: screen.id });
    await classroom.resumeConsumer(s.id);
    expect(classroom.consumers.map((x) => x.source).sort()).toEqual(['camera', 'screen']);

    await room.close();
    expect(() => room.addPeer('late')).toThrow(RoomClosedError);
    await expect(teacher.createWebRtcTransport({ direction: 'send' })).rejects.toBeInstanceOf(RoomClosedError);
    await expect(teacher.produce({ transportId: send.id, kind: 'audio', source: 'microphone', rtpParameters: opusParameters() })).rejects.toBeInstanceOf(RoomClosedError);
  });

  it('WebRTC transports carry the network settings: announced address, UDP+TCP or TCP only, ICE servers', async () => {
    const room = await media.createRoom({ roomId: 'args-3' });
    const peer = room.addPeer('p');
    const both = await peer.createWebRtcTransport({ direction: 'recv' });
    expect(new Set(both.iceCandidates.map((c) => c.protocol))).toEqual(new Set(['udp', 'tcp']));
    for (const c of both.iceCandidates) {
      expect(c.address).toBe('127.0.0.1');
      expect(c.port).toBeGreaterThanOrEqual(41000);
      expect(c.port).toBeLessThanOrEqual(41999);
    }
    // UDP is preferred where it works.
    const udp = both.iceCandidates.find((c) => c.protocol === 'udp')!;
    const tcp = both.iceCandidates.find((c) => c.protocol === 'tcp')!;
    expect(udp.priority).toBeGreaterThan(tcp.priority);
    expect(both.iceServers).toEqual([{ urls: ['turn:turn.example.org:3478?transport=tcp'], username: 'u', credential: 'c' }]);

    const tcpOnly = await peer.createWebRtcTransport({ direction: 'send', forceTcp: true });
    expect(tcpOnly.iceCandidates.map((c) => c.protocol)).toEqual(['tcp']);
    await room.close();
  });

  it('a pool with WebRtcServers puts every transport of a worker on its one port', async () => {
    const port = await freeUdpAndTcpPort();
    const service = await MediaService.create({ workers: 1, webRtcServerPort: port });
    try {
      const info = await service.info();
      expect(info[0]!.webRtcServerPort).toBe(port);
      const room = await service.createRoom({ roomId: 'srv' });
      const a = await room.addPeer('a').createWebRtcTransport({ direction: 'send' });
      const b = await room.addPeer('b').createWebRtcTransport({ direction: 'recv' });
      for (const t of [a, b]) expect(new Set(t.iceCandidates.map((c) => c.port))).toEqual(new Set([port]));
    } finally {
      await service.close();
    }
    await expect(service.createRoom({ roomId: 'after' })).rejects.toBeInstanceOf(WorkerPoolClosedError);
  });
  it('a port range that runs out refuses the next transport with MediaPortsExhaustedError, and the room goes on', async () => {
    const port = await freeUdpAndTcpPort();
    // One port: a UDP+TCP transport takes it for both protocols, the next finds none.
    const service = await MediaService.create({ workers: 1, rtcMinPort: port, rtcMaxPort: port });
    try {
      const room = await service.createRoom({ roomId: 'ports' });
      const first = await room.addPeer('a').createWebRtcTransport({ direction: 'send' });
      const b = room.addPeer('b');
      const refused = await b.createWebRtcTransport({ direction: 'recv' }).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(MediaPortsExhaustedError);
      await expect(b.createPlainTransport({ direction: 'send' })).rejects.toBeInstanceOf(MediaPortsExhaustedError);
      // Freed by its peer leaving, the port serves the next transport.
      room.removePeer('a');
      const again = await b.createWebRtcTransport({ direction: 'recv' });
      expect(again.iceCandidates.map((c) => c.port)).toContain(first.iceCandidates[0]!.port);
    } finally {
      await service.close();
    }
  });
});
