/**
 * `npm run bench -- replay`: the recording playback page's board (CW-REPLAY-SYNC) on a long,
 * busy lesson: 45 minutes, 60 page turns back and forth, 1 500 strokes of 120 points, with
 * erasures, undos and clears, recorded from its start. Figures: a seek to a random moment
 * (scrubbing: forward seeks apply the changes since, backward ones fold again from the start),
 * and following the video frame by frame at 60 fps through the whole lesson. Baseline in the
 * same run: folding again from the start at every frame, which the page avoids. Also the size
 * of the lesson's timeline as JSON (what GET /api/live/recordings/:id/timeline sends) and the
 * server's validation of that answer against its schema, beside the JSON serialization it needs anyway.
 */
import { performance } from 'node:perf_hooks';
import { Board } from '../shared/courseware/board.ts';
import { RecordingTimeline, type BoardEvent, type ReplayEvent } from '../shared/schemas/courseware.ts';
import type { Stroke } from '../shared/signaling/courseware.ts';
import { BoardReplay } from '../client/src/live/replay/BoardReplay.ts';
import type { Bench } from './run.ts';

const LESSON_MS = 45 * 60_000;
const round = (v: number) => Math.round(v * 10_000) / 10_000;
const cw = '11111111-1111-4111-8111-111111111111';
const teacher = '22222222-2222-4222-8222-222222222222';

/** A lesson's changes, spread evenly over its length, made with the rules the room enforces. */
function lesson(strokes: number, turns: number): ReplayEvent[] {
  let seed = 7;
  const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const board = new Board();
  const events: BoardEvent[] = [];
  const push = (e: BoardEvent) => {
    board.apply(e);
    events.push(e);
  };
  push({ kind: 'page', accountId: teacher, payload: { coursewareId: cw, fileName: 'x.pdf', pageCount: 30, page: 1 } });
  const perTurn = Math.ceil(strokes / turns);
  for (let n = 0; n < strokes; n++) {
    if (n % perTurn === perTurn - 1) push({ kind: 'page', accountId: teacher, payload: { coursewareId: cw, fileName: 'x.pdf', pageCount: 30, page: 1 + Math.floor(rnd() * 30) } });
    // To 1/10 000 of the page, as the board's pointer input records them.
    const points = Array.from({ length: 120 }, (_, i) => [round(Math.min(1, 0.1 + i * 0.006)), round(Math.min(1, 0.3 + rnd() * 0.1)), 0.5] as [number, number, number]);
    const stroke: Stroke = { id: `s${n}`, tool: n % 7 === 0 ? 'highlighter' : 'pen', color: '#d32f2f', size: 0.004, points };
    push({ kind: 'stroke', accountId: teacher, payload: { page: board.current, stroke } });
    const r = rnd();
    if (r < 0.06) push({ kind: 'erase', accountId: teacher, payload: { page: board.current, strokes: [stroke] } });
    else if (r < 0.12) {
      const plan = board.planUndo(teacher);
      if (plan) push({ kind: 'undo', accountId: teacher, payload: { page: board.current, ...plan } });
    } else if (r < 0.125 && board.strokesOf().length) push({ kind: 'clear', accountId: teacher, payload: { page: board.current, strokes: board.strokesOf() } });
  }
  return events.map((e, i) => ({ offsetMs: Math.round((i / events.length) * LESSON_MS), ...e }));
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const ms = (x: number) => Math.round(x * 1000) / 1000;

const bench: Bench = async ({ log, quick }) => {
  const events = lesson(quick ? 300 : 1500, quick ? 12 : 60);
  const start = new Board().snapshot();
  const json = JSON.stringify({ start, events });
  log(`${events.length} changes, timeline ${(json.length / 1024).toFixed(0)} KiB as JSON`);

  // Scrubbing: seeks to random moments, either way.
  const replay = new BoardReplay(start, events);
  const seeks: number[] = [];
  let seed = 11;
  for (let i = 0; i < (quick ? 50 : 400); i++) {
    seed = (seed * 48271) % 2147483647;
    const at = (seed / 2147483647) * LESSON_MS;
    const t = performance.now();
    replay.at(at);
    seeks.push(performance.now() - t);
  }

  // Playing through at 60 fps: the page asks for the board every frame.
  const frames = Math.floor(LESSON_MS / (1000 / 60));
  const playing = new BoardReplay(start, events);
  let t = performance.now();
  for (let f = 0; f < frames; f++) playing.at((f * 1000) / 60);
  const perFrame = (performance.now() - t) / frames;

  // Baseline: folding from the start at every frame (sampled over the lesson).
  const sampled = quick ? 100 : 600;
  t = performance.now();
  for (let f = 0; f < sampled; f++) {
    const at = (f / sampled) * LESSON_MS;
    const b = Board.from(start);
    for (const e of events) {
      if (e.offsetMs > at) break;
      b.apply(e);
    }
    b.state();
  }
  const naivePerFrame = (performance.now() - t) / sampled;

  // The server validates its answer against the schema before sending it (bind()): its cost on this lesson.
  const answer = {
    recordingId: cw,
    session: { id: cw, communityId: cw, kind: 'sync_lesson', mode: 'interactive', title: 't', subjectCode: 'math', startsAt: new Date(0).toISOString(), endsAt: new Date(LESSON_MS).toISOString(), status: 'delivered' },
    startedAt: new Date(0).toISOString(),
    endedAt: new Date(LESSON_MS).toISOString(),
    durationMs: LESSON_MS,
    start,
    events,
  };
  const validations: number[] = [];
  const serializations: number[] = [];
  for (let i = 0; i < (quick ? 2 : 5); i++) {
    t = performance.now();
    RecordingTimeline.parse(answer);
    validations.push(performance.now() - t);
    t = performance.now();
    JSON.stringify(answer);
    serializations.push(performance.now() - t);
  }

  const result = {
    changes: events.length,
    timelineKiB: Math.round(json.length / 1024),
    seekMs: { p50: ms(quantile(seeks, 0.5)), p95: ms(quantile(seeks, 0.95)), max: ms(Math.max(...seeks)) },
    playingPerFrameMs: ms(perFrame),
    baselineRefoldPerFrameMs: ms(naivePerFrame),
    playingVsBaseline: Math.round(naivePerFrame / perFrame),
    serverValidationMs: Math.round(quantile(validations, 0.5)),
    serverJsonMs: Math.round(quantile(serializations, 0.5)),
  };
  log(JSON.stringify(result));
  return result;
};
export default bench;
