import { useT } from '../../i18n/index.ts';
import { Segmented, TextInput } from '../../ui/index.ts';
import type { BoardTool, Pen } from './BoardSurface.tsx';

const COLORS = [
  ['#d32f2f', 'cw.color.red'],
  ['#1565c0', 'cw.color.blue'],
  ['#212121', 'cw.color.black'],
  ['#fbc02d', 'cw.color.yellow'],
] as const;

/** Pen, highlighter, eraser and text, a few colours, undo (and, for the host, clearing the page). */
export function PenToolbar({ pen, onPen, onUndo, onClear }: { pen: Pen; onPen(pen: Pen): void; onUndo(): void; onClear?(): void }) {
  const t = useT();
  const tools: { value: BoardTool; label: string }[] = (['pen', 'highlighter', 'eraser', 'text'] as const).map((value) => ({ value, label: t(`cw.tool.${value}`) }));
  return (
    <div className="cw-pen" role="toolbar" aria-label={t('cw.tools')} data-testid="cw-pen-toolbar">
      <Segmented size="sm" value={pen.tool} onChange={(tool) => onPen({ ...pen, tool })} options={tools} label={t('cw.tools')} />
      <div className="cw-colors">
        {COLORS.map(([color, key]) => (
          <button key={color} type="button" className={`cw-color${pen.color === color ? ' is-active' : ''}`} style={{ background: color }} aria-label={t(key)} title={t(key)} aria-pressed={pen.color === color} onClick={() => onPen({ ...pen, color })} />
        ))}
      </div>
      {pen.tool === 'text' && <TextInput value={pen.text} onChange={(text) => onPen({ ...pen, text })} placeholder={t('cw.textPlaceholder')} maxLength={200} data-testid="cw-text" />}
      <button type="button" className="btn btn--secondary btn--sm" onClick={onUndo} data-testid="cw-undo">
        {t('cw.undo')}
      </button>
      {onClear && (
        <button type="button" className="btn btn--secondary btn--sm" onClick={onClear} data-testid="cw-clear">
          {t('cw.clear')}
        </button>
      )}
    </div>
  );
}
