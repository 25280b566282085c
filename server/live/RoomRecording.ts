import type { Room } from '../../media/index.ts';
import type { ProducerInfo, RecordingResult } from '../../media/types.ts';
import type { LiveRole, RecordingState } from '../../shared/schemas/live.ts';
import type { Logger } from '../log.ts';
import { LiveError } from './errors.ts';
import { nextPartOf, type RecordingSeries, type RecordingStore } from './recordings.ts';

/** The room as its recording reads it: whose producers are the teacher's. */
export interface RecordingRoom {
  readonly sessionId: string;
  readonly participants: ReadonlyMap<string, { readonly peerId: string; readonly role: LiveRole; readonly mirror?: true }>;
  /** The session is ending: nothing new starts. */
  readonly ending: boolean;
}

export interface RoomRecordingContext {
  readonly log: Logger;
  readonly recordings: RecordingStore;
  /** This process's evidence recorder: its heartbeat says whether the process still writes what it started. */
  readonly recorderId: string;
  /** The recording started or ended: the room tells everyone (`recordingChanged`). */
  readonly changed: () => void;
}

const notRecording: RecordingState = { active: false, recordingId: null, startedAt: null };

/**
 * One live room's recording (the files and rows: recordings.ts). The host starts and stops it.
 * A recording cut off with its room goes on by itself as the next part of its series once the
 * teacher publishes picture and sound again (LIVE-RECORDING-RESUME): in a room made afresh for
 * the lesson (another node, a restart: `resume()` from the records), or in this room after its
 * media room was rebuilt under it (a worker died).
 */
export class RoomRecording {
  /** The part being written, and the series part that would follow it. */
  current: { readonly id: string; readonly startedAt: Date; readonly next: RecordingSeries } | null = null;
  readonly #room: RecordingRoom;
  readonly #media: Room;
  readonly #ctx: RoomRecordingContext;
  #done: Promise<void> = Promise.resolve();
  /** A series waiting for the teacher's producers. */
  #resume: RecordingSeries | null = null;
  #starting = false;

  constructor(room: RecordingRoom, media: Room, ctx: RoomRecordingContext) {
    this.#room = room;
    this.#media = media;
    this.#ctx = ctx;
    media.on('recordingstopped', (result) => this.#stopped(result));
    media.on('newproducer', () => void this.#resumeWhenBack());
  }

  state(): RecordingState {
    return this.current ? { active: true, recordingId: this.current.id, startedAt: this.current.startedAt.toISOString() } : notRecording;
  }

  /** Resolves once the last part's row is written (its end, status and size). */
  get done(): Promise<void> {
    return this.#done;
  }

  /** The host starts a recording: a new series. */
  async start(byAccountId: string): Promise<RecordingState> {
    if (this.current || this.#starting) throw new LiveError('conflict', 'The session is being recorded already');
    const { video, audio } = this.#teachers();
    if (!video && !audio) throw new LiveError('conflict', 'Nothing to record yet: turn on the camera or the microphone first');
    this.#resume = null;
    await this.#record(byAccountId, [video, audio], null);
    return this.state();
  }

  /** The host stops it: the series ends here. */
  async stop(): Promise<RecordingState> {
    if (!this.current) throw new LiveError('conflict', 'The session is not being recorded');
    this.#resume = null;
    await this.#media.stopRecording().catch(() => undefined);
    await this.#done;
    return this.state();
  }

  /** LIVE-RECORDING-RESUME: `series` goes on in this room as soon as the teacher's picture and sound are here. */
  resume(series: RecordingSeries): void {
    this.#resume = series;
    void this.#resumeWhenBack();
  }

  /** The screen when it is shared (slides, the blackboard), else the camera; and the teacher's voice. Mirrors of an edge room are never recorded there. */
  #teachers(): { video: ProducerInfo | undefined; audio: ProducerInfo | undefined } {
    const hosts = new Set([...this.#room.participants.values()].filter((p) => p.role === 'host' && !p.mirror).map((p) => p.peerId));
    const theirs = this.#media.listProducers().filter((pr) => hosts.has(pr.peerId));
    return { video: theirs.find((pr) => pr.source === 'screen') ?? theirs.find((pr) => pr.source === 'camera'), audio: theirs.find((pr) => pr.source === 'microphone') };
  }

  async #record(byAccountId: string, producers: readonly (ProducerInfo | undefined)[], series: RecordingSeries | null): Promise<void> {
    this.#starting = true;
    try {
      const info = await this.#media.startRecording({
        directory: this.#ctx.recordings.directoryOf(this.#room.sessionId),
        producers: producers.filter((x) => x !== undefined).map((x) => x.id),
      });
      const row = await this.#ctx.recordings.started(this.#room.sessionId, byAccountId, info, this.#ctx.recorderId, series).catch(async (err: unknown) => {
        // No row, no recording: the file is finished and left unlisted.
        await this.#media.stopRecording().catch(() => undefined);
        throw err;
      });
      this.current = { id: row.id, startedAt: info.startedAt, next: nextPartOf(row) };
      this.#ctx.changed();
    } finally {
      this.#starting = false;
    }
  }

  /** Starts the waiting series' next part once the teacher has a picture and sound (a client publishes them one after the other). */
  async #resumeWhenBack(): Promise<void> {
    const series = this.#resume;
    if (!series || this.current || this.#starting || this.#room.ending || this.#media.closed) return;
    const { video, audio } = this.#teachers();
    if (!video || !audio) return;
    this.#resume = null;
    try {
      // The part before it is written first: a session has one part being written at a time.
      await this.#done;
      await this.#record(series.startedBy, [video, audio], series);
      this.#ctx.log.info({ sessionId: this.#room.sessionId, seriesId: series.seriesId, part: series.part }, 'live: the recording goes on as a new part');
    } catch (err) {
      this.#ctx.log.warn({ err, sessionId: this.#room.sessionId, seriesId: series.seriesId }, 'live: resuming the recording failed; tried again when the teacher publishes');
      if (!this.current && !this.#resume) this.#resume = series;
    }
  }

  #stopped(result: RecordingResult): void {
    const current = this.current;
    this.current = null;
    this.#done = this.#ctx.recordings.finished(result).catch((err: unknown) => this.#ctx.log.error({ err }, 'live: saving the recording failed'));
    if (!current) return;
    this.#ctx.changed();
    // Cut off by the worker under the room (the room rebuilds its media): it goes on when the teacher publishes again (or has already).
    if (result.reason === 'worker-died') this.resume(current.next);
  }
}
