import type { NextFunction, Request, Response } from 'express';
import { ValidationError } from './errors.ts';

/**
 * I-INPUT-SHAPE: before any handler, rate limiter or database sees a request, every
 * string in its query, body and path parameters (keys included) is free of NUL and other
 * control characters (tab, line feed and carriage return excepted: multi-line text), and
 * nothing is nested deeper than MAX_INPUT_DEPTH. PostgreSQL refuses NUL in text and a
 * 20,000-deep array overflows the stack of whatever walks it: both are the client's error,
 * a 400 naming the field.
 */
export const MAX_INPUT_DEPTH = 16;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * The first problem in `value` as a 400 naming the field (`query.q`, `username`, `params.token`),
 * or null. `field` is the path so far ('' for the body's root). Stops at the depth limit, so it
 * cannot overflow itself.
 */
export function inputShapeProblem(value: unknown, field: string, depth = 0): ValidationError | null {
  if (typeof value === 'string') {
    return CONTROL.test(value) ? ValidationError.field(field || '(body)', 'contains a control character (NUL or similar)', 'control_character') : null;
  }
  if (value === null || typeof value !== 'object') return null;
  const here = field || '(body)';
  if (depth >= MAX_INPUT_DEPTH) return ValidationError.field(here, `nested deeper than ${MAX_INPUT_DEPTH} levels`, 'too_deep');
  for (const [key, inner] of Object.entries(value)) {
    const path = field ? `${field}.${key}` : key;
    if (CONTROL.test(key)) return ValidationError.field(here, 'a key contains a control character (NUL or similar)', 'control_character');
    const problem = inputShapeProblem(inner, path, depth + 1);
    if (problem) return problem;
  }
  return null;
}

/** Throws the 400 for the first bad field of `value`, named under `field` ('' for the body, as the validation errors name body fields). */
export function assertInputShape(value: unknown, field: string): void {
  const problem = inputShapeProblem(value, field);
  if (problem) throw problem;
}

/** The app-wide check of query and JSON body; path parameters and multipart fields are checked by `bind()` once parsed. */
export function inputGuard() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    try {
      assertInputShape(req.query, 'query');
      assertInputShape(req.body, '');
      next();
    } catch (err) {
      next(err);
    }
  };
}
