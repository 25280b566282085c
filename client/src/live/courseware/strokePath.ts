import { getStroke } from 'perfect-freehand';
import type { Stroke } from '../../../../shared/signaling/courseware.ts';

/**
 * A stroke's outline as an SVG path in a page of `width` × `height` pixels:
 * perfect-freehand turns the pointer's points (and pressure) into a filled
 * outline with the varying width of a real pen; a highlighter keeps one width.
 */
export function strokePath(stroke: Stroke, width: number, height: number): string {
  const points = stroke.points.map(([x, y, p]) => [x * width, y * height, p]);
  const highlighter = stroke.tool === 'highlighter';
  const outline = getStroke(points, {
    size: stroke.size * width,
    thinning: highlighter ? 0 : 0.5,
    smoothing: 0.5,
    streamline: 0.4,
    simulatePressure: points.every(([, , p]) => p === 0.5),
    last: true,
  });
  if (outline.length === 0) return '';
  const [first, ...rest] = outline;
  return `M${first![0].toFixed(1)},${first![1].toFixed(1)}${rest.map(([x, y]) => `L${x!.toFixed(1)},${y!.toFixed(1)}`).join('')}Z`;
}
