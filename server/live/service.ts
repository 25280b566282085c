import { asc, eq } from 'drizzle-orm';
import type { Server as IoServer, Socket } from 'socket.io';
import { Room, ROOM_DEFAULTS, type WorkerPool } from '../../media/index.ts';
import type { EvidenceInterval, EvidenceRule, LiveNowItem, LiveRole, SessionEvidence, Verdict } from '../../shared/schemas/live.ts';
import { notificationEvent, type NotificationOf } from '../../shared/signaling/protocol.ts';
import type { Actor } from '../accounts/actor.ts';
import { auditsCounty } from '../accounts/auditRegion.ts';
import type { AppDeps } from '../app.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { liveActivityIntervals, liveEvidenceIntervals, liveSessionVerdicts } from '../db/schema/index.ts';
import { NotFoundError } from '../http/errors.ts';
import type { Logger } from '../log.ts';
import { rooms as ioRooms } from '../realtime/io.ts';
import { liveRoleOf } from './access.ts';
import { scheduleDirectory, sessionView, type LiveSessionDirectory, type LiveSessionInfo, type StatusChangeBy } from './directory.ts';
import { LiveError, SessionOverError } from './errors.ts';
import { EvidenceRecorder } from '../evidence/EvidenceRecorder.ts';
import { FirstFrameReports, type FirstFrameObserver } from './firstFrame.ts';
import { LiveRoom, type MirrorAction, type Participant } from './LiveRoom.ts';
import { summaryOf, type RoomSummary } from './roomSummary.ts';
import { boardShownSince, judgeSession, loadRuleVersions } from '../evidence/judge.ts';
import { RecordingStore } from './recordings.ts';
import { storeOf } from './tools/kit.ts';
import { withdrawReminders } from '../schedule/reminders.ts';
import { failuresOf } from '../evidence/verdict.ts';

export type EndCause = 'host' | 'observer' | 'auto_close';

/** How long a node remembers a lesson another node ended (joins that read it live a moment before). */
const ENDED_ELSEWHERE_KEPT_MS = 5 * 60_000;

/** A verdict as `sessionEnded` (and a refused join again: LIVE-REJOIN-ENDED) tells it. */
const sessionEndedOf = (v: Pick<Verdict, 'status' | 'reason' | 'outcomes'>): NotificationOf<'sessionEnded'> => ({ status: v.status, reason: v.reason, failed: failuresOf(v.outcomes) });

/** The reason of a session nobody started, missed once past its end and the auto-close delay. */
export const NEVER_STARTED = 'never_started';

/**
 * Several app nodes (server/cluster/): takes each signaling request of a socket to the
 * node hosting its lesson (`here` runs it on this node).
 */
export interface LiveRouting {
  request(socket: Socket, actor: Actor, name: string, raw: unknown, here: () => Promise<unknown>): Promise<unknown>;
  socketGone(socket: Socket): void;
  /** The lesson's room here only receives (an edge room): its host ends and judges it. Null: end it here. */
  endOnHost(sessionId: string, cause: EndCause, by: Pick<Actor, 'accountId'> | null): Promise<Verdict> | null;
  /** Before judging: the lesson's edge nodes close their evidence at `at` and write it. */
  ending(sessionId: string, at: Date): Promise<void>;
  /** The verdict is known: the lesson's edge rooms close with it. */
  ended(sessionId: string, ended: NotificationOf<'sessionEnded'>): void;
  /** The host's teacher acts on a participant of an edge room (`p.edge`): its edge node does it (N-EDGE-HAND). */
  actOnEdge(sessionId: string, p: Participant, action: MirrorAction): Promise<void>;
  /** The rooms of these lessons as their host nodes last told (N-LIVE-LIST); a lesson without a room is left out. */
  roomSummaries(sessionIds: readonly string[]): Promise<Map<string, RoomSummary>>;
}

export interface LiveServiceDeps {
  readonly db: Db;
  readonly config: Config;
  readonly log: Logger;
  /** The media workers (null: the server runs without media; joining answers `media_unavailable`). */
  readonly pool: WorkerPool | null;
  readonly directory?: LiveSessionDirectory;
}

/** A WorkerPool, or something that holds one (media/'s MediaService). */
export function poolOf(media: unknown): WorkerPool | null {
  if (!media) return null;
  if (typeof (media as WorkerPool).leastLoaded === 'function') return media as WorkerPool;
  const inner = (media as { pool?: unknown }).pool;
  return inner && typeof (inner as WorkerPool).leastLoaded === 'function' ? (inner as WorkerPool) : null;
}

const services = new WeakMap<AppDeps, LiveService>();
const byIo = new WeakMap<IoServer, LiveService>();

/** The LiveService behind a running server's Socket.IO (tests and benchmarks look inside through this). */
export const liveServiceOf = (io: IoServer): LiveService | undefined => byIo.get(io);

/** One LiveService per platform: REST routes and the realtime handlers share it. */
export function liveServiceFor(deps: AppDeps): LiveService {
  let s = services.get(deps);
  if (!s) services.set(deps, (s = new LiveService({ db: deps.database.db, config: deps.config, log: deps.log, pool: poolOf(deps.media) })));
  return s;
}

/**
 * Live classrooms' state for this server process: the open rooms by session,
 * the evidence writer, the recordings, and the clock that ends sessions nobody
 * ended (LIVE_AUTO_CLOSE_MINUTES after their scheduled end).
 */
export class LiveService {
  readonly db: Db;
  readonly config: Config;
  readonly log: Logger;
  readonly pool: WorkerPool | null;
  readonly directory: LiveSessionDirectory;
  readonly recordings: RecordingStore;
  readonly rooms = new Map<string, LiveRoom>();
  /** Clients' join-to-first-frame reports (validated, once per join, rate-limited) for the metrics. */
  readonly firstFrames = new FirstFrameReports();
  /** Set when this node is one of several (server/cluster/). */
  cluster: LiveRouting | null = null;
  readonly #opening = new Map<string, Promise<LiveRoom>>();
  readonly #ending = new Map<string, Promise<Verdict>>();
  /**
   * Lessons another node ended while this one had (or was opening) a room of them, with how they
   * ended: a join here that read the session as live a moment before is refused with it
   * (LIVE-REJOIN-ENDED). Kept a few minutes: later joins read the ended status from the database.
   */
  readonly #endedElsewhere = new Map<string, { ended: NotificationOf<'sessionEnded'>; at: number }>();
  readonly #bindings = new Map<Socket, { room: LiveRoom; peerId: string }>();
  #evidence: EvidenceRecorder | null = null;
  #ready: Promise<void> | null = null;
  #sweepTimer: ReturnType<typeof setInterval> | null = null;
  #io: IoServer | null = null;
  #shutdown: Promise<void> | null = null;

  constructor(deps: LiveServiceDeps) {
    this.db = deps.db;
    this.config = deps.config;
    this.log = deps.log;
    this.pool = deps.pool;
    this.directory = deps.directory ?? scheduleDirectory(deps.db);
    this.recordings = new RecordingStore(deps.db, deps.config.dataDir);
  }

  /**
   * Starts the evidence writer (recovering what a crashed process left open) and the auto-close clock.
   * The metrics, if any, get each evidence write's duration and each accepted join-to-first-frame report.
   */
  start(io: IoServer | null, metrics: { onEvidenceWrite?: (seconds: number) => void; onFirstFrame?: FirstFrameObserver } = {}): Promise<void> {
    const { onEvidenceWrite } = metrics;
    this.#io = io;
    if (io) byIo.set(io, this);
    if (metrics.onFirstFrame) this.firstFrames.observe(metrics.onFirstFrame);
    this.#ready ??= (async () => {
      const hb = this.config.live.heartbeatSeconds * 1000;
      this.#evidence = await EvidenceRecorder.start(this.db, this.log, { heartbeatMs: hb, staleAfterMs: 3 * hb, onWrite: onEvidenceWrite });
      await this.recordings.settleInterrupted();
      const every = this.config.live.sweepSeconds;
      if (every > 0) {
        this.#sweepTimer = setInterval(() => void this.sweep().catch((err: unknown) => this.log.error({ err }, 'live: auto-close sweep failed')), every * 1000);
        this.#sweepTimer.unref();
        void this.sweep().catch((err: unknown) => this.log.error({ err }, 'live: auto-close sweep failed'));
      }
    })();
    return this.#ready;
  }

  get evidence(): EvidenceRecorder {
    if (!this.#evidence) throw new Error('live service not started');
    return this.#evidence;
  }

  whenReady(): Promise<void> {
    return this.#ready ?? this.start(null);
  }

  // ---- sockets ↔ participants -----------------------------------------------------------

  bindingOf(socket: Socket): { room: LiveRoom; peer: Participant } | null {
    const b = this.#bindings.get(socket);
    const peer = b && b.room.participants.get(b.peerId);
    return b && peer ? { room: b.room, peer } : null;
  }

  #bind(socket: Socket, room: LiveRoom, peerId: string): void {
    this.#bindings.set(socket, { room, peerId });
  }

  #unbind = (socket: Socket, peerId: string): void => {
    if (this.#bindings.get(socket)?.peerId === peerId) this.#bindings.delete(socket);
  };

  /**
   * The stand-in socket of an edge participant's mirror (server/cluster N-EDGE-TOOLS): the class
   * tools' requests of that participant are run here, in this room, as the mirror's.
   */
  bindMirror(socket: Socket, room: LiveRoom, peerId: string): void {
    this.#bind(socket, room, peerId);
  }

  /** A socket disconnected: its participant is kept for LIVE_PEER_GRACE_SECONDS to resume. */
  socketGone(socket: Socket): void {
    const b = this.bindingOf(socket);
    this.#bindings.delete(socket);
    if (b) b.room.detach(b.peer);
  }

  // ---- joining ------------------------------------------------------------------------------

  /** The session as this actor may see it, and their role in it (404 / 403 with a clear message otherwise). */
  async sessionFor(sessionId: string, actor: Actor): Promise<{ session: LiveSessionInfo; role: LiveRole }> {
    const session = await this.directory.get(sessionId);
    const visible = session && (actor.role === 'admin' || (actor.role === 'auditor' ? auditsCounty(actor, session.countyId) : actor.communityIds.includes(session.communityId)));
    if (!session || !visible) throw new LiveError('not_found', 'Session not found');
    const role = liveRoleOf(session, actor);
    if (!role) {
      throw new LiveError(
        'forbidden',
        actor.role === 'admin'
          ? 'Only the session\'s teachers and classrooms, and as patrols the community\'s coordinators and the county\'s auditors, join live sessions'
          : 'You are not a participant of this session',
      );
    }
    return { session, role };
  }

  /** Checks the session can be entered now; the host's first join takes it live. */
  async #admit(session: LiveSessionInfo, role: LiveRole, actor: Actor): Promise<LiveSessionInfo> {
    if (session.status === 'live') return session;
    if (session.status !== 'scheduled') throw new SessionOverError(await this.#endedAs(session.id, session.status));
    const now = Date.now();
    const from = session.startsAt.getTime() - this.config.live.earlyJoinMinutes * 60_000;
    if (role !== 'host') throw new LiveError('not_live', 'The session has not started yet: the teacher has not gone live');
    if (now < from) throw new LiveError('not_live', `Too early: the teacher can go live from ${new Date(from).toISOString()}`);
    if (now >= session.endsAt.getTime()) throw new LiveError('not_live', 'The scheduled time of this session is over');
    await this.directory.transition(session.id, 'live', null, { actorAccountId: actor.accountId });
    this.#io?.to(ioRooms.community(session.communityId)).emit(notificationEvent('sessionLive'), {
      sessionId: session.id,
      classroomIds: [...(session.hostClassroom ? [session.hostClassroom.id] : []), ...session.memberClassrooms.map((c) => c.id)],
      teacherIds: [...(session.hostTeacher ? [session.hostTeacher.id] : []), ...session.invitedTeachers.map((t) => t.id)],
    });
    return { ...session, status: 'live' };
  }

  /**
   * The session's room on this node, opened if need be: an edge node opens one that receives the
   * host's producers (server/cluster/EdgeRooms.ts), so the host's floor and recording stay the host's.
   */
  openRoom(session: LiveSessionInfo): Promise<LiveRoom> {
    return this.#roomFor(session, { edge: true });
  }

  async #roomFor(session: LiveSessionInfo, how: { edge?: boolean } = {}): Promise<LiveRoom> {
    const open = this.rooms.get(session.id);
    if (open && !open.closed && !open.media.closed) {
      open.session = session;
      return open;
    }
    if (open) {
      // Its media room closed under it (a rebuild that failed): start afresh; participants rejoin.
      this.rooms.delete(session.id);
      await open.close(null);
    }
    let opening = this.#opening.get(session.id);
    if (!opening) {
      const pool = this.pool;
      if (!pool || pool.closed) throw new LiveError('media_unavailable', 'The media server is not running');
      // T-TOOLS-RESTORE: a room made for a session already under way (a rebuild, another node, a restart) goes on with its quiz, chat switch and countdown.
      opening = Promise.all([
        storeOf(this).saved(session.id),
        // LIVE-RECORDING-RESUME: a recording cut off with the lesson's previous room goes on here (an edge room records nothing).
        how.edge ? null : this.recordings.interruptedSeries(session.id, this.evidence.recorderId),
      ])
        .then(async ([saved, series]) => {
          const media = await Room.create(pool, { roomId: session.id, audioLevelThresholdDbov: this.config.live.speakerThresholdDbov, logger: this.log.child({ room: session.id }) });
          const room = new LiveRoom(session, media, {
            log: this.log,
            evidence: this.evidence,
            recordings: this.recordings,
            peerGraceMs: this.config.live.peerGraceSeconds * 1000,
            unbind: this.#unbind,
            patrolMarker: this.config.live.patrolMarker,
            removeOnEdge: (p) =>
              void this.cluster?.actOnEdge(session.id, p, { removed: 'joined-elsewhere' }).catch((err: unknown) => this.log.debug({ err, sessionId: session.id }, 'live: an edge participant replaced by a newer join was gone already')),
            audioLevelIntervalMs: ROOM_DEFAULTS.audioLevelIntervalMs,
          });
          room.tools.restore(saved);
          // LIVE-STAGE-RESTORE, LIVE-MUTE-RESTORE: whoever comes back takes the place the host gave it (an edge room only receives).
          if (!how.edge) {
            room.stageAccountId = saved.floor.stageAccountId;
            for (const accountId of saved.floor.mutedAccountIds) room.mutedAccounts.add(accountId);
          }
          if (series) room.resumeRecording(series);
          this.rooms.set(session.id, room);
          return room;
        })
        .finally(() => this.#opening.delete(session.id));
      this.#opening.set(session.id, opening);
    }
    return opening;
  }

  /** `auto`: the page joined by itself (LIVE-AUTO-JOIN): a teacher is sent to the pre-join check instead, so it never takes a session live. */
  async join(socket: Socket, actor: Actor, sessionId: string, resume: { peerId: string; token: string } | undefined, options: { auto?: boolean } = {}) {
    await this.whenReady();
    if (this.#shutdown) throw new LiveError('media_unavailable', 'The server is restarting; try again in a moment');
    const { session: found, role } = await this.sessionFor(sessionId, actor);
    // Ending now (a participant whose room closed under it just as the lesson ended joins again): refused with the verdict once it is known.
    const ending = this.#ending.get(sessionId);
    if (ending) throw await ending.then((v) => new SessionOverError(sessionEndedOf(v)), () => new LiveError('not_live', 'The session is ending'));
    if (options.auto && (role === 'host' || role === 'teacher')) throw new LiveError('prejoin', 'A teacher joins after the pre-join check (camera, microphone, network)');
    const session = await this.#admit(found, role, actor);
    const room = await this.#roomFor(session);
    // Another node ended the lesson while this join read it as live (LIVE-REJOIN-ENDED).
    const over = this.#endedElsewhere.get(sessionId);
    if (over) {
      // A room this join opened after the news came closes again (one with others in it closed with the news).
      if (room.participants.size === 0 && this.rooms.get(sessionId) === room) {
        this.rooms.delete(sessionId);
        await room.close(over.ended);
      }
      throw new SessionOverError(over.ended);
    }
    // A socket is in one session at a time.
    const previous = this.bindingOf(socket);
    if (previous && previous.room !== room) previous.room.remove(previous.peer.peerId);
    let peer = resume ? room.resume(resume.peerId, resume.token, actor, socket) : null;
    const resumed = !!peer;
    peer ??= room.add(actor, role, socket);
    this.#bind(socket, room, peer.peerId);
    const held = resumed
      ? {
          // What the media plane still has (a transport closed under the peer is not held).
          transportIds: room.mediaPeer(peer).transports.map((t) => t.id),
          producers: room.mediaPeer(peer).producers.map((p) => ({ id: p.id, source: p.source, paused: p.paused })),
        }
      : { transportIds: [], producers: [] };
    return { room, peer, session, resumed, held };
  }

  leave(socket: Socket): void {
    const b = this.bindingOf(socket);
    if (b) b.room.remove(b.peer.peerId);
    this.#bindings.delete(socket);
  }

  // ---- ending and evaluating -------------------------------------------------------------------

  /**
   * How a session that is over ended, as `sessionEnded` tells it, for one who may join it (null: it is
   * scheduled or live; refused as `sessionFor` refuses: nobody learns of a session they may not see).
   */
  async endedFor(sessionId: string, actor: Actor): Promise<NotificationOf<'sessionEnded'> | null> {
    const { session } = await this.sessionFor(sessionId, actor);
    const known = this.#endedElsewhere.get(sessionId);
    if (known) return known.ended;
    if (session.status === 'scheduled' || session.status === 'live') return null;
    return this.#endedAs(sessionId, session.status);
  }

  /** The verdict of an ended session (a cancelled one, or one ended before verdicts were kept, has none: its status alone). */
  async #endedAs(sessionId: string, status: 'delivered' | 'missed' | 'cancelled'): Promise<NotificationOf<'sessionEnded'>> {
    const [v] = await this.db.select().from(liveSessionVerdicts).where(eq(liveSessionVerdicts.sessionId, sessionId));
    return v ? sessionEndedOf({ status: v.status as Verdict['status'], reason: v.reason, outcomes: v.outcomes as Verdict['outcomes'] }) : { status, reason: null, failed: [] };
  }

  /**
   * Another node ended a lesson (LIVE-REJOIN-ENDED): a room this node hosts for it — opened by a
   * participant's join again that reached this node while the host was ending it — closes with the
   * verdict, and a join of it here is refused with the verdict.
   */
  async endedElsewhere(sessionId: string, ended: NotificationOf<'sessionEnded'>): Promise<void> {
    const now = Date.now();
    for (const [id, e] of this.#endedElsewhere) if (now - e.at > ENDED_ELSEWHERE_KEPT_MS) this.#endedElsewhere.delete(id);
    this.#endedElsewhere.set(sessionId, { ended, at: now });
    const room = this.rooms.get(sessionId);
    if (!room) return;
    this.rooms.delete(sessionId);
    this.evidence.closeWhere((e) => e.sessionId === sessionId, new Date(), 'session_ended');
    await room.close(ended);
  }

  /** Ends a session: closes its evidence, evaluates it, sets delivered/missed, tells everyone. Idempotent. */
  endSession(sessionId: string, cause: EndCause, by: Pick<Actor, 'accountId'> | null): Promise<Verdict> {
    const elsewhere = this.cluster?.endOnHost(sessionId, cause, by);
    if (elsewhere) return elsewhere;
    let ending = this.#ending.get(sessionId);
    if (!ending) {
      ending = this.#end(sessionId, cause, by).finally(() => this.#ending.delete(sessionId));
      this.#ending.set(sessionId, ending);
    }
    return ending;
  }

  async #end(sessionId: string, cause: EndCause, by: Pick<Actor, 'accountId'> | null): Promise<Verdict> {
    await this.whenReady();
    const session = await this.directory.get(sessionId);
    if (!session) throw new NotFoundError('Session');
    const room = this.rooms.get(sessionId);
    if (session.status !== 'live' && session.status !== 'scheduled') {
      await room?.close({ status: session.status === 'delivered' ? 'delivered' : session.status === 'cancelled' ? 'cancelled' : 'missed', reason: null, failed: [] });
      this.rooms.delete(sessionId);
      const [existing] = await this.db.select().from(liveSessionVerdicts).where(eq(liveSessionVerdicts.sessionId, sessionId));
      if (existing) return { status: existing.status as Verdict['status'], reason: existing.reason, outcomes: existing.outcomes as Verdict['outcomes'] };
      throw new LiveError('not_live', `The session has ended already (${session.status})`);
    }
    const endedAt = new Date();
    if (room) {
      room.ending = true;
      room.settleActivity();
      if (room.recording) await room.stopRecording().catch(() => undefined);
    }
    this.evidence.closeWhere((e) => e.sessionId === sessionId, endedAt, 'session_ended');
    await this.evidence.flush();
    // Receivers on edge nodes (server/cluster N-EDGE-CLOSE): their evidence is written before the judgment reads it.
    await this.cluster?.ending(sessionId, endedAt);

    const rows = await this.db.select().from(liveEvidenceIntervals).where(eq(liveEvidenceIntervals.sessionId, sessionId));
    const activity = await this.db.select().from(liveActivityIntervals).where(eq(liveActivityIntervals.sessionId, sessionId));
    const boardShownAt = (await boardShownSince(this.db, [sessionId])).get(sessionId) ?? null;
    const judged = judgeSession(session, rows, activity, await loadRuleVersions(this.db), endedAt, boardShownAt);
    // Nobody went live: missed, and the reason says so (not the evidence rules nobody could meet).
    const neverStarted = session.status === 'scheduled';
    const { rules } = judged;
    const verdict: Verdict = neverStarted ? { ...judged.verdict, status: 'missed', reason: NEVER_STARTED } : judged.verdict;
    await this.db
      .insert(liveSessionVerdicts)
      .values({
        sessionId,
        status: verdict.status,
        reason: verdict.reason,
        outcomes: verdict.outcomes,
        rules,
        endedAt,
        endCause: cause,
        endedBy: by?.accountId ?? null,
      })
      .onConflictDoNothing();
    const changeBy: StatusChangeBy = by ? { actorAccountId: by.accountId } : { system: 'live:auto-close' };
    await this.directory.transition(sessionId, verdict.status, verdict.reason, changeBy);
    const ended = sessionEndedOf(verdict);
    this.cluster?.ended(sessionId, ended);
    await room?.close(ended);
    this.rooms.delete(sessionId);
    if (this.#io) await withdrawReminders(this.db, this.#io, sessionId).catch((err: unknown) => this.log.warn({ err, sessionId }, 'live: withdrawing reminders failed'));
    this.log.info({ sessionId, status: verdict.status, reason: verdict.reason, cause }, 'live session ended');
    return verdict;
  }

  /**
   * Ends live sessions whose scheduled end is LIVE_AUTO_CLOSE_MINUTES past, and marks the
   * scheduled ones nobody started as missed (reason `never_started`): none stays scheduled forever.
   */
  async sweep(now = new Date()): Promise<string[]> {
    // Recordings whose server stopped without finishing them (LIVE-RECORDING-RESUME settles the ones its lessons come back to).
    await this.recordings.settleInterrupted().catch((err: unknown) => this.log.warn({ err }, 'live: settling interrupted recordings failed'));
    const before = new Date(now.getTime() - this.config.live.autoCloseMinutes * 60_000);
    const ids = await this.directory.overdueLive(before);
    for (const id of ids) {
      await this.endSession(id, 'auto_close', null).catch((err: unknown) => this.log.error({ err, sessionId: id }, 'live: auto-close failed'));
    }
    return ids;
  }

  ruleVersions(): Promise<EvidenceRule[]> {
    return loadRuleVersions(this.db);
  }

  // ---- reading ------------------------------------------------------------------------------------

  async evidenceOf(sessionId: string, actor: Actor): Promise<SessionEvidence> {
    const session = await this.directory.get(sessionId);
    const may =
      session &&
      (actor.role === 'admin' ||
        auditsCounty(actor, session.countyId) ||
        (actor.role === 'coordinator' && actor.communityIds.includes(session.communityId)) ||
        (actor.role === 'teacher' && liveRoleOf(session, actor) !== null));
    if (!session || !may) throw new NotFoundError('Session');
    const rows = await this.db
      .select()
      .from(liveEvidenceIntervals)
      .where(eq(liveEvidenceIntervals.sessionId, sessionId))
      .orderBy(asc(liveEvidenceIntervals.startedAt), asc(liveEvidenceIntervals.id));
    const [v] = await this.db.select().from(liveSessionVerdicts).where(eq(liveSessionVerdicts.sessionId, sessionId));
    return {
      session: sessionView(session),
      intervals: rows.map(
        (r): EvidenceInterval => ({
          id: r.id,
          kind: r.kind as EvidenceInterval['kind'],
          role: r.role as LiveRole,
          accountId: r.accountId,
          teacherId: r.teacherId,
          classroomId: r.classroomId,
          source: r.source as EvidenceInterval['source'],
          fromAccountId: r.fromAccountId,
          startedAt: r.startedAt.toISOString(),
          endedAt: r.endedAt?.toISOString() ?? null,
          endReason: r.endReason as EvidenceInterval['endReason'],
        }),
      ),
      verdict: v
        ? {
            status: v.status as Verdict['status'],
            reason: v.reason,
            outcomes: v.outcomes as Verdict['outcomes'],
            evaluatedAt: v.evaluatedAt.toISOString(),
            endedAt: v.endedAt.toISOString(),
            endCause: v.endCause,
          }
        : null,
    };
  }

  /**
   * The rooms of these lessons as the lists show them: this node's own, or with several nodes
   * each host's (N-LIVE-LIST). A lesson without a room is left out.
   */
  roomSummaries(sessionIds: readonly string[]): Promise<Map<string, RoomSummary>> {
    if (this.cluster) return this.cluster.roomSummaries(sessionIds);
    const out = new Map<string, RoomSummary>();
    for (const id of sessionIds) {
      const room = this.rooms.get(id);
      if (room && !room.closed) out.set(id, summaryOf(room));
    }
    return Promise.resolve(out);
  }

  /** Sessions the actor takes part in that are live, or start within the hour (the classroom terminal polls this). */
  async now(actor: Actor): Promise<LiveNowItem[]> {
    const now = Date.now();
    const ids = await this.directory.idsAround(actor, new Date(now - 5 * 60_000), new Date(now + 60 * 60_000));
    const rooms = await this.roomSummaries(ids);
    const items: LiveNowItem[] = [];
    for (const id of ids) {
      const session = await this.directory.get(id);
      const role = session && liveRoleOf(session, actor);
      if (!session || !role) continue;
      const room = rooms.get(id);
      items.push({
        session: sessionView(session),
        role,
        joinableFrom: new Date(session.startsAt.getTime() - this.config.live.earlyJoinMinutes * 60_000).toISOString(),
        // Patrols are invisible: not counted among the people in the room.
        peers: room?.peers ?? 0,
        recording: room?.recording ?? false,
      });
    }
    return items;
  }

  // ---- shutdown ------------------------------------------------------------------------------------

  /** Orderly stop: every open interval is closed (`shutdown`), rooms close, the recorder says it stopped. */
  shutdown(): Promise<void> {
    this.#shutdown ??= (async () => {
      if (this.#sweepTimer) clearInterval(this.#sweepTimer);
      await this.#ready?.catch(() => undefined);
      await Promise.allSettled([...this.#ending.values()]);
      await this.#evidence?.stop();
      await Promise.allSettled([...this.rooms.values()].map((r) => r.close(null)));
      this.rooms.clear();
    })();
    return this.#shutdown;
  }
}

