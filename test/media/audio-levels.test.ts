/**
 * Who is speaking: audio levels per peer (`audiolevels`, peer.audioLevel) and
 * the dominant speaker (`activespeaker`), from the ssrc-audio-level header
 * extension that browsers put on every opus packet. Here a Node socket sends
 * such packets with chosen levels, so the expected speaker is known.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudioLevel } from '../../media/types.ts';
import { Room } from '../../media/Room.ts';
import { WorkerPool } from '../../media/WorkerPool.ts';
import { named, opusParameters, recordEvents } from './helpers/rtp.ts';
import { waitFor } from '../support/waitFor.ts';

const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
let pool: WorkerPool;
const senders: VoiceSender[] = [];

beforeAll(async () => {
  pool = await WorkerPool.create({ size: 1, logLevel: 'warn' });
});

afterAll(() => {
  for (const s of senders) s.stop();
  pool?.close();
});

/**
 * Sends 20 ms opus-like packets at 50/s carrying an audio level. Speaking is
 * syllable-like (loud 240 ms, softer 120 ms, around `dbov`): the dominant-speaker
 * algorithm learns each microphone's noise floor, so a constant level would
 * count as background noise, not speech. Not speaking is −127 dBov.
 */
class VoiceSender {
  dbov = -127;
  #tick = 0;
  #seq = 0;
  #ts = 0;
  #timer: NodeJS.Timeout;
  constructor(
    private readonly socket: Socket,
    private readonly ssrc: number,
    target: { ip: string; port: number },
  ) {
    this.#timer = setInterval(() => {
      const packet = Buffer.alloc(12 + 8 + 3);
      packet[0] = 0x90; // V=2, X=1
      packet[1] = 100; // PT
      packet.writeUInt16BE(this.#seq++ & 0xffff, 2);
      packet.writeUInt32BE((this.#ts += 960) >>> 0, 4);
      packet.writeUInt32BE(this.ssrc, 8);
      packet.writeUInt16BE(0xbede, 12); // one-byte header extensions
      packet.writeUInt16BE(1, 14); // one 32-bit word
      packet[16] = (1 << 4) | 0; // id 1, length 1
      const syllable = this.dbov > -127 && this.#tick++ % 18 >= 12 ? -30 : 0;
      const level = Math.max(-127, this.dbov + syllable + (this.dbov > -127 ? Math.round(Math.random() * 6 - 3) : 0));
      packet[17] = (level > -127 ? 0x80 : 0) | Math.min(127, Math.round(-level)); // voice activity + level
      packet.set([0xf8, 0xff, 0xfe], 20); // an opus frame
      socket.send(packet, target.port, target.ip);
    }, 20);
  }

  static async start(ssrc: number, target: { ip: string; port: number }): Promise<VoiceSender> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const sender = new VoiceSender(socket, ssrc, target);
    senders.push(sender);
    return sender;
  }

  stop(): void {
    clearInterval(this.#timer);
    try {
      this.socket.close();
    } catch {
      /* closed already */
    }
  }
}

async function speaker(room: Room, peerId: string, ssrc: number) {
  const peer = room.addPeer(peerId);
  const t = await peer.createPlainTransport({ direction: 'send', comedia: true });
  const producer = await peer.produce({
    transportId: t.id,
    kind: 'audio',
    source: 'microphone',
    rtpParameters: opusParameters(ssrc, [{ uri: AUDIO_LEVEL_URI, id: 1 }]),
  });
  const voice = await VoiceSender.start(ssrc, { ip: t.ip, port: t.port });
  return { peer, producer, voice };
}

describe('audio levels and the active speaker', () => {
  it('report who is loud, per peer and as the dominant speaker', async () => {
    const room = await Room.create(pool, { roomId: 'speakers', audioLevelIntervalMs: 200 });
    const log = recordEvents(room);
    const teacher = await speaker(room, 'teacher', 50_000_001);
    const classroom = await speaker(room, 'classroom', 50_000_002);
    teacher.voice.dbov = -20;
    classroom.voice.dbov = -127;

    await waitFor('the teacher as active speaker', () => room.activeSpeaker, (s) => s === 'teacher');
    // The latest report that names anyone (a sender stalled by a busy machine reports silence meanwhile).
    const levels = await waitFor('audio levels naming someone', () => named(log, 'audiolevels').at(-1)?.args[0] as AudioLevel[] | undefined, (l) => !!l?.length);
    expect(levels!.map((l) => l.peerId)).toEqual(['teacher']); // the silent classroom is below the −60 dBov threshold
    // The average over the interval (syllables included).
    expect(levels![0]!.volume).toBeGreaterThan(-45);
    expect(levels![0]!.volume).toBeLessThan(-15);
    expect(levels![0]!.source).toBe('microphone');
    expect(teacher.peer.audioLevel?.volume).toBeGreaterThan(-45);
    expect(classroom.peer.audioLevel).toBeUndefined();
    expect(room.audioLevels().has('teacher')).toBe(true);

    // The classroom answers, the teacher listens.
    teacher.voice.dbov = -127;
    classroom.voice.dbov = -15;
    await waitFor('the classroom as active speaker', () => room.activeSpeaker, (s) => s === 'classroom');
    const speakers = named(log, 'activespeaker').map((e) => e.args[0]);
    expect(speakers.slice(0, 2)).toEqual(['teacher', 'classroom']);
    await waitFor('levels naming the classroom only', () => named(log, 'audiolevels').at(-1)!.args[0] as AudioLevel[], (l) => l.length === 1 && l[0]!.peerId === 'classroom');

    // Everybody silent: one empty `audiolevels`.
    classroom.voice.dbov = -127;
    await waitFor('silence', () => named(log, 'audiolevels').at(-1)!.args[0] as AudioLevel[], (l) => l.length === 0);

    // The active speaker stops publishing audio: nobody is the active speaker.
    classroom.peer.closeProducer(classroom.producer.id);
    await waitFor('nobody as active speaker', () => named(log, 'activespeaker').at(-1)!.args[0], (s) => s === null);
    expect(room.activeSpeaker).toBeNull();
    await room.close();
  });
});
