import { useEffect, useState, type ReactNode } from 'react';
import type { BoardLayout, Stroke } from '../../../../shared/signaling/courseware.ts';
import { useT } from '../../i18n/index.ts';
import type { LiveClient, LiveView } from '../../media/LiveClient.ts';
import { Badge, Segmented } from '../../ui/index.ts';
import { act } from '../TeacherConsole.tsx';
import { BoardSurface, type Pen } from './BoardSurface.tsx';
import { PenToolbar } from './PenToolbar.tsx';
import { useBoard } from './useBoard.ts';
import './courseware.css';

const LAYOUTS: readonly BoardLayout[] = ['courseware', 'teacher', 'side'];

/**
 * The classroom terminal's picture once the teacher shows courseware or the board:
 * courseware large with the teacher small, the teacher large with the courseware small,
 * or both side by side — the teacher's choice, until the classroom picks its own (the
 * teacher's next choice applies again). On stage, and allowed, the classroom writes too.
 * In audio-and-courseware mode the terminal forces the courseware large (`layout`).
 */
export function ClassroomBoard({ client, view, teacher, layout: forced }: { client: LiveClient; view: LiveView; teacher: ReactNode; layout?: BoardLayout }) {
  const t = useT();
  const s = client.signaling;
  const { board, addLocal, removeLocal } = useBoard(client, view.state);
  const [own, setOwn] = useState<BoardLayout | null>(null);
  const [pen, setPen] = useState<Pen>({ tool: 'pen', color: '#1565c0', text: '' });
  const teacherLayout = board?.layout;
  useEffect(() => setOwn(null), [teacherLayout]);
  if (!board?.active) return <>{teacher}</>;

  const layout = forced ?? own ?? board.layout;
  const mayWrite = board.stageWriting && view.stagePeerId !== null && view.stagePeerId === view.peerId;
  const draw = (stroke: Stroke) => {
    addLocal(stroke);
    act(() => s.request('drawStroke', { stroke }).catch((err: unknown) => (removeLocal([stroke.id]), Promise.reject(err))))();
  };

  return (
    <div className={`cw-layout cw-layout--${layout}`} data-testid="cw-classroom" data-layout={layout}>
      <div className="cw-layout-board">
        <BoardSurface board={board} pen={mayWrite ? pen : null} onStroke={draw} onErase={(strokeIds) => act(() => s.request('eraseStrokes', { strokeIds }))()} testId="cw-classroom-surface" />
      </div>
      <div className="cw-layout-teacher">{teacher}</div>
      <div className="cw-layout-bar">
        {!forced && <Segmented<BoardLayout> size="sm" value={layout} onChange={setOwn} options={LAYOUTS.map((value) => ({ value, label: t(`cw.layout.${value}`) }))} label={t('cw.layout')} />}
        {mayWrite && (
          <>
            <Badge tone="blue">{t('cw.youMayWrite')}</Badge>
            <PenToolbar pen={pen} onPen={setPen} onUndo={act(() => s.request('undoStroke', {}))} />
          </>
        )}
      </div>
    </div>
  );
}
