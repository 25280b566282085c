import { useState } from 'react';
import type { BoardLayout, Stroke } from '../../../../shared/signaling/courseware.ts';
import { useT } from '../../i18n/index.ts';
import type { LiveClient, LiveView } from '../../media/LiveClient.ts';
import { Checkbox, Segmented } from '../../ui/index.ts';
import { act } from '../TeacherConsole.tsx';
import { BoardSurface, type Pen } from './BoardSurface.tsx';
import { CoursewarePicker } from './CoursewarePicker.tsx';
import { PenToolbar } from './PenToolbar.tsx';
import { useBoard } from './useBoard.ts';
import './courseware.css';

const LAYOUTS: readonly BoardLayout[] = ['courseware', 'teacher', 'side'];

/**
 * The host's board: the courseware picker, the page shown to every classroom with the
 * pen tools over it, page turns, the classrooms' layout and whether the classroom on
 * stage may write. Talks to the room through the live client's signaling requests.
 */
export function TeacherBoard({ client, view }: { client: LiveClient; view: LiveView }) {
  const t = useT();
  const s = client.signaling;
  const { board, addLocal, removeLocal } = useBoard(client, view.state);
  const [pen, setPen] = useState<Pen>({ tool: 'pen', color: '#d32f2f', text: '' });
  if (!view.session || !view.permissions?.moderate) return null;

  const draw = (stroke: Stroke) => {
    addLocal(stroke);
    act(() => s.request('drawStroke', { stroke }).catch((err: unknown) => (removeLocal([stroke.id]), Promise.reject(err))))();
  };
  const turn = (page: number) =>
    act(async () => {
      // The moment of the click: the end-to-end test measures the page turn from here to the classroom's screen.
      (window as { __cwTurnAt?: number }).__cwTurnAt = performance.timeOrigin + performance.now();
      await s.request('turnPage', { page });
    })();

  return (
    <section className="cw-teacher" data-testid="cw-teacher">
      <h2 className="live-section-title">{t('cw.title')}</h2>
      <div className="cw-teacher-body">
        <CoursewarePicker sessionId={view.session.id} showing={board?.active ? board.coursewareId : null} onShow={(coursewareId) => act(() => s.request('showCourseware', { coursewareId, page: 1 }))()} />
        {board?.active && (
          <div className="cw-teacher-board">
            <div className="cw-pager">
              <button type="button" className="btn btn--secondary btn--sm" disabled={board.page <= 1} onClick={() => turn(board.page - 1)} data-testid="cw-prev">
                {t('cw.prev')}
              </button>
              <span data-testid="cw-page">{t('cw.page', { page: board.page, count: board.pageCount })}</span>
              <button type="button" className="btn btn--secondary btn--sm" disabled={board.page >= board.pageCount} onClick={() => turn(board.page + 1)} data-testid="cw-next">
                {t('cw.next')}
              </button>
            </div>
            <BoardSurface board={board} pen={pen} onStroke={draw} onErase={(strokeIds) => act(() => s.request('eraseStrokes', { strokeIds }))()} testId="cw-teacher-surface" />
            <PenToolbar pen={pen} onPen={setPen} onUndo={act(() => s.request('undoStroke', {}))} onClear={act(() => s.request('clearPage', {}))} />
            <div className="cw-pager">
              <span>{t('cw.layoutForAll')}</span>
              <Segmented size="sm" value={board.layout} onChange={(layout) => act(() => s.request('setLayout', { layout }))()} options={LAYOUTS.map((value) => ({ value, label: t(`cw.layout.${value}`) }))} label={t('cw.layoutForAll')} />
              <Checkbox checked={board.stageWriting} onChange={(allowed) => act(() => s.request('setStageWriting', { allowed }))()} label={t('cw.stageWriting')} data-testid="cw-stage-writing" />
            </div>
          </div>
        )}
      </div>
    </section>
  );
}
