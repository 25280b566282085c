import type { z } from 'zod';
import type { FieldError, FieldIssueParams } from '../../shared/schemas/errors.ts';

type LocaleError = (issue: never) => string | { message: string } | undefined | null;

/**
 * One zod issue as a field error. zod's own checks (not a message the schema wrote) also
 * carry their code's parameters — the bound, what was expected — so the client words them
 * in the reader's language instead of parsing zod's wording; the message stays for other
 * callers. A schema's own message is sent as written (the client words the known ones).
 */
export function fieldErrorOf(issue: z.core.$ZodIssue, field: string, localeError: LocaleError): FieldError {
  const { input: _input, ...reported } = issue as z.core.$ZodIssue & { input?: unknown };
  const fallback = localeError(issue as never);
  const zodWording = (typeof fallback === 'string' ? fallback : fallback?.message) === issue.message;
  const params = zodWording ? paramsOf(issue, _input) : undefined;
  return { field, code: reported.code, message: issue.message, ...(params ? { params } : {}) };
}

function paramsOf(issue: z.core.$ZodIssue, input: unknown): FieldIssueParams | undefined {
  switch (issue.code) {
    case 'too_small':
      return { origin: issue.origin, bound: Number(issue.minimum), inclusive: issue.inclusive !== false };
    case 'too_big':
      return { origin: issue.origin, bound: Number(issue.maximum), inclusive: issue.inclusive !== false };
    case 'invalid_type':
      return { expected: issue.expected, missing: input === undefined || input === null };
    case 'invalid_format':
      return { format: issue.format };
    case 'invalid_value':
      return {};
    default:
      return undefined;
  }
}
