/**
 * E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE (server/live/README.md) on the real worker with real
 * RTP: a lesson whose member classrooms spend it in the audio-and-courseware mode
 * (仅声音和课件, CW-AUDIO-ONLY) is judged from what they received — the teacher's sound with the
 * board up counts as receiving the lesson; holding the videos without the sound does not.
 * The teacher's camera and microphone are ffmpeg into plain producers; each classroom receives
 * through a plain transport into an RTP sink.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import type { RuleOutcome, SessionEvidence, SessionParticipation } from '../../shared/schemas/live.ts';
import type { LiveRoom } from '../../server/live/LiveRoom.ts';
import { ffmpegSender, opusParameters, RtpSink, sinkGrows, vp8Parameters } from '../media/helpers/rtp.ts';
import { createLiveSession, liveService, memberClassrooms } from '../support/live.ts';
import { followConsumers, plainProducer, plainReceiveTransport, ssrcOf } from '../support/plainMedia.ts';
import { liveMediaWorld } from '../support/liveMediaWorld.ts';
import { waitFor } from '../support/waitFor.ts';

const CAMERA_SSRC = 43_000_001;
const MIC_SSRC = 43_000_003;
/** Long enough that joining (seconds on a busy machine) is a small part of it; shares are of the scheduled time. */
const LESSON_MS = 20_000;

const world = liveMediaWorld();
const { open, senders, sinks } = world;

describe('E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE: a master-teacher lesson followed by sound and courseware', () => {
  let sessionId: string;
  let room: LiveRoom;
  let ended: { status: string; reason: string | null };
  let participation: SessionParticipation;
  let evidence: SessionEvidence;
  const outcome = (id: string): RuleOutcome => participation.verdict!.outcomes.find((o) => o.ruleId === id)!;
  const figures = (name: string) => memberClassrooms(participation).find((c) => c.name === name)!;

  beforeAll(async () => {
    // A master-teacher lesson (名师课堂): classrooms only receive, so being present is receiving.
    sessionId = await createLiveSession(world.platform, { mode: 'master', startsInMs: 3_000, durationMs: LESSON_MS });
    const teacher = await open('teacher.wang');
    const hostPeerId = (await teacher.signaling.request('join', { sessionId })).peerId;
    room = liveService(world.platform).rooms.get(sessionId)!;
    const host = room.participants.get(hostPeerId)!;
    const camera = await plainProducer(room, host, 'camera', vp8Parameters([CAMERA_SSRC]));
    const mic = await plainProducer(room, host, 'microphone', opusParameters(MIC_SSRC));
    // The teacher's send side, as a browser's: its transports connect when ffmpeg's first packets arrive.
    host.transports.set(camera.transportId, 'send');
    host.transports.set(mic.transportId, 'send');
    senders.push(ffmpegSender({ video: { port: camera.port, rtcpPort: camera.rtcpPort, ssrc: CAMERA_SSRC }, audio: { port: mic.port, rtcpPort: mic.rtcpPort, ssrc: MIC_SSRC } }));
    // The board is up (the blank board): the classrooms in the mode get its pages and strokes.
    await teacher.signaling.request('showCourseware', { coursewareId: null, page: 1 });

    // 澉浦 follows the whole lesson in the mode and hears the teacher.
    const ganpu = await open('class.ganpu');
    const ganpuPeer = room.participants.get((await ganpu.signaling.request('join', { sessionId })).peerId)!;
    await ganpu.signaling.request('setAudioCourseware', { enabled: true });
    const ganpuSink = await RtpSink.open();
    sinks.push(ganpuSink);
    await plainReceiveTransport(room, ganpuPeer, ganpuSink);
    const { consumers } = await followConsumers(ganpu, room.media.rtpCapabilities);
    expect([...consumers.values()].map((c) => c.source).sort()).toEqual(['camera', 'microphone']);

    // 六里 is in the mode too, but its sound never plays: it resumes only its (held) video.
    const liuli = await open('class.liuli');
    const liuliPeer = room.participants.get((await liuli.signaling.request('join', { sessionId })).peerId)!;
    await liuli.signaling.request('setAudioCourseware', { enabled: true });
    const liuliSink = await RtpSink.open();
    sinks.push(liuliSink);
    await plainReceiveTransport(room, liuliPeer, liuliSink);
    const answer = await liuli.signaling.request('consume', { rtpCapabilities: room.media.rtpCapabilities as never });
    for (const c of answer.consumers) if (c.kind === 'video') await liuli.signaling.request('resumeConsumer', { consumerId: c.id });

    // Real sound reaches 澉浦; no video does (held at the worker).
    const micSsrc = ssrcOf([...consumers.values()].find((c) => c.source === 'microphone')!);
    await sinkGrows(ganpuSink, micSsrc, 50);
    expect(ganpuSink.count(ssrcOf([...consumers.values()].find((c) => c.source === 'camera')!))).toBe(0);
    expect(room.mediaPeer(liuliPeer).consumers.map((c) => [c.kind, c.receiving]).sort()).toEqual([['audio', false], ['video', false]]);

    // Shares are of the scheduled time: the lesson is ended once it is over.
    const { endsAt } = (await liveService(world.platform).directory.get(sessionId))!;
    await waitFor('the scheduled end of the lesson', async () => Date.now(), (now) => now > endsAt.getTime(), LESSON_MS + 60_000, 200);
    ended = await teacher.signaling.request('endSession', {});

    const coordinator = await world.platform.signIn('coord.shiyan');
    const p = await coordinator.call(api.liveParticipation, { params: { sessionId } });
    if (!p.ok) throw new Error(p.error.message);
    participation = p.data;
    const e = await coordinator.call(api.liveEvidence, { params: { sessionId } });
    if (!e.ok) throw new Error(e.error.message);
    evidence = e.data;
  }, 180_000);

  it('E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE: the classroom that spent the lesson in the mode hearing the teacher received it: the lesson is delivered', () => {
    expect(ended).toMatchObject({ status: 'delivered', reason: null });
    const received = outcome('E-CLASSROOM-RECEIVED');
    expect(received).toMatchObject({ passed: true, count: 1 });
    expect(received.measuredShare).toBeGreaterThanOrEqual(0.6);
    // Its videos were held the whole time: everything it received came by sound and courseware, and the outcome says so.
    expect(received.audioCoursewareShare).toBe(received.measuredShare);
    expect(outcome('P-LESSON-CLASSROOM-PRESENT')).toMatchObject({ passed: true, count: 1, audioCoursewareShare: received.measuredShare });
    expect(outcome('E-TEACHER-PUBLISHED').passed).toBe(true);
    expect(figures('三年级(1)班')).toMatchObject({ present: true, cameraSeconds: 0 });
    expect(figures('三年级(1)班').audioCoursewareSeconds).toBeGreaterThanOrEqual(0.6 * participation.plannedSeconds);
  });

  it('E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE: the classroom that held its videos without receiving the teacher\'s sound is not counted', () => {
    expect(figures('四年级(2)班')).toMatchObject({ present: false, audioCoursewareSeconds: 0, receivingSeconds: 0 });
    expect(outcome('E-CLASSROOM-RECEIVED').detail).toMatch(/^1 of 2 member classrooms/);
  });

  it('E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE: the time in the mode is evidence of its own kind, for both classrooms, on the evidence page too', async () => {
    const mode = evidence.intervals.filter((i) => i.kind === 'audio_courseware');
    expect(mode.map((i) => [i.role, i.source, i.endReason])).toEqual([
      ['classroom', null, 'session_ended'],
      ['classroom', null, 'session_ended'],
    ]);
    expect(new Set(mode.map((i) => i.classroomId)).size).toBe(2);
    // The county's auditor reads the same on the quota evidence page, with the outcome's figure.
    const auditor = await world.platform.signIn('auditor.haiyan');
    const page = await auditor.call(api.quotaEvidence, { params: { kind: 'session', id: sessionId } });
    if (!page.ok) throw new Error(page.error.message);
    const s = page.data.session!;
    expect(s.intervals.filter((i) => i.kind === 'audio_courseware')).toHaveLength(2);
    expect(s.verdict!.outcomes.find((o) => o.ruleId === 'E-CLASSROOM-RECEIVED')!.audioCoursewareShare).toBe(outcome('E-CLASSROOM-RECEIVED').measuredShare);
  });
});
