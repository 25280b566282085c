import type { Room } from '../../media/index.ts';
import type { MediaSource } from '../../media/types.ts';
import type { LiveRole } from '../../shared/schemas/live.ts';
import type { Direction } from '../../shared/signaling/live.ts';
import { isVisible } from '../live/access.ts';
import type { ActivitySpec, EvidenceRecorder } from './EvidenceRecorder.ts';

/** A participant as the evidence needs it (server/live's Participant is one). */
export interface EvidencePeer {
  readonly peerId: string;
  readonly role: LiveRole;
  readonly actor: { readonly accountId: string; readonly teacherId: string | null; readonly classroomId: string | null };
  /** Transport id → direction (a `connected` interval records its direction). */
  readonly transports: ReadonlyMap<string, Direction>;
  /** In the audio-and-courseware mode (a classroom's videos held at the worker). */
  readonly audioCourseware: boolean;
}

/** The room as the evidence reads it (server/live's LiveRoom is one). */
export interface EvidenceRoom {
  readonly sessionId: string;
  readonly participants: ReadonlyMap<string, EvidencePeer>;
  /** The session is ending: nothing new opens. */
  readonly ending: boolean;
  stagePeerId(): string | null;
}

export interface MediaEvidenceOptions {
  /** The media room's audio-level interval: a sample above the threshold covers this much time before it. */
  readonly audioLevelIntervalMs?: number;
}

type SpeakingEnd = 'stopped' | 'left' | 'session_ended' | 'media_rebuilt';


/**
 * Media events become evidence: one room's media/ events (transports connected,
 * sources published and received, audio levels, a rebuilt worker) open and
 * close the session's evidence intervals, and the room's moderation (stage,
 * hands) its activity intervals, through the EvidenceRecorder.
 */
export class MediaEvidence {
  readonly #room: EvidenceRoom;
  readonly #recorder: EvidenceRecorder;
  readonly #options: MediaEvidenceOptions;
  /** Speaking: peer → the last audio-level sample that heard it (its open `speaking` interval ends there). */
  readonly #heard = new Map<string, Date>();
  /** The peer whose `stage` activity interval is open. */
  #stageOpen: string | null = null;

  constructor(room: EvidenceRoom, media: Room, recorder: EvidenceRecorder, options: MediaEvidenceOptions = {}) {
    this.#room = room;
    this.#recorder = recorder;
    this.#options = options;
    this.#wire(media);
  }

  #identity(p: EvidencePeer) {
    return { sessionId: this.#room.sessionId, role: p.role, accountId: p.actor.accountId, teacherId: p.actor.teacherId, classroomId: p.actor.classroomId, peerId: p.peerId };
  }

  #activityIdentity(p: EvidencePeer): Omit<ActivitySpec, 'kind' | 'at'> {
    return { ...this.#identity(p), role: p.role === 'observer' ? 'teacher' : p.role };
  }

  /** A participant attending now: patrols (observers) are never attendance, nothing of theirs is written. */
  #attending(peerId: string): EvidencePeer | undefined {
    const p = this.#room.participants.get(peerId);
    return p && isVisible(p) ? p : undefined;
  }

  /** Keeps the one open `stage` activity interval on the peer on stage now. */
  stageChanged(at = new Date()): void {
    const peerId = this.#room.stagePeerId();
    if (this.#stageOpen === peerId) return;
    if (this.#stageOpen) this.#recorder.closeActivity('stage', this.#stageOpen, at, 'stopped');
    this.#stageOpen = null;
    const p = peerId ? this.#attending(peerId) : undefined;
    if (p && !this.#room.ending) {
      this.#recorder.openActivity({ ...this.#activityIdentity(p), kind: 'stage', at });
      this.#stageOpen = p.peerId;
    }
  }

  /** A hand went up (an activity interval opens) or down (it closes). */
  handChanged(p: EvidencePeer, raised: boolean): void {
    if (isVisible(p) && raised && !this.#room.ending) this.#recorder.openActivity({ ...this.#activityIdentity(p), kind: 'hand', at: new Date() });
    if (!raised) this.#recorder.closeActivity('hand', p.peerId, new Date(), 'stopped');
  }

  /**
   * A classroom entered or left the audio-and-courseware mode: the time in it is an
   * `audio_courseware` interval (E-CLASSROOM-RECEIVED-AUDIO-COURSEWARE), which the
   * verdict counts where the classroom received the teacher's sound with the board up.
   */
  audioCoursewareChanged(p: EvidencePeer, at = new Date()): void {
    if (p.audioCourseware) this.#openAudioCourseware(p, at);
    else this.#recorder.close('audio_courseware', p.peerId, at, 'stopped');
  }

  #openAudioCourseware(p: EvidencePeer, at: Date): void {
    if (p.role !== 'classroom' || !isVisible(p) || this.#room.ending) return;
    this.#recorder.open({ ...this.#identity(p), kind: 'audio_courseware', mediaId: p.peerId, at });
  }

  /** A participant left the room: its speaking ends where last heard, everything else of it now. */
  peerRemoved(peerId: string): void {
    this.#stopSpeaking(peerId, 'left');
    this.#recorder.closeWhere((e) => e.peerId === peerId, new Date(), 'left');
  }

  /** Before the session's intervals are closed: speaking ends where it was last heard, not at the end. */
  settle(): void {
    for (const peerId of [...this.#heard.keys()]) this.#stopSpeaking(peerId, 'session_ended');
  }

  /** Ends a peer's `speaking` interval at the last sample that heard it. */
  #stopSpeaking(peerId: string, reason: SpeakingEnd): void {
    const last = this.#heard.get(peerId);
    if (!last) return;
    this.#heard.delete(peerId);
    this.#recorder.closeActivity('speaking', peerId, last, reason);
  }

  /** Audio levels → `speaking` intervals: a sample above the threshold covers the interval before it. */
  #onAudioLevels(levels: readonly { peerId: string; source: MediaSource }[], at: Date): void {
    const heardNow = new Set<string>();
    if (!this.#room.ending) {
      const span = this.#options.audioLevelIntervalMs ?? 500;
      for (const l of levels) {
        if (l.source !== 'microphone') continue;
        const p = this.#attending(l.peerId);
        if (!p) continue;
        heardNow.add(p.peerId);
        if (!this.#heard.has(p.peerId)) this.#recorder.openActivity({ ...this.#activityIdentity(p), kind: 'speaking', at: new Date(at.getTime() - span) });
        this.#heard.set(p.peerId, at);
      }
    }
    for (const peerId of [...this.#heard.keys()]) if (!heardNow.has(peerId)) this.#stopSpeaking(peerId, 'stopped');
  }

  #wire(m: Room): void {
    const ev = this.#recorder;
    const room = this.#room;
    m.on('transportconnected', (peerId, transportId, at) => {
      const p = this.#attending(peerId);
      const direction = p?.transports.get(transportId);
      if (p && direction && !room.ending) ev.open({ ...this.#identity(p), kind: 'connected', direction, mediaId: transportId, at });
      // Back after a rebuilt worker (which closed its intervals) still in the mode: the mode's interval opens again.
      if (p && direction === 'recv' && p.audioCourseware) this.#openAudioCourseware(p, at);
    });
    m.on('transportdisconnected', (_peerId, transportId, at) => ev.close('connected', transportId, at, 'disconnected'));
    m.on('publishingstarted', (peerId, source, producerId, at) => {
      const p = this.#attending(peerId);
      if (p && !room.ending) ev.open({ ...this.#identity(p), kind: 'publishing', source, mediaId: producerId, at });
    });
    m.on('publishingstopped', (_peerId, _source, producerId, at) => ev.close('publishing', producerId, at, 'stopped'));
    m.on('receivingstarted', (peerId, producerPeerId, source, consumerId, at) => {
      const p = this.#attending(peerId);
      const from = room.participants.get(producerPeerId);
      if (!p || !from || room.ending) return;
      ev.open({ ...this.#identity(p), kind: 'receiving', source, from: { peerId: from.peerId, accountId: from.actor.accountId, role: from.role }, mediaId: consumerId, at });
    });
    m.on('receivingstopped', (_peerId, _from, _source, consumerId, at) => ev.close('receiving', consumerId, at, 'stopped'));
    m.on('peerleft', (peerId, at) => ev.closeWhere((e) => e.peerId === peerId, at, 'left'));
    m.on('audiolevels', (levels, at) => this.#onAudioLevels(levels, at));
    m.on('rebuilt', (at, peerIds) => {
      for (const peerId of peerIds) {
        if (!room.participants.has(peerId)) continue;
        // Its media is gone; its hand and its place on stage are not (activity intervals stay open).
        this.#stopSpeaking(peerId, 'media_rebuilt');
        ev.closeWhere((e) => e.peerId === peerId && e.table === 'evidence', at, 'media_rebuilt');
      }
    });
  }
}
