import { useCallback } from 'react';
import type { FieldError } from '../../../shared/schemas/errors.ts';
import { translate, translateServerMessage, useLocale, type Locale, type MessageKey, type Params } from './index.ts';

const NUMERIC = new Set(['number', 'int', 'bigint']);
const LIST = new Set(['array', 'set']);

/** The dictionary key (and parameters) of a failed built-in check, from its code and parameters. */
function checkKey(f: FieldError): [MessageKey, Params?] | null {
  const p = f.params;
  if (!p) return null;
  const n = p.bound ?? 0;
  switch (f.code) {
    case 'too_small':
      if (p.origin === 'string') return n <= 1 ? ['server.required'] : ['server.minChars', { n }];
      if (NUMERIC.has(p.origin ?? '')) return p.inclusive ? ['server.minNumber', { n }] : ['server.aboveNumber', { n }];
      if (LIST.has(p.origin ?? '')) return n <= 1 ? ['server.pickAtLeastOne'] : ['server.minItems', { n }];
      return null;
    case 'too_big':
      if (p.origin === 'string') return ['server.maxChars', { n }];
      if (NUMERIC.has(p.origin ?? '')) return p.inclusive ? ['server.maxNumber', { n }] : ['server.belowNumber', { n }];
      if (LIST.has(p.origin ?? '')) return ['server.maxItems', { n }];
      return null;
    case 'invalid_type':
      if (p.missing) return ['server.required'];
      if (p.expected === 'int') return ['server.integer'];
      return p.expected === 'number' ? ['server.number'] : null;
    case 'invalid_format':
      if (p.format === 'date' || p.format === 'datetime') return ['server.invalidDate'];
      return p.format === 'uuid' ? ['server.choose'] : null;
    case 'invalid_value':
      return ['server.choose'];
    default:
      return null;
  }
}

/**
 * A field error in the reader's language: a built-in check worded from its code and
 * parameters, a message of the server's own through its known messages, else as it came.
 */
export function fieldMessage(locale: Locale, f: FieldError): string {
  const key = checkKey(f);
  return key ? translate(locale, key[0], key[1]) : translateServerMessage(locale, f.message);
}

/** `tField(error)` in the current language. */
export function useFieldT(): (f: FieldError) => string {
  const locale = useLocale();
  return useCallback((f: FieldError) => fieldMessage(locale, f), [locale]);
}
