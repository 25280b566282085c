import type { Request, Response, Router } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { BodyOf, Endpoint, FileResponse, ParamsOf, QueryOf } from '../../shared/http/endpoint.ts';
import type { FieldError } from '../../shared/schemas/errors.ts';
import type { Locale } from '../../shared/schemas/common.ts';
import type { Actor } from '../accounts/actor.ts';
import { actorOf, localeOf } from './context.ts';
import { fieldErrorOf } from './fieldIssue.ts';
import { ForbiddenError, NotFoundError, PayloadTooLargeError, UnauthenticatedError, ValidationError } from './errors.ts';

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
  const raw = (req.body as { data?: unknown } | undefined)?.data;
  if (typeof raw !== 'string') return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw ValidationError.field('data', 'not valid JSON', 'invalid_json');
  }
}

/**
 * Binds a handler to an endpoint of `shared/api`: checks the session and CSRF
 * token, validates params, query and body (400 naming every bad field), runs
 * the handler and validates what it answers, so the contract cannot drift.
 */
export function bind<E extends Endpoint>(router: Router, e: E, handler: Handler<E>): void {
  const middlewares: ((req: Request, res: Response, next: (err?: unknown) => void) => void)[] = [];
  if (e.upload) {
    const upload = e.upload;
    const mw = multer({ storage: multer.memoryStorage(), limits: { fileSize: upload.maxBytes, files: 1 }, defParamCharset: 'utf8' }).single(upload.field);
    middlewares.push((req, res, next) =>
      mw(req, res, (err: unknown) => {
        if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') {
          next(new PayloadTooLargeError(`${upload.field}: larger than ${Math.round(upload.maxBytes / 1024)} KiB`));
        } else if (err instanceof multer.MulterError) {
          next(ValidationError.field(err.field ?? upload.field, err.message, 'upload'));
        } else next(err);
      }),
    );
  }

  router[e.method](e.path, ...middlewares, async (req: Request, res: Response) => {
    const actor = actorOf(req);
    if (e.access !== 'public') {
      if (!actor) throw new UnauthenticatedError();
      if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && req.get('x-csrf-token') !== actor.csrfToken) {
        throw new ForbiddenError('Missing or wrong CSRF token (x-csrf-token header)');
      }
    }
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
      if (!e.upload.contentTypes.includes(req.file.mimetype)) {
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
