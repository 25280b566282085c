import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'socket.io';
import type { Peer, Room } from '../../media/index.ts';
import type { ConsumerOptionsForClient, MediaSource } from '../../media/types.ts';
import type { LivePeer, LiveRole, RecordingState } from '../../shared/schemas/live.ts';
import type { ConsumerOptions, Direction, RoomSnapshot } from '../../shared/signaling/live.ts';
import { notificationEvent, type NotificationName, type NotificationOf } from '../../shared/signaling/protocol.ts';
import type { Actor } from '../accounts/actor.ts';
import type { Logger } from '../log.ts';
import type { EvidenceRecorder } from '../evidence/EvidenceRecorder.ts';
import { MediaEvidence } from '../evidence/MediaEvidence.ts';
import { isVisible, mayBeOnStage, mayReceive, permissionsFor } from './access.ts';
import type { LiveSessionInfo } from './directory.ts';
import { LiveError } from './errors.ts';
import type { RecordingSeries, RecordingStore } from './recordings.ts';
import { RoomRecording } from './RoomRecording.ts';
import { ClassTools } from './tools/ClassTools.ts';

/** One participant as the room knows it (its media objects live in media/'s Peer of the same id). */
export interface Participant {
  readonly peerId: string;
  readonly actor: Actor;
  readonly role: LiveRole;
  readonly resumeToken: string;
  socket: Socket | null;
  graceTimer: ReturnType<typeof setTimeout> | null;
  handRaised: boolean;
  readonly publishing: Set<MediaSource>;
  /** Transport id → direction (evidence needs the direction of a `connected` interval). */
  readonly transports: Map<string, Direction>;
  recvTransportId: string | null;
  /** Gave its device capabilities (`consume`): gets consumers pushed from then on. */
  consuming: boolean;
  readonly consumers: Map<string, ConsumerOptions>;
  /** Serializes consumer creation for this participant. */
  lock: Promise<unknown>;
  /**
   * The participant's own wish for its microphone (produced unpaused / resumed: on; paused or
   * closed by itself: off). A host's unmute restores the microphone only if this is on.
   */
  micWanted: boolean;
  /** This join reported its join-to-first-frame time (once per join: a fresh join is a new participant). */
  firstFrameReported: boolean;
  /** Audio-and-courseware mode: its video is held at the worker (CW-AUDIO-ONLY). */
  audioCourseware: boolean;
  /**
   * A participant of another node's room of the lesson: on an edge room, a host's publisher received
   * through a pipe; on the host, an edge room's participant listed here (`edge`). No media peer here,
   * nothing of it is written here; no socket, but for an edge participant's stand-in for the class
   * tools' notifications (server/cluster N-EDGE-TOOLS).
   */
  readonly mirror?: true;
  /** On the host: the mirror of a participant of `node`'s edge room, online as that node says (N-EDGE-ROSTER). */
  readonly edge?: { readonly node: string; online: boolean };
}

/** What an edge node reports of one of its participants to the lesson's host (N-EDGE-ROSTER). */
export interface MirrorState {
  readonly handRaised: boolean;
  readonly online: boolean;
  readonly audioCourseware: boolean;
  readonly mutedByHost: boolean;
}

/** What the host's teacher does to a participant of an edge room: done there, by its node (N-EDGE-HAND). */
export type MirrorAction =
  | { readonly hand: false }
  | { readonly muted: boolean }
  | { readonly audioCourseware: boolean }
  /** The same account joined elsewhere in the lesson (N-EDGE-ONE-DEVICE): the edge removes its participant, which is told so. */
  | { readonly removed: 'joined-elsewhere' };

/** Told when a participant joins, changes (hand, online, mode, mute, sources) or leaves (`left`). */
export type RosterWatcher = (p: Participant, left: boolean) => void;

export interface LiveRoomContext {
  readonly log: Logger;
  readonly evidence: EvidenceRecorder;
  readonly recordings: RecordingStore;
  readonly peerGraceMs: number;
  /** Called when the socket mapping of a participant goes away. */
  readonly unbind: (socket: Socket, peerId: string) => void;
  /** The host sees how many patrols are in the room (LIVE_PATROL_MARKER). */
  readonly patrolMarker?: boolean;
  /** On a lesson's host: an edge participant replaced by its account's newer join is removed by its edge node too (N-EDGE-ONE-DEVICE). */
  readonly removeOnEdge?: (p: Participant) => void;
  /** The media room's audio-level interval: a sample above the threshold covers this much time before it. */
  readonly audioLevelIntervalMs?: number;
}

/**
 * The live side of one session: who is in it, who is on stage, who is muted,
 * the recording, and the participants' notifications of media/'s Room events
 * (the same events become evidence in server/evidence/MediaEvidence.ts).
 * Signaling requests (signaling.ts) act through its methods.
 */
export class LiveRoom {
  readonly sessionId: string;
  session: LiveSessionInfo;
  readonly media: Room;
  readonly #ctx: LiveRoomContext;
  readonly participants = new Map<string, Participant>();
  /** The account on stage (it stays on stage across its own reconnects). */
  stageAccountId: string | null = null;
  readonly mutedAccounts = new Set<string>();
  /** Edge participants replaced by their account's newer join (N-EDGE-ONE-DEVICE): a late report of theirs lists them no more. */
  readonly replacedOnEdge = new Set<string>();
  readonly #evidence: MediaEvidence;
  readonly #recording: RoomRecording;
  /** Quiz, chat and countdown (server/live/tools). */
  readonly tools = new ClassTools();
  ending = false;
  #closed = false;
  /** An edge room's node reports its participants to the lesson's host through these (server/cluster). */
  readonly watchers = new Set<RosterWatcher>();

  constructor(session: LiveSessionInfo, media: Room, ctx: LiveRoomContext) {
    this.sessionId = session.id;
    this.session = session;
    this.media = media;
    this.#ctx = ctx;
    // Evidence first: an interval opens before anyone is told.
    this.#evidence = new MediaEvidence(this, media, ctx.evidence, { audioLevelIntervalMs: ctx.audioLevelIntervalMs });
    this.#recording = new RoomRecording(this, media, {
      log: ctx.log,
      recordings: ctx.recordings,
      recorderId: ctx.evidence.recorderId,
      changed: () => this.broadcast('recordingChanged', this.recordingState()),
    });
    this.#wire();
  }

  get closed(): boolean {
    return this.#closed;
  }

  // ---- views ---------------------------------------------------------------------------

  peerView(p: Participant): LivePeer {
    return {
      peerId: p.peerId,
      accountId: p.actor.accountId,
      displayName: p.actor.displayName,
      role: p.role,
      teacherId: p.actor.teacherId,
      classroomId: p.actor.classroomId,
      publishing: [...p.publishing],
      handRaised: p.handRaised,
      mutedByHost: this.mutedAccounts.has(p.actor.accountId),
      online: p.edge ? p.edge.online : p.socket !== null || p.mirror === true,
      audioCourseware: p.audioCourseware,
      onEdge: p.edge !== undefined,
    };
  }

  stagePeerId(): string | null {
    if (!this.stageAccountId) return null;
    for (const p of this.participants.values()) if (p.actor.accountId === this.stageAccountId) return p.peerId;
    return null;
  }

  /** The recording being written, if any. */
  get recording(): { readonly id: string; readonly startedAt: Date } | null {
    return this.#recording.current;
  }

  recordingState(): RecordingState {
    return this.#recording.state();
  }

  /** The room as `viewer` may see it: patrols are left out (but for the viewer itself); only the host learns how many there are. */
  snapshot(viewer?: Participant): RoomSnapshot {
    return {
      peers: [...this.participants.values()].filter((p) => isVisible(p) || p === viewer).map((p) => this.peerView(p)),
      stagePeerId: this.stagePeerId(),
      activeSpeakerPeerId: this.media.closed ? null : this.media.activeSpeaker,
      recording: this.recordingState(),
      patrols: viewer?.role === 'host' && this.#ctx.patrolMarker !== false ? this.patrolCount() : 0,
    };
  }

  /** A participant others may see and act on (a patrol's peer id is answered as unknown). */
  visibleParticipant(peerId: string): Participant | undefined {
    const p = this.participants.get(peerId);
    return p && isVisible(p) ? p : undefined;
  }

  patrolCount(): number {
    let n = 0;
    for (const p of this.participants.values()) if (!isVisible(p)) n++;
    return n;
  }

  #patrolsChanged(): void {
    if (this.#ctx.patrolMarker === false) return;
    const patrols = this.patrolCount();
    for (const p of this.participants.values()) if (p.role === 'host') this.notify(p, 'patrolChanged', { patrols });
  }

  notify<N extends NotificationName>(p: Participant, name: N, data: NotificationOf<N>): void {
    p.socket?.emit(notificationEvent(name), data);
  }

  broadcast<N extends NotificationName>(name: N, data: NotificationOf<N>, except?: string): void {
    for (const p of this.participants.values()) if (p.peerId !== except) this.notify(p, name, data);
  }

  #watched(p: Participant, left: boolean): void {
    for (const w of this.watchers) w(p, left);
  }

  #peerChanged(p: Participant): void {
    this.#watched(p, false);
    if (isVisible(p)) this.broadcast('peerUpdated', { peer: this.peerView(p) });
  }

  mediaPeer(p: Participant): Peer {
    return this.media.getPeer(p.peerId);
  }

  // ---- participants ------------------------------------------------------------------------

  /**
   * One device per account: a newer join replaces the account's other participants (a classroom box
   * restarted, a teacher switched laptops), on an edge node too (N-EDGE-ONE-DEVICE). An edge room
   * leaves the host's publishers it mirrors alone: the host decides for them.
   */
  #replaceAccount(accountId: string, socket: Socket | null): void {
    for (const old of [...this.participants.values()]) {
      if (old.actor.accountId !== accountId || (old.mirror && !old.edge)) continue;
      if (old.edge) {
        this.replacedOnEdge.add(old.peerId);
        this.#ctx.removeOnEdge?.(old);
      } else if (old.socket && old.socket !== socket) this.notify(old, 'removed', { reason: 'joined-elsewhere' });
      this.remove(old.peerId);
    }
  }

  add(actor: Actor, role: LiveRole, socket: Socket): Participant {
    this.#replaceAccount(actor.accountId, socket);
    const p = newParticipant(randomUUID(), actor, role, socket);
    this.participants.set(p.peerId, p);
    this.media.addPeer(p.peerId, { appData: { accountId: actor.accountId, role } });
    if (isVisible(p)) this.broadcast('peerJoined', { peer: this.peerView(p) }, p.peerId);
    else this.#patrolsChanged();
    this.#watched(p, false);
    // Back on stage under its new peer id (its media reaches the classrooms as soon as it publishes).
    if (this.stageAccountId === actor.accountId) {
      this.broadcast('stageChanged', { peerId: p.peerId });
      this.#evidence.stageChanged();
    }
    return p;
  }

  /**
   * A participant of the host node's room whose producers this edge room receives
   * (server/cluster/EdgeRooms.ts): listed and received like one who joined here, but
   * it has no socket and no media peer here, so nothing of it is written here. With `edge`:
   * on the host, a participant of that node's edge room (N-EDGE-ROSTER).
   */
  mirror(
    peer: { readonly peerId: string; readonly role: LiveRole; readonly actor: Omit<Actor, 'csrfToken' | 'sessionExpiresAt'> },
    edge?: { readonly node: string; readonly state: MirrorState; readonly socket?: Socket },
  ): Participant {
    const known = this.participants.get(peer.peerId);
    if (known) return known;
    if (edge) this.#replaceAccount(peer.actor.accountId, null);
    // An edge participant's stand-in socket takes the class tools' notifications to it (server/cluster N-EDGE-TOOLS).
    const base = newParticipant(peer.peerId, { ...peer.actor, csrfToken: '', sessionExpiresAt: new Date(8.64e15) }, peer.role, edge?.socket ?? null);
    const p: Participant = edge ? { ...base, mirror: true, edge: { node: edge.node, online: edge.state.online } } : { ...base, mirror: true };
    if (edge) this.#takeState(p, edge.state);
    this.participants.set(p.peerId, p);
    if (isVisible(p)) this.broadcast('peerJoined', { peer: this.peerView(p) });
    else this.#patrolsChanged();
    return p;
  }

  /**
   * An edge participant's state as its node reports it (N-EDGE-ROSTER): shown here like a
   * participant of this room (its hand reaches the teacher), written by its node only.
   */
  updateMirror(p: Participant, state: MirrorState): void {
    if (!p.edge) return;
    const hand = p.handRaised !== state.handRaised;
    this.#takeState(p, state);
    if (hand && isVisible(p)) this.broadcast('handRaised', { peerId: p.peerId, raised: p.handRaised });
    if (isVisible(p)) this.broadcast('peerUpdated', { peer: this.peerView(p) });
  }

  #takeState(p: Participant, state: MirrorState): void {
    p.handRaised = state.handRaised;
    p.audioCourseware = state.audioCourseware;
    if (p.edge) p.edge.online = state.online;
    if (state.mutedByHost) this.mutedAccounts.add(p.actor.accountId);
    else this.mutedAccounts.delete(p.actor.accountId);
  }

  /** A mirrored participant's sources as its host node publishes them. */
  setPublishing(p: Participant, sources: readonly MediaSource[]): void {
    const now = [...sources].sort().join();
    if ([...p.publishing].sort().join() === now) return;
    p.publishing.clear();
    for (const s of sources) p.publishing.add(s);
    this.#peerChanged(p);
  }

  /** Takes a participant back on a new socket if it is still held and the token matches. */
  resume(peerId: string, token: string, actor: Actor, socket: Socket): Participant | null {
    const p = this.participants.get(peerId);
    if (!p || p.actor.accountId !== actor.accountId) return null;
    const a = Buffer.from(p.resumeToken);
    const b = Buffer.from(token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
    if (p.graceTimer) clearTimeout(p.graceTimer);
    p.graceTimer = null;
    if (p.socket && p.socket !== socket) this.#ctx.unbind(p.socket, p.peerId);
    p.socket = socket;
    this.#peerChanged(p);
    return p;
  }

  /** The socket went away: keep the participant (its media may still flow) for the grace period. */
  detach(p: Participant): void {
    p.socket = null;
    if (p.graceTimer) clearTimeout(p.graceTimer);
    p.graceTimer = setTimeout(() => this.remove(p.peerId), this.#ctx.peerGraceMs);
    p.graceTimer.unref();
    this.#peerChanged(p);
  }

  remove(peerId: string): void {
    const p = this.participants.get(peerId);
    if (!p) return;
    if (p.graceTimer) clearTimeout(p.graceTimer);
    this.participants.delete(peerId);
    if (p.socket) this.#ctx.unbind(p.socket, peerId);
    this.#evidence.peerRemoved(peerId);
    if (!this.media.closed && this.media.hasPeer(peerId)) this.media.removePeer(peerId);
    if (isVisible(p)) this.broadcast('peerLeft', { peerId });
    else this.#patrolsChanged();
    this.#watched(p, true);
    if (this.stageAccountId === p.actor.accountId) this.broadcast('stageChanged', { peerId: null });
    this.#evidence.stageChanged();
  }

  // ---- receiving -----------------------------------------------------------------------------

  #eligible(receiver: Participant, producerPeerId: string): boolean {
    const producer = this.participants.get(producerPeerId);
    if (!producer) return false;
    return mayReceive(this.session, receiver, producer, this.stagePeerId());
  }

  /** Creates (paused) consumers for every producer `p` may receive and does not receive yet; returns the new ones. */
  ensureConsumers(p: Participant): Promise<ConsumerOptions[]> {
    const run = p.lock.then(async () => {
      if (!p.consuming || !p.recvTransportId || !this.participants.has(p.peerId) || this.media.closed) return [];
      const have = new Set([...p.consumers.values()].map((c) => c.producerId));
      const created: ConsumerOptions[] = [];
      for (const info of this.media.listProducers()) {
        if (have.has(info.id) || !this.#eligible(p, info.peerId)) continue;
        try {
          const c = await this.mediaPeer(p).consume({ producerId: info.id, transportId: p.recvTransportId });
          const options = toConsumerOptions(c);
          p.consumers.set(c.id, options);
          created.push(options);
        } catch (err) {
          // The producer went away meanwhile, or the transport is being replaced: the next change retries.
          this.#ctx.log.debug({ err, peerId: p.peerId, producerId: info.id }, 'live: consume skipped');
        }
      }
      return created;
    });
    p.lock = run.catch(() => undefined);
    return run;
  }

  /** Pushes new consumers to `p` (after a new producer or a stage change). */
  async pushConsumers(p: Participant): Promise<void> {
    for (const c of await this.ensureConsumers(p)) this.notify(p, 'newConsumer', c);
  }

  /** After a stage change: drop what classrooms may no longer receive, add what they now may. */
  async #syncStage(): Promise<void> {
    for (const p of this.participants.values()) {
      if (!p.consuming) continue;
      for (const [id, c] of [...p.consumers]) {
        if (this.#eligible(p, c.producerPeerId)) continue;
        p.consumers.delete(id);
        try {
          this.mediaPeer(p).closeConsumer(id);
        } catch {
          /* already gone */
        }
        this.notify(p, 'consumerClosed', { consumerId: id });
      }
      await this.pushConsumers(p);
    }
  }

  // ---- moderation ------------------------------------------------------------------------------

  async setStage(peerId: string | null): Promise<void> {
    if (peerId !== null) {
      const target = this.visibleParticipant(peerId);
      if (!target) throw new LiveError('not_found', 'That participant is not in the room');
      if (!mayBeOnStage(this.session, target.role)) throw new LiveError('validation', `A ${target.role} cannot be put on stage (it publishes nothing)`);
      this.stageAccountId = target.actor.accountId;
    } else {
      this.stageAccountId = null;
    }
    this.broadcast('stageChanged', { peerId: this.stagePeerId() });
    this.#evidence.stageChanged();
    await this.#syncStage();
  }

  async setMuted(target: Participant, muted: boolean): Promise<void> {
    if (target.role === 'host' || target.role === 'observer') throw new LiveError('validation', 'Only classrooms and invited teachers can be muted');
    if (muted) this.mutedAccounts.add(target.actor.accountId);
    else this.mutedAccounts.delete(target.actor.accountId);
    const mediaPeer = this.mediaPeer(target);
    const mic = mediaPeer.producerOf('microphone');
    if (mic && muted && !mic.paused) await mediaPeer.pauseProducer(mic.id);
    // Unmuting gives the classroom its microphone back only if it had it on (its own wish), never more.
    const resumed = !muted && !!mic && mic.paused && target.micWanted;
    if (resumed) await mediaPeer.resumeProducer(mic.id);
    this.notify(target, 'mutedByHost', muted ? { muted } : { muted, resumed });
    this.#peerChanged(target);
  }

  /** CW-AUDIO-ONLY: holds (or gives back) every video the participant receives; everyone sees the mode (CW-AUDIO-ONLY-PRESENT). */
  async setAudioCourseware(p: Participant, enabled: boolean): Promise<void> {
    if (p.audioCourseware === enabled) return;
    p.audioCourseware = enabled;
    this.#evidence.audioCoursewareChanged(p);
    await this.mediaPeer(p).holdVideo(enabled);
    this.#peerChanged(p);
  }

  setHand(p: Participant, raised: boolean): void {
    if (p.handRaised === raised) return;
    p.handRaised = raised;
    this.#evidence.handChanged(p, raised);
    this.broadcast('handRaised', { peerId: p.peerId, raised });
    this.#peerChanged(p);
  }

  // ---- recording (RoomRecording.ts) -------------------------------------------------------------

  startRecording(by: Actor): Promise<RecordingState> {
    return this.#recording.start(by.accountId);
  }

  stopRecording(): Promise<RecordingState> {
    return this.#recording.stop();
  }

  /** LIVE-RECORDING-RESUME: a recording cut off with the lesson's previous room goes on here once the teacher publishes. */
  resumeRecording(series: RecordingSeries): void {
    this.#recording.resume(series);
  }

  // ---- media events → notifications -------------------------------------------------------------

  /** Before the session's intervals are closed: speaking ends where it was last heard, not at the end. */
  settleActivity(): void {
    this.#evidence.settle();
  }

  #wire(): void {
    const m = this.media;
    m.on('publishingstarted', (peerId, source) => {
      const p = this.participants.get(peerId);
      if (!p) return;
      p.publishing.add(source);
      this.#peerChanged(p);
    });
    m.on('publishingstopped', (peerId, source) => {
      const p = this.participants.get(peerId);
      if (p && p.publishing.delete(source)) this.#peerChanged(p);
    });
    m.on('activespeaker', (peerId) => this.broadcast('activeSpeaker', { peerId }));
    m.on('newproducer', (info) => {
      for (const p of this.participants.values()) {
        if (p.peerId !== info.peerId && p.consuming) void this.pushConsumers(p);
      }
    });
    const forConsumersOf = (producerId: string, fn: (p: Participant, consumerId: string) => void) => {
      for (const p of this.participants.values()) for (const c of p.consumers.values()) if (c.producerId === producerId) fn(p, c.id);
    };
    m.on('producerpaused', (_peerId, _source, producerId) => forConsumersOf(producerId, (p, consumerId) => this.notify(p, 'consumerPaused', { consumerId })));
    m.on('producerresumed', (_peerId, _source, producerId) => forConsumersOf(producerId, (p, consumerId) => this.notify(p, 'consumerResumed', { consumerId })));
    m.on('consumerclosed', (peerId, consumerId) => {
      const p = this.participants.get(peerId);
      if (p?.consumers.delete(consumerId)) this.notify(p, 'consumerClosed', { consumerId });
    });
    m.on('rebuilt', (at, peerIds) => {
      for (const peerId of peerIds) {
        const p = this.participants.get(peerId);
        if (!p) continue;
        // Its media is gone (MediaEvidence closed its intervals); its hand and its place on stage are not.
        p.transports.clear();
        p.recvTransportId = null;
        p.consumers.clear();
        p.consuming = false;
        p.publishing.clear();
        this.notify(p, 'mediaRebuilt', { at: at.toISOString() });
        this.#peerChanged(p);
      }
    });
  }

  /** Tells everyone the session ended, closes the media room (finalising a recording) and forgets everyone. */
  async close(ended: NotificationOf<'sessionEnded'> | null): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.ending = true;
    for (const p of this.participants.values()) {
      if (p.graceTimer) clearTimeout(p.graceTimer);
      if (ended) this.notify(p, 'sessionEnded', ended);
      if (p.socket) this.#ctx.unbind(p.socket, p.peerId);
    }
    this.participants.clear();
    await this.media.close().catch((err: unknown) => this.#ctx.log.warn({ err }, 'live: closing the media room failed'));
    await this.#recording.done;
  }

  /** Rights of a participant (the same function the join answer reports). */
  permissions(p: Participant) {
    return permissionsFor(this.session, p.role, p.actor.role);
  }
}

function toConsumerOptions(c: ConsumerOptionsForClient): ConsumerOptions {
  return {
    id: c.id,
    producerId: c.producerId,
    producerPeerId: c.producerPeerId,
    source: c.source,
    kind: c.kind,
    rtpParameters: c.rtpParameters as unknown as ConsumerOptions['rtpParameters'],
    type: c.type,
    producerPaused: c.producerPaused,
  };
}

/** A participant as it enters a room: nothing published, received or asked for yet. */
function newParticipant(peerId: string, actor: Actor, role: LiveRole, socket: Participant['socket']): Participant {
  return {
    peerId,
    actor,
    role,
    resumeToken: randomBytes(24).toString('base64url'),
    socket,
    graceTimer: null,
    handRaised: false,
    publishing: new Set(),
    transports: new Map(),
    recvTransportId: null,
    consuming: false,
    consumers: new Map(),
    lock: Promise.resolve(),
    micWanted: false,
    firstFrameReported: false,
    audioCourseware: false,
  };
}
