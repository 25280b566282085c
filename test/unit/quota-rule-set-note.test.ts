import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { translate, type Translate } from '../../client/src/i18n/index.ts';
import { ruleSetLabel, ruleSetNote } from '../../client/src/quotas/format.ts';

const zh: Translate = (key, params) => translate('zh-CN', key, params);
const en: Translate = (key, params) => translate('en', key, params);
const MIGRATIONS = new URL('../../server/db/migrations/', import.meta.url);

/** The notes of the rule sets the migrations seed (both languages in one string). */
const seededNotes = () =>
  readdirSync(MIGRATIONS)
    .filter((f) => f.endsWith('.sql'))
    .flatMap((f) => [...readFileSync(new URL(f, MIGRATIONS), 'utf8').matchAll(/::jsonb, '((?:[^']|'')*)'\)/g)].map((m) => m[1]!));

describe('rule sets in the reader\'s language', () => {
  it('the platform\'s own rule-set notes are worded by the client: Chinese without English, English without Chinese', () => {
    const notes = seededNotes();
    expect(notes.length).toBeGreaterThan(0);
    for (const note of notes) {
      expect(ruleSetNote(zh, note), note).not.toMatch(/[A-Za-z]/);
      expect(ruleSetNote(en, note), note).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('a note somebody typed stays as typed; a version reads 第2版 in Chinese and v2 in English', () => {
    expect(ruleSetNote(zh, '嘉兴市提高同步课要求')).toBe('嘉兴市提高同步课要求');
    expect(ruleSetLabel(zh, { region: 'city:嘉兴市', version: 2 })).toBe('嘉兴市 第2版');
    expect(ruleSetLabel(en, { region: 'city:嘉兴市', version: 2 })).toBe('嘉兴市 v2');
  });
});
