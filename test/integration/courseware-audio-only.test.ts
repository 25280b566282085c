/**
 * The audio-and-courseware mode (仅声音和课件) on the real worker, over real sockets.
 * The teacher's camera, screen share and microphone are real RTP (ffmpeg into plain
 * producers); a classroom receives through a plain transport into an RTP sink, so
 * what the worker sends it is counted packet by packet.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LiveRoom, Participant } from '../../server/live/LiveRoom.ts';
import type { ConsumerOptions } from '../../shared/signaling/live.ts';
import { ffmpegSender, opusParameters, RtpSink, sinkGrows, vp8Parameters } from '../media/helpers/rtp.ts';
import { createLiveSession, liveService, nextNotification, signalingRefusal, type LiveSocket } from '../support/live.ts';
import { followConsumers, plainProducer, plainReceiveTransport, ssrcOf } from '../support/plainMedia.ts';
import { liveMediaWorld } from '../support/liveMediaWorld.ts';

const CAMERA_SSRC = 41_000_001;
const SCREEN_SSRC = 41_000_002;
const MIC_SSRC = 41_000_003;

const world = liveMediaWorld();
const { open, senders, sinks } = world;

describe('CW-AUDIO-ONLY: a classroom follows the lesson by sound and courseware', () => {
  let sessionId: string;
  let room: LiveRoom;
  let teacher: LiveSocket;
  let hostPeerId: string;
  let ganpu: LiveSocket;
  let ganpuPeer: Participant;
  let sink: RtpSink;
  let consumers: Map<string, ConsumerOptions>;

  const ssrcs = (source: 'camera' | 'screen' | 'microphone') => [...consumers.values()].filter((c) => c.source === source).map(ssrcOf);
  const count = (source: 'camera' | 'screen' | 'microphone') => ssrcs(source).reduce((n, ssrc) => n + sink.count(ssrc), 0);
  const videoAtWorker = () => room.mediaPeer(ganpuPeer).consumers.filter((c) => c.kind === 'video');
  const audioAtWorker = () => room.mediaPeer(ganpuPeer).consumers.filter((c) => c.kind === 'audio');

  beforeAll(async () => {
    sessionId = await createLiveSession(world.platform, { startsInMs: 2_000 });
    teacher = await open('teacher.wang');
    hostPeerId = (await teacher.signaling.request('join', { sessionId })).peerId;
    room = liveService(world.platform).rooms.get(sessionId)!;
    const host = room.participants.get(hostPeerId)!;
    const camera = await plainProducer(room, host, 'camera', vp8Parameters([CAMERA_SSRC]));
    const screen = await plainProducer(room, host, 'screen', vp8Parameters([SCREEN_SSRC]));
    const mic = await plainProducer(room, host, 'microphone', opusParameters(MIC_SSRC));
    senders.push(
      ffmpegSender({ video: { port: camera.port, rtcpPort: camera.rtcpPort, ssrc: CAMERA_SSRC }, audio: { port: mic.port, rtcpPort: mic.rtcpPort, ssrc: MIC_SSRC } }),
      ffmpegSender({ video: { port: screen.port, rtcpPort: screen.rtcpPort, ssrc: SCREEN_SSRC, fps: 5, bitrate: '200k' } }),
    );

    ganpu = await open('class.ganpu');
    const joined = await ganpu.signaling.request('join', { sessionId });
    ganpuPeer = room.participants.get(joined.peerId)!;
    sink = await RtpSink.open();
    sinks.push(sink);
    await plainReceiveTransport(room, ganpuPeer, sink);
    ({ consumers } = await followConsumers(ganpu, room.media.rtpCapabilities));
    expect([...consumers.values()].map((c) => c.source).sort()).toEqual(['camera', 'microphone', 'screen']);
    await sinkGrows(sink, ssrcs('camera')[0]!, 20);
    await sinkGrows(sink, ssrcs('screen')[0]!, 5);
    await sinkGrows(sink, ssrcs('microphone')[0]!, 20);
  });

  it('CW-AUDIO-ONLY: the classroom switches itself in: its camera and screen-share consumers are paused at the worker and no video RTP reaches it, while its sound flows on', async () => {
    const seen = nextNotification(teacher.signaling, 'peerUpdated', ({ peer }) => peer.peerId === ganpuPeer.peerId && peer.audioCourseware);
    expect(await ganpu.signaling.request('setAudioCourseware', { enabled: true })).toEqual({ peerId: ganpuPeer.peerId, enabled: true });
    expect(videoAtWorker().map((c) => [c.source, c.paused, c.receiving]).sort()).toEqual([['camera', true, false], ['screen', true, false]]);
    expect(audioAtWorker().map((c) => [c.source, c.paused, c.receiving])).toEqual([['microphone', false, true]]);
    // CW-AUDIO-ONLY-PRESENT: the teacher's tile learns it at once.
    await seen;

    // What was on its way before the pause is in once sound sent after it has arrived (one socket, in order).
    await sinkGrows(sink, ssrcs('microphone')[0]!, 10);
    const camera = count('camera');
    const screen = count('screen');
    // Two seconds of sound (20 ms packets): at 15 and 5 frames a second the videos would have sent dozens of packets meanwhile.
    await sinkGrows(sink, ssrcs('microphone')[0]!, 100);
    expect([count('camera'), count('screen')]).toEqual([camera, screen]);
  });

  it('CW-AUDIO-ONLY: a video created while the classroom is in the mode stays held at the worker, though its client resumed it', async () => {
    const host = room.participants.get(hostPeerId)!;
    const pushed = nextNotification(ganpu.signaling, 'newConsumer', (c) => c.source === 'camera');
    const mediaHost = room.mediaPeer(host);
    mediaHost.closeProducer(mediaHost.producerOf('camera')!.id);
    const again = await plainProducer(room, host, 'camera', vp8Parameters([CAMERA_SSRC + 10]));
    const fresh = await pushed;
    // Its client resumes it, as a browser does (followConsumers too); the worker keeps it paused.
    await ganpu.signaling.request('resumeConsumer', { consumerId: fresh.id });
    const info = room.mediaPeer(ganpuPeer).consumerInfo(fresh.id);
    expect(info).toMatchObject({ producerId: again.producerId, paused: true });
  });

  it('CW-AUDIO-ONLY-PRESENT: a late joiner sees the mode in the room snapshot', async () => {
    const liuli = await open('class.liuli');
    const joined = await liuli.signaling.request('join', { sessionId });
    expect(joined.room.peers.find((p) => p.peerId === ganpuPeer.peerId)?.audioCourseware).toBe(true);
    expect(joined.room.peers.find((p) => p.peerId === joined.peerId)?.audioCourseware).toBe(false);
  });

  it('CW-AUDIO-ONLY: leaving the mode resumes the videos the client had resumed, and video RTP arrives again', async () => {
    const seen = nextNotification(teacher.signaling, 'peerUpdated', ({ peer }) => peer.peerId === ganpuPeer.peerId && !peer.audioCourseware);
    expect(await ganpu.signaling.request('setAudioCourseware', { enabled: false })).toEqual({ peerId: ganpuPeer.peerId, enabled: false });
    await seen;
    expect(videoAtWorker().every((c) => !c.paused)).toBe(true);
    await sinkGrows(sink, ssrcs('screen')[0]!, 5);
  });

  it('CW-AUDIO-ONLY: the host switches a classroom in and out; the classroom is told', async () => {
    const told = nextNotification(ganpu.signaling, 'peerUpdated', ({ peer }) => peer.peerId === ganpuPeer.peerId && peer.audioCourseware);
    expect(await teacher.signaling.request('setAudioCourseware', { peerId: ganpuPeer.peerId, enabled: true })).toEqual({ peerId: ganpuPeer.peerId, enabled: true });
    await told;
    expect(videoAtWorker().every((c) => c.paused)).toBe(true);
    expect(room.mediaPeer(ganpuPeer).videoHeld).toBe(true);
    await teacher.signaling.request('setAudioCourseware', { peerId: ganpuPeer.peerId, enabled: false });
    expect(room.mediaPeer(ganpuPeer).videoHeld).toBe(false);
  });

  it('CW-STROKE-PRECISION: a stroke reaches the classroom in the mode over signaling, its points rounded to 1/10000 whatever the client sent', async () => {
    await teacher.signaling.request('showCourseware', { coursewareId: null, page: 1 });
    const added = nextNotification(ganpu.signaling, 'strokesAdded');
    const points: [number, number, number][] = [[0.123456789, 0.987654321, 0.5], [0.2000049, 0.33333333333, 0.71234]];
    await teacher.signaling.request('drawStroke', { stroke: { id: 'precise-1', tool: 'pen', color: '#000000', size: 0.004, points } });
    expect((await added).strokes[0]!.points).toEqual([[0.1235, 0.9877, 0.5], [0.2, 0.3333, 0.7123]]);
    expect((await ganpu.signaling.request('boardState', {})).strokes[0]!.points).toEqual([[0.1235, 0.9877, 0.5], [0.2, 0.3333, 0.7123]]);
  });

  it('CW-AUDIO-ONLY: refused for anyone else: the teacher for itself (by its own peer id too), a classroom for another, the host naming nobody, a non-participant, a malformed request', async () => {
    expect((await signalingRefusal(teacher.signaling.request('setAudioCourseware', { enabled: true }))).code).toBe('forbidden');
    expect((await signalingRefusal(teacher.signaling.request('setAudioCourseware', { peerId: hostPeerId, enabled: true }))).code).toBe('forbidden');
    expect((await signalingRefusal(teacher.signaling.request('setAudioCourseware', { peerId: 'no-such-peer', enabled: true }))).code).toBe('not_found');
    const liuliPeer = [...room.participants.values()].find((p) => p.actor.username === 'class.liuli')!;
    expect((await signalingRefusal(ganpu.signaling.request('setAudioCourseware', { peerId: liuliPeer.peerId, enabled: true }))).code).toBe('forbidden');
    const outsider = await open('teacher.li');
    expect((await signalingRefusal(outsider.signaling.request('join', { sessionId }))).code).toBe('forbidden');
    expect((await signalingRefusal(outsider.signaling.request('setAudioCourseware', { enabled: true }))).code).toBe('not_joined');
    expect((await signalingRefusal(ganpu.signaling.request('setAudioCourseware', { enabled: 'yes' as never }))).code).toBe('validation');
    expect(liuliPeer.audioCourseware).toBe(false);
    expect(room.mediaPeer(liuliPeer).videoHeld).toBe(false);
  });
});
