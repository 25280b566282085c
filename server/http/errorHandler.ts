import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ApiError } from '../../shared/schemas/errors.ts';
import { ClientGoneError, ConflictError, HttpError, PayloadTooLargeError, PgCode, pgErrorOf, UnsupportedMediaTypeError, ValidationError } from './errors.ts';

function toBody(err: HttpError): ApiError {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err instanceof ValidationError ? { fields: err.fields } : {}),
      ...(err instanceof ConflictError ? { conflict: err.conflict } : {}),
    },
  };
}

/** Constraint violations a service did not describe itself still get a 409/400, never a 500. */
function fromDatabase(err: unknown): HttpError | undefined {
  const pg = pgErrorOf(err);
  if (!pg) return undefined;
  const what = pg.constraint ?? 'a constraint';
  switch (pg.code) {
    case PgCode.uniqueViolation:
    case PgCode.exclusionViolation:
      return new ConflictError({ kind: pg.constraint ?? 'constraint', description: `Conflicts with an existing record (${what})` });
    case PgCode.foreignKeyViolation:
      return new ConflictError({ kind: pg.constraint ?? 'reference', description: `Refers to a record that does not exist or is still in use (${what})` });
    case PgCode.checkViolation:
    case PgCode.notNullViolation:
    case PgCode.invalidTextRepresentation:
      return ValidationError.field(pg.constraint ?? '(root)', `Rejected by the database (${what})`, 'constraint');
    default:
      return undefined;
  }
}

/**
 * Body-parser (`type`), the router (a path that is not valid percent-encoding) and similar
 * middleware say what was wrong with the request: each becomes the client error it is,
 * naming the part of the request at fault.
 */
function fromMiddleware(err: unknown): HttpError | undefined {
  const e = err as { type?: string; status?: number; message?: string };
  switch (e?.type) {
    case 'entity.parse.failed':
      return ValidationError.field('(body)', 'not valid JSON', 'invalid_json');
    case 'entity.too.large':
      return new PayloadTooLargeError('(body): request body too large');
    case 'parameters.too.many':
      return new PayloadTooLargeError('(body): too many parameters');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError(`content-type: ${e.message ?? 'unsupported encoding'}`);
    case 'request.size.invalid':
      return ValidationError.field('(body)', 'shorter than its content-length', 'size');
  }
  if (err instanceof URIError) return ValidationError.field('params', 'not valid percent-encoding', 'invalid_encoding');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new HttpError(e.status, 'validation', 'Bad request');
  return undefined;
}

/** An aborted request has nobody to answer: a quiet line, not an alarm. */
const clientGone = (err: unknown, req: Request) =>
  err instanceof ClientGoneError || (err as { type?: string })?.type === 'request.aborted' || req.readableAborted || req.socket.destroyed;

export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (clientGone(err, req)) {
      log.info({ method: req.method, url: req.originalUrl, reason: err instanceof Error ? err.message : String(err) }, 'ClientGoneError: the client went away before the answer');
      return;
    }
    const known = err instanceof HttpError ? err : (fromDatabase(err) ?? fromMiddleware(err));
    if (res.headersSent) {
      log.error({ err, url: req.originalUrl }, 'error after response started');
      return;
    }
    if (known) {
      if (known.status >= 500) log.error({ err }, known.message);
      res.status(known.status).json(toBody(known));
      return;
    }
    log.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal', message: 'Internal error; it has been logged' } } satisfies ApiError);
  };
}
