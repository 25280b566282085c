import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { translate, type Translate } from '../../client/src/i18n/index.ts';
import { ruleExplanation, typedDescription } from '../../client/src/live/ruleText.ts';
import { LiveRuleId } from '../../shared/schemas/live.ts';

const zh: Translate = (key, params) => translate('zh-CN', key, params);
const en: Translate = (key, params) => translate('en', key, params);
const MIGRATIONS = new URL('../../server/db/migrations/', import.meta.url);

/** The rule versions the migrations seed: rule ID, figures and their (English) description. */
function seededRules(): { ruleId: string; description: string }[] {
  const rows: { ruleId: string; description: string }[] = [];
  for (const file of readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql'))) {
    const sql = readFileSync(new URL(file, MIGRATIONS), 'utf8');
    for (const insert of sql.matchAll(/INSERT INTO live_evidence_rules[^;]*;/g)) {
      for (const row of insert[0].matchAll(/^\s*\('([A-Z-]+)',\s*'[^']*',\s*[\d.]+,\s*\d+,\s*\d+,(?:\s*\d+,)?\s*'((?:[^']|'')*)'\)/gm)) rows.push({ ruleId: row[1]!, description: row[2]!.replace(/''/g, "'") });
    }
  }
  return rows;
}

describe('counting rules explained by rule ID', () => {
  it('every rule version the migrations seed is explained by the dictionary, not by its English description', () => {
    const seeded = seededRules();
    expect(seeded.map((r) => r.ruleId).sort()).toEqual([...LiveRuleId.options].sort());
    for (const r of seeded) expect(typedDescription(r.description), r.ruleId).toBeNull();
  });

  it('P-LESSON-CLASSROOM-PRESENT and P-RESEARCH-SCHOOLS-SPOKE: the explanation carries the version\'s own figures, in Chinese without English', () => {
    const present = { ruleId: 'P-LESSON-CLASSROOM-PRESENT', minShare: 0.6, minCount: 1, minSeconds: 300 };
    expect(ruleExplanation(zh, present)).toContain('60%');
    expect(ruleExplanation(zh, present)).toContain('300 秒');
    expect(ruleExplanation(zh, present)).not.toMatch(/[A-Za-z]/);
    expect(ruleExplanation(en, { ruleId: 'P-RESEARCH-SCHOOLS-SPOKE', minShare: 0, minCount: 3, minSeconds: 120 })).toContain('at least 3 different schools');
    for (const ruleId of LiveRuleId.options) expect(ruleExplanation(zh, { ruleId, minShare: 0.5, minCount: 2, minSeconds: 60 })).not.toMatch(/[A-Za-z]/);
  });

  it('a description an administrator typed is kept as typed', () => {
    expect(typedDescription('2026 学年起要求更严格')).toBe('2026 学年起要求更严格');
    expect(typedDescription('')).toBeNull();
  });
});
