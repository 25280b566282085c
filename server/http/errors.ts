import type { ConflictDetail, ErrorCode, FieldError } from '../../shared/schemas/errors.ts';

/** An error the API answers with its own status and a message meant for the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends HttpError {
  constructor(
    readonly fields: FieldError[],
    message = `Invalid request: ${fields.map((f) => `${f.field} (${f.message})`).join('; ')}`,
  ) {
    super(400, 'validation', message);
  }

  static field(field: string, message: string, code = 'invalid'): ValidationError {
    return new ValidationError([{ field, code, message }]);
  }
}

/** Also what a caller gets for things outside their scope, so existence never leaks. */
export class NotFoundError extends HttpError {
  constructor(what: string) {
    super(404, 'not_found', `${what} not found`);
  }
}

export class ConflictError extends HttpError {
  constructor(readonly conflict: ConflictDetail) {
    super(409, 'conflict', conflict.description);
  }
}

export class UnauthenticatedError extends HttpError {
  constructor(message = 'Sign in first') {
    super(401, 'unauthenticated', message);
  }
}

/** The caller can see the thing but their role may not do this to it. */
export class ForbiddenError extends HttpError {
  constructor(message = 'Your role may not do this') {
    super(403, 'forbidden', message);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(message: string) {
    super(413, 'payload_too_large', message);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(message: string) {
    super(415, 'unsupported_media_type', message);
  }
}

/** The client went away mid-request (an aborted upload): nobody to answer, nothing to alarm anyone about. */
export class ClientGoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientGoneError';
  }
}

/** PostgreSQL error codes we translate (drizzle wraps them: the code is on `.cause.code`). */
export const PgCode = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  notNullViolation: '23502',
  exclusionViolation: '23P01',
  invalidTextRepresentation: '22P02',
  serializationFailure: '40001',
} as const;

export interface PgErrorInfo {
  code: string;
  constraint?: string;
  detail?: string;
}

/** The PostgreSQL error inside whatever wrapped it (DrizzleQueryError, pg, PGlite), if any. */
export function pgErrorOf(err: unknown): PgErrorInfo | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      const { constraint, detail } = e as { constraint?: string; detail?: string };
      return { code, ...(constraint ? { constraint } : {}), ...(detail ? { detail } : {}) };
    }
  }
  return undefined;
}

export const isPgError = (err: unknown, code: string, constraint?: string): boolean => {
  const pgErr = pgErrorOf(err);
  return pgErr?.code === code && (constraint === undefined || pgErr.constraint === constraint);
};
