import type { Request, Response, Router } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { BodyOf, Endpoint, FileResponse, ParamsOf, QueryOf } from '../../shared/http/endpoint.ts';
import type { FieldError } from '../../shared/schemas/errors.ts';
import type { Locale } from '../../shared/schemas/common.ts';
import type { Actor } from '../accounts/actor.ts';
import { actorOf, localeOf } from './context.ts';
import { ClientGoneError, ForbiddenError, NotFoundError, PayloadTooLargeError, UnauthenticatedError, UnsupportedMediaTypeError, ValidationError } from './errors.ts';
import { assertInputShape, inputShapeProblem } from './inputGuard.ts';
import { fieldErrorOf } from './fieldIssue.ts';

export interface UploadedFile {
  readonly originalName: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

export interface HandlerContext<E extends Endpoint> {
  readonly params: ParamsOf<E>;
  readonly query: QueryOf<E>;
  readonly body: BodyOf<E>;
  /** Non-null unless the endpoint is public. */
  readonly actor: E['access'] extends 'public' ? Actor | null : Actor;
  readonly locale: Locale;
  readonly file: UploadedFile | null;
  readonly req: Request;
  readonly res: Response;
}

/** A download: the handler gives bytes (or a path) and a name. */
export interface FileReply {
  readonly contentType: string;
  readonly filename?: string;
  readonly inline?: boolean;
  readonly bytes?: Buffer | string;
  readonly path?: string;
}

type Reply<E extends Endpoint> = E['response'] extends z.ZodType
  ? z.input<E['response']>
  : E['response'] extends FileResponse
    ? FileReply
    : void;

export type Handler<E extends Endpoint> = (ctx: HandlerContext<E>) => Promise<Reply<E>> | Reply<E>;

const localeErrors = { 'zh-CN': z.locales.zhCN().localeError, en: z.locales.en().localeError };

function parsePart(schema: z.ZodType | undefined, value: unknown, prefix: string, locale: Locale, fields: FieldError[]): unknown {
  if (!schema) return undefined;
  // The input is reported so that a missing value can be told from a wrong one (it is not sent back).
  const result = schema.safeParse(value ?? {}, { error: localeErrors[locale], reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = issue.path.map(String).join('.');
    fields.push(fieldErrorOf(issue, prefix + (path || '(root)'), localeErrors[locale]));
  }
  return undefined;
}

/** Multipart bodies carry JSON in a `data` field beside the file. */
function bodyOf(req: Request, e: Endpoint): unknown {
  if (!e.upload) return req.body;
  assertInputShape(req.body, '');
  const raw = (req.body as { data?: unknown } | undefined)?.data;
  if (typeof raw !== 'string') return {};
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw ValidationError.field('data', 'not valid JSON', 'invalid_json');
  }
  assertInputShape(data, '');
  return data;
}

type Middleware = (req: Request, res: Response, next: (err?: unknown) => void) => void;

/**
 * Who may call, checked before anything reads the body: an anonymous or forged upload is
 * refused without reading (up to) megabytes of multipart into memory.
 */
function admission(e: Endpoint): Middleware {
  return (req, _res, next) => {
    const actor = actorOf(req);
    if (e.access !== 'public') {
      if (!actor) return next(new UnauthenticatedError());
      if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && req.get('x-csrf-token') !== actor.csrfToken) {
        return next(new ForbiddenError('Missing or wrong CSRF token (x-csrf-token header)'));
      }
    }
    try {
      assertInputShape(req.params, 'params');
      if (hasBody(req)) assertContentType(req, e);
    } catch (err) {
      return next(err);
    }
    next();
  };
}

const hasBody = (req: Request) => req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;

/** A body of the wrong kind is a 415 naming what the endpoint reads, not a validation error about missing fields. */
function assertContentType(req: Request, e: Endpoint): void {
  const expected = e.upload ? 'multipart/form-data' : e.body ? 'application/json' : null;
  if (expected && !req.is(expected)) throw new UnsupportedMediaTypeError(`content-type: send ${expected}`);
}

/** Multer reads the upload; what it refuses is the client's error (413 too large, 400 malformed), an abort is no error at all. */
function multipart(upload: NonNullable<Endpoint['upload']>): Middleware {
  const mw = multer({ storage: multer.memoryStorage(), limits: { fileSize: upload.maxBytes, files: 1, fields: 20, fieldSize: 1024 * 1024 }, defParamCharset: 'utf8' }).single(upload.field);
  return (req, res, next) =>
    mw(req, res, (err: unknown) => {
      if (!err) return next();
      if (req.socket.destroyed || req.readableAborted) return next(new ClientGoneError(`upload of ${upload.field} aborted by the client`));
      if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') {
        return next(new PayloadTooLargeError(`${upload.field}: larger than ${Math.round(upload.maxBytes / 1024)} KiB`));
      }
      if (err instanceof multer.MulterError && err.code === 'LIMIT_FIELD_VALUE') return next(new PayloadTooLargeError(`${err.field ?? 'data'}: larger than 1024 KiB`));
      if (err instanceof multer.MulterError) return next(ValidationError.field(err.field ?? upload.field, err.message, 'upload'));
      // Busboy's own refusals (truncated body, bad part headers, no boundary) are malformed input.
      return next(ValidationError.field(upload.field, `malformed multipart body (${err instanceof Error ? err.message : 'unreadable'})`, 'multipart'));
    });
}

/**
 * Binds a handler to an endpoint of `shared/api`: checks the session and CSRF
 * token, validates params, query and body (400 naming every bad field), runs
 * the handler and validates what it answers, so the contract cannot drift.
 */
export function bind<E extends Endpoint>(router: Router, e: E, handler: Handler<E>): void {
  const middlewares: Middleware[] = [admission(e)];
  if (e.upload) middlewares.push(multipart(e.upload));

  router[e.method](e.path, ...middlewares, async (req: Request, res: Response) => {
    const actor = actorOf(req);
    const locale = localeOf(req);
    const fields: FieldError[] = [];
    const paramFields: FieldError[] = [];
    const params = parsePart(e.params, req.params, 'params.', locale, paramFields);
    // A malformed id can name nothing that exists: that is a 404, not a 400.
    if (paramFields.length) throw new NotFoundError('Resource');
    const query = parsePart(e.query, req.query, 'query.', locale, fields);
    const body = parsePart(e.body, bodyOf(req, e), '', locale, fields);

    let file: UploadedFile | null = null;
    if (e.upload && req.file) {
      if (inputShapeProblem(req.file.originalname, e.upload.field)) {
        fields.push({ field: e.upload.field, code: 'control_character', message: 'the file name contains a control character (NUL or similar)' });
      } else if (!e.upload.contentTypes.includes(req.file.mimetype)) {
        fields.push({ field: e.upload.field, code: 'content_type', message: `must be one of ${e.upload.contentTypes.join(', ')}` });
      } else {
        file = { originalName: req.file.originalname, contentType: req.file.mimetype, bytes: req.file.buffer };
      }
    }
    if (fields.length) throw new ValidationError(fields);

    const result = await handler({ params, query, body, actor, locale, file, req, res } as unknown as HandlerContext<E>);
    if (res.headersSent) return;
    const status = e.status ?? 200;
    if (e.response === null) {
      res.status(status).end();
    } else if ('file' in e.response) {
      sendFile(res, result as FileReply);
    } else {
      // Validating the answer too strips anything not in the contract (no field leaks by accident).
      res.status(status).json((e.response as z.ZodType).parse(result));
    }
  });
}

function sendFile(res: Response, reply: FileReply): void {
  res.type(reply.contentType);
  if (reply.filename) {
    const disposition = reply.inline ? 'inline' : 'attachment';
    res.setHeader('Content-Disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(reply.filename)}`);
  }
  if (reply.path) res.sendFile(reply.path);
  else res.send(reply.bytes ?? '');
}
