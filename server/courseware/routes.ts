import type { Router } from 'express';
import { api } from '../../shared/api/index.ts';
import { NotFoundError } from '../http/errors.ts';
import { bind } from '../http/route.ts';
import { mayAccessRecordings, playableRecording } from '../live/recordings.ts';
import type { LiveService } from '../live/service.ts';
import { sessionView } from '../live/directory.ts';
import { BoardTimeline } from './BoardTimeline.ts';
import type { CoursewareLive } from './CoursewareLive.ts';

export function coursewareRoutes(router: Router, courseware: CoursewareLive, live: LiveService): void {
  const { store } = courseware;

  bind(router, api.uploadCourseware, ({ actor, body, file }) => store.upload(actor, file, body.sessionId));

  bind(router, api.listCourseware, ({ actor }) => store.listOwn(actor));

  bind(router, api.getCourseware, ({ actor, params }) => store.get(actor, params.coursewareId));

  // Page images never change once made: the browser keeps them (the client prefetches the next pages).
  bind(router, api.coursewarePage, async ({ actor, params, res }) => {
    const path = await store.pageFile(actor, params.coursewareId, params.pageNo);
    res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
    return { contentType: 'image/png', path };
  });

  bind(router, api.sessionCourseware, ({ actor, params }) => store.forSession(actor, params.sessionId));

  bind(router, api.attachCourseware, ({ actor, params, body }) => store.attach(actor, params.sessionId, body.coursewareId));

  // BOARD-TIMELINE: for replay, with the recordings' audience.
  bind(router, api.boardTimeline, async ({ actor, params }) => {
    const session = await store.directory.get(params.sessionId);
    if (!session || !mayAccessRecordings(session, actor)) throw new NotFoundError('Session');
    return BoardTimeline.read(courseware.db, params.sessionId);
  });

  // CW-REPLAY-ACCESS, CW-REPLAY-TIME: the playback page's board, for whoever may play the recording.
  bind(router, api.recordingTimeline, async ({ actor, params }) => {
    const { row, session } = await playableRecording(live, actor, params.recordingId);
    const endedAt = row.endedAt ?? new Date();
    const { start, events } = await BoardTimeline.between(courseware.db, row.sessionId, row.startedAt, endedAt);
    return {
      recordingId: row.id,
      session: sessionView(session),
      startedAt: row.startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      durationMs: Math.max(0, endedAt.getTime() - row.startedAt.getTime()),
      start,
      events,
    };
  });
}
