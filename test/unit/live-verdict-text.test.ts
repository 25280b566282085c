import { describe, expect, it } from 'vitest';
import { failuresText, figuresText, statusReasonText } from '../../client/src/live/verdictText.ts';
import { translate, type Translate } from '../../client/src/i18n/index.ts';
import { evaluate, failuresOf, type RuleBook } from '../../server/evidence/verdict.ts';
import type { EvidenceRule } from '../../shared/schemas/live.ts';

const rule = (ruleId: EvidenceRule['ruleId'], minCount = 1): EvidenceRule => ({ ruleId, effectiveFrom: '2025-09-01', minShare: 0.6, minCount, marginMinutes: 10, minSeconds: 0, description: '' });
const rules: RuleBook = {
  'E-TEACHER-PUBLISHED': rule('E-TEACHER-PUBLISHED'),
  'E-CLASSROOM-RECEIVED': rule('E-CLASSROOM-RECEIVED'),
  'E-RESEARCH-PUBLISHED': rule('E-RESEARCH-PUBLISHED'),
  'E-RESEARCH-PARTICIPANTS': rule('E-RESEARCH-PARTICIPANTS', 2),
};
const MIN = 60_000;
const zh: Translate = (key, params) => translate('zh-CN', key, params);
const en: Translate = (key, params) => translate('en', key, params);

describe('a missed verdict in the UI language', () => {
  it('E-TEACHER-PUBLISHED + E-CLASSROOM-RECEIVED: the failed rules are worded from their figures, in Chinese without English', () => {
    const v = evaluate(rules, { kind: 'sync_lesson', scheduled: { start: 0, end: 40 * MIN }, teacher: { camera: [{ start: 0, end: 10 * MIN }], screen: [], microphone: [{ start: 0, end: 10 * MIN }] }, classrooms: [] });
    const failed = failuresOf(v.outcomes);
    expect(failed.map((f) => f.ruleId)).toEqual(['E-TEACHER-PUBLISHED', 'E-CLASSROOM-RECEIVED']);
    const text = failuresText(zh, failed);
    expect(text).toBe('主讲教师发送了画面与声音：25%（需要 60%）；成员教室收到了主讲教师：0%（需要 60%）');
    expect(text).not.toMatch(/[A-Za-z]/);
    expect(failuresText(en, failed)).toBe('The teacher sent picture and sound: 25% (needs 60%); Member classrooms received the teacher: 0% (needs 60%)');
  });

  it('E-RESEARCH-PARTICIPANTS: a counting rule says how many reached the share', () => {
    const v = evaluate(rules, { kind: 'online_research', scheduled: { start: 0, end: 40 * MIN }, participants: [{ teacherId: 'a', receiving: [{ start: 0, end: 40 * MIN }], publishing: [{ start: 0, end: 40 * MIN }] }] });
    expect(failuresText(zh, failuresOf(v.outcomes))).toBe('研修有足够的教师参与：1 个达到 60%（需要 2 个）');
  });

  it('the report and the evidence page word every outcome from its figures (not the English detail), seconds included', () => {
    const v = evaluate(rules, { kind: 'sync_lesson', scheduled: { start: 0, end: 40 * MIN }, teacher: { camera: [{ start: 0, end: 10 * MIN }], screen: [], microphone: [{ start: 0, end: 10 * MIN }] }, classrooms: [] });
    const teacher = v.outcomes.find((o) => o.ruleId === 'E-TEACHER-PUBLISHED')!;
    expect(figuresText(zh, teacher)).toBe('25%（需要 60%）');
    const present = { ruleId: 'P-LESSON-CLASSROOM-PRESENT', passed: false, measuredShare: 0.9, requiredShare: 0.6, count: 1, requiredCount: 1, measuredSeconds: 80, requiredSeconds: 300 };
    expect(figuresText(zh, present)).toBe('90%（需要 60%）；被看见或听见、发言 80 秒（需要 300 秒）');
    expect(figuresText(en, present)).toBe('90% (needs 60%); Seen, heard or speaking 80 s (needs 300 s)');
    const spoke = { ruleId: 'P-RESEARCH-SCHOOLS-SPOKE', passed: false, measuredShare: 0, requiredShare: 0, count: 1, requiredCount: 2, measuredSeconds: 150, requiredSeconds: 120 };
    expect(figuresText(zh, spoke)).not.toMatch(/[A-Za-z]/);
    expect(figuresText(zh, spoke)).toContain('1 个（需要 2 个）');
  });

  it('a stored verdict reason is shown as the failed rules\' names from their IDs; a typed reason stays as typed', () => {
    const v = evaluate(rules, { kind: 'sync_lesson', scheduled: { start: 0, end: 40 * MIN }, teacher: { camera: [{ start: 0, end: 10 * MIN }], screen: [], microphone: [{ start: 0, end: 10 * MIN }] }, classrooms: [] });
    expect(v.reason).toMatch(/^E-TEACHER-PUBLISHED: .*; E-CLASSROOM-RECEIVED: /);
    expect(statusReasonText(zh, v.reason!)).toBe('主讲教师发送了画面与声音；成员教室收到了主讲教师');
    expect(statusReasonText(zh, '教研员临时调课')).toBe('教研员临时调课');
  });
});
