import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldMessage } from '../../client/src/i18n/fieldMessages.ts';
import { fieldErrorOf } from '../../server/http/fieldIssue.ts';
import { IsoDate } from '../../shared/schemas/common.ts';
import type { FieldError } from '../../shared/schemas/errors.ts';

/**
 * Validation errors travel as code + parameters (zod's own checks) and the client words
 * them: no reading of zod's wording, which changes between zod versions and locales.
 */
const Form = z.object({
  name: z.string().min(1),
  title: z.string().min(3).max(5),
  count: z.number().int().min(1),
  share: z.number().gt(0),
  ids: z.array(z.string()).min(1),
  day: IsoDate,
  kind: z.enum(['a', 'b']),
  password: z.string().min(10, 'at least 10 characters'),
});

function fieldErrors(locale: 'zh-CN' | 'en', value: unknown): Record<string, FieldError> {
  const localeError = (locale === 'en' ? z.locales.en() : z.locales.zhCN()).localeError;
  const result = Form.safeParse(value, { error: localeError, reportInput: true });
  if (result.success) throw new Error('expected issues');
  return Object.fromEntries(result.error.issues.map((i) => [i.path.join('.'), fieldErrorOf(i, i.path.join('.'), localeError)]));
}

const bad = { title: 'ab', count: 0, share: 0, ids: [], day: '2026-13-40', kind: 'c', password: 'short' };

describe('field errors as code and parameters', () => {
  it('sends the check and its bound, never the input', () => {
    const f = fieldErrors('zh-CN', bad);
    expect(f['name']).toMatchObject({ code: 'invalid_type', params: { expected: 'string', missing: true } });
    expect(f['title']).toMatchObject({ code: 'too_small', params: { origin: 'string', bound: 3, inclusive: true } });
    expect(f['share']).toMatchObject({ code: 'too_small', params: { origin: 'number', bound: 0, inclusive: false } });
    expect(f['day']).toMatchObject({ code: 'invalid_format', params: { format: 'date' } });
    expect(JSON.stringify(f)).not.toContain('2026-13-40');
    // A message the schema wrote is the server's own: sent as written, without parameters.
    expect(f['password']).toEqual({ field: 'password', code: 'too_small', message: 'at least 10 characters' });
  });

  it('words every check in Chinese and English from the code, whatever language zod spoke', () => {
    for (const serverLocale of ['zh-CN', 'en'] as const) {
      const f = fieldErrors(serverLocale, bad);
      const zh = (k: string) => fieldMessage('zh-CN', f[k]!);
      expect(zh('name')).toBe('此项为必填项');
      expect(zh('title')).toBe('至少 3 个字符');
      expect(zh('count')).toBe('不能小于 1');
      expect(zh('share')).toBe('须大于 0');
      expect(zh('ids')).toBe('请至少选择一项');
      expect(zh('day')).toBe('请输入有效日期');
      expect(zh('kind')).toBe('请选择');
      expect(zh('password')).toBe('密码至少 10 个字符');
      expect(fieldMessage('en', f['title']!)).toBe('At least 3 characters');
      expect(fieldMessage('en', f['count']!)).toBe('Must be at least 1');
    }
    expect(fieldMessage('zh-CN', fieldErrors('zh-CN', { ...bad, title: 'abcdefg' })['title']!)).toBe('最多 5 个字符');
  });
});
