import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { roundFraction, type BoardState, type Stroke } from '../../../../shared/signaling/courseware.ts';
import { pageUrl } from './useBoard.ts';
import { strokePath } from './strokePath.ts';

export type BoardTool = 'pen' | 'highlighter' | 'text' | 'eraser';

/** Sizes as fractions of the page's width. */
const SIZES = { pen: 0.004, highlighter: 0.022, text: 0.035 } as const;
/** The blank board's page (16:9). */
const BLANK = { width: 1600, height: 900 };

export interface Pen {
  readonly tool: BoardTool;
  readonly color: string;
  /** What the text tool writes. */
  readonly text: string;
}

/** Within the page, to 1/10 000 of it (CW-STROKE-PRECISION): full float digits would triple every stroke's size on the wire and in the timeline. */
const clamp = (v: number) => roundFraction(Math.min(1, Math.max(0, v)));
const newId = () => (typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);

function StrokeShape({ stroke, width, height }: { stroke: Stroke; width: number; height: number }) {
  if (stroke.tool === 'text') {
    const [x, y] = stroke.points[0]!;
    return (
      <text data-stroke-id={stroke.id} x={x * width} y={y * height} fill={stroke.color} fontSize={stroke.size * width} dominantBaseline="hanging">
        {stroke.text}
      </text>
    );
  }
  return <path data-stroke-id={stroke.id} d={strokePath(stroke, width, height)} fill={stroke.color} fillOpacity={stroke.tool === 'highlighter' ? 0.35 : 1} />;
}

/**
 * The current page (its image, or the blank board) with its strokes drawn over it in the
 * page's own coordinates; with a pen in hand, pointer input becomes strokes. When the
 * page's image is on screen the element says so (`data-shown-page`, `data-shown-at`:
 * the page-turn latency is measured against it), and the next page is fetched ahead.
 */
export function BoardSurface({ board, pen, onStroke, onErase, testId }: { board: BoardState; pen: Pen | null; onStroke?(stroke: Stroke): void; onErase?(ids: string[]): void; testId?: string }) {
  const url = board.coursewareId ? pageUrl(board.coursewareId, board.page) : null;
  const [size, setSize] = useState(BLANK);
  const [shown, setShown] = useState<{ key: string; at: number } | null>(null);
  const [draft, setDraft] = useState<Stroke | null>(null);
  const erasing = useRef<Set<string>>(new Set());
  const svg = useRef<SVGSVGElement>(null);
  const key = `${board.coursewareId ?? 'blank'}#${board.page}`;

  useEffect(() => {
    if (!url) {
      setSize(BLANK);
      setShown({ key, at: performance.timeOrigin + performance.now() });
    }
    if (board.coursewareId && board.page < board.pageCount) new Image().src = pageUrl(board.coursewareId, board.page + 1);
  }, [url, key, board.coursewareId, board.page, board.pageCount]);

  const at = (e: PointerEvent): [number, number, number] => {
    const r = svg.current!.getBoundingClientRect();
    return [clamp((e.clientX - r.left) / r.width), clamp((e.clientY - r.top) / r.height), e.pointerType === 'pen' ? clamp(e.pressure) : 0.5];
  };

  const eraseAt = (e: PointerEvent) => {
    for (const el of document.elementsFromPoint(e.clientX, e.clientY)) {
      const id = el.getAttribute('data-stroke-id');
      if (id) erasing.current.add(id);
    }
  };

  const down = (e: PointerEvent<SVGSVGElement>) => {
    if (!pen) return;
    e.preventDefault();
    if (pen.tool === 'eraser') {
      erasing.current = new Set();
      eraseAt(e);
      return;
    }
    if (pen.tool === 'text') {
      if (pen.text.trim()) onStroke?.({ id: newId(), tool: 'text', color: pen.color, size: SIZES.text, points: [at(e)], text: pen.text.trim().slice(0, 200) });
      return;
    }
    e.currentTarget.setPointerCapture(e.pointerId);
    setDraft({ id: newId(), tool: pen.tool, color: pen.color, size: SIZES[pen.tool], points: [at(e)] });
  };

  const move = (e: PointerEvent<SVGSVGElement>) => {
    if (!pen || e.buttons === 0) return;
    if (pen.tool === 'eraser') eraseAt(e);
    else if (draft && draft.points.length < 4000) setDraft({ ...draft, points: [...draft.points, at(e)] });
  };

  const up = () => {
    if (pen?.tool === 'eraser' && erasing.current.size) {
      onErase?.([...erasing.current]);
      erasing.current = new Set();
    }
    if (draft) onStroke?.(draft);
    setDraft(null);
  };

  const shownHere = shown?.key === key;
  return (
    <div
      className={`cw-surface${pen ? ' cw-surface--drawing' : ''}`}
      style={{ aspectRatio: `${size.width} / ${size.height}`, ['--cw-ratio' as string]: size.width / size.height }}
      data-testid={testId}
      data-page={board.page}
      data-shown-page={shownHere ? board.page : undefined}
      data-shown-at={shownHere ? shown.at.toFixed(1) : undefined}
      data-strokes={board.strokes.length}
    >
      {url ? (
        <img
          src={url}
          alt=""
          draggable={false}
          onLoad={(e) => {
            setSize({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight });
            setShown({ key, at: performance.timeOrigin + performance.now() });
          }}
        />
      ) : (
        <div className="cw-blank" />
      )}
      <svg ref={svg} viewBox={`0 0 ${size.width} ${size.height}`} preserveAspectRatio="none" onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={up}>
        {board.strokes.map((s) => (
          <StrokeShape key={s.id} stroke={s} width={size.width} height={size.height} />
        ))}
        {draft && <StrokeShape stroke={draft} width={size.width} height={size.height} />}
      </svg>
    </div>
  );
}
