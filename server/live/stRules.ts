import { asc } from 'drizzle-orm';
import type { StRules } from '../../shared/schemas/live.ts';
import type { Db } from '../db/client.ts';
import { liveStRules } from '../db/schema/index.ts';

/** Every version of the S-T analysis thresholds (table `live_st_rules`), oldest first. */
export async function loadStRules(db: Db): Promise<StRules[]> {
  const rows = await db.select().from(liveStRules).orderBy(asc(liveStRules.effectiveFrom));
  return rows.map((r) => ({
    effectiveFrom: r.effectiveFrom,
    sampleSeconds: r.sampleSeconds,
    practiceMaxRt: Number(r.practiceMaxRt),
    lectureMinRt: Number(r.lectureMinRt),
    dialogueMinCh: Number(r.dialogueMinCh),
  }));
}
