import ExcelJS from 'exceljs';
import { wholeWeeksLeft, type QuotaAdvice, type RuleProgress } from '../../shared/quotas/progress.ts';
import type { CommunityProgress, CountedItemView, QuotaCorrection } from '../../shared/schemas/quotas.ts';
import type { Actor } from '../accounts/actor.ts';
import { listClosures } from './closures.ts';
import { listCorrections } from './corrections.ts';
import { communitiesOf } from './facts.ts';
import { communityYear, progressOf, visibleFilter, type QuotaContext } from './service.ts';
import { rollups } from './progress.ts';
import { quotaSnapshots } from '../db/schema/index.ts';
import { inArray } from 'drizzle-orm';
import { loadYears, pickYear } from './years.ts';
import { regionName } from '../../shared/quotas/regions.ts';
import { toZoned } from '../../shared/schedule/time.ts';
import { csvFile, spreadsheetCell } from '../http/spreadsheetCell.ts';

/**
 * The county's yearly report, in three forms from one gathering: XLSX (a sheet of
 * community × rule, and evidence sheets: counted items with their evidence references,
 * corrections, member-school participation), CSV (one of those tables per file, UTF-8
 * with BOM so that Excel on Chinese Windows opens it) and a printable HTML page a bureau
 * can file (print CSS, signature lines). A closed year reports its frozen numbers.
 */

export interface ReportData {
  title: string;
  countyNames: string[];
  academicYear: string;
  today: string;
  generatedAt: string;
  closed: { closedAt: string; closedBy: string | null } | null;
  communities: { progress: CommunityProgress; items: CountedItemView[] }[];
  corrections: QuotaCorrection[];
  rollups: ReturnType<typeof rollups>;
}

/** An instant as the bureau reads it: `2026-12-04 16:05` in the schools' zone (the report's readers are there, not in UTC). */
export function localTime(iso: string, timeZone = 'Asia/Shanghai'): string {
  const z = toZoned(iso, timeZone);
  return `${z.date} ${z.time}`;
}

/** A rule set as the client names it: `city:嘉兴市` v1 → "嘉兴市 v1", `county:<code>` → the county's name. */
export function ruleSetLabel(p: Pick<CommunityProgress, 'ruleSet' | 'countyName'>): string {
  return p.ruleSet ? `${regionName(p.ruleSet.region, { defaultName: '默认', countyName: p.countyName })} v${p.ruleSet.version}` : '';
}

const STATUS_ZH: Record<string, string> = { met: '已达标', on_track: '按计划可达标', at_risk: '有风险', will_miss: '将无法达标', not_applicable: '不适用' };
const KIND_ZH: Record<string, string> = { sync_lesson: '同步课堂', online_research: '网络研修', offline_research: '线下教研' };

export function adviceZh(r: Pick<RuleProgress, 'metric' | 'advice'>): string {
  const a: QuotaAdvice | null = r.advice;
  if (!a) return '';
  const before = a.before ? `，须在 ${a.before} 前完成` : '，本学年已无教学周';
  switch (r.metric) {
    case 'sync_lessons':
      return `还需 ${a.more} 节同步课${before}`;
    case 'sync_subjects':
      return `还需 ${a.newSubjects ?? a.more} 个新学科的同步课${before}`;
    case 'online_research':
      return `还需 ${a.more} 次网络研修${before}`;
    case 'offline_research':
      return `还需 ${a.more} 次线下教研${before}`;
    case 'dispatch_coverage':
      return `还需向 ${a.schools?.map((s) => s.name).join('、') ?? a.more + ' 所成员校'} 派驻骨干教师${before}`;
  }
}

export async function reportData(ctx: QuotaContext, actor: Actor, q: { countyId?: string | undefined; academicYear?: string | undefined }): Promise<ReportData> {
  const filter = visibleFilter(actor, q.countyId);
  const year = pickYear(await loadYears(ctx.db), ctx.today(), q.academicYear);
  const communities = await communitiesOf(ctx.db, filter);
  const progress = await progressOf(ctx, communities, year);
  const closures = (await listClosures(ctx.db, actor, { academicYear: year.label })).filter((c) => !c.reopenedAt && communities.some((x) => x.countyId === c.countyId));
  const frozenItems = new Map<string, CountedItemView[]>();
  if (closures.length) {
    for (const s of await ctx.db.select().from(quotaSnapshots).where(inArray(quotaSnapshots.closureId, closures.map((c) => c.id)))) frozenItems.set(s.communityId, s.items as CountedItemView[]);
  }
  const rows: ReportData['communities'] = [];
  for (const p of progress) {
    const ci = communities.find((c) => c.id === p.communityId)!;
    rows.push({ progress: p, items: p.frozen ? (frozenItems.get(p.communityId) ?? []) : (await communityYear(ctx, ci, year)).items });
  }
  const countyNames = [...new Set(communities.map((c) => c.countyName))];
  const allClosed = closures.length > 0 && countyNames.length === 1;
  return {
    title: `${countyNames.length === 1 ? countyNames[0] : countyNames.length ? `${countyNames.length} 个区县` : ''} ${year.label} 学年城乡教共体年度指标报告`.trim(),
    countyNames,
    academicYear: year.label,
    today: ctx.today(),
    generatedAt: new Date().toISOString(),
    closed: allClosed ? { closedAt: closures[0]!.closedAt, closedBy: closures[0]!.closedBy } : null,
    communities: rows,
    corrections: (await listCorrections(ctx.db, actor, { academicYear: year.label })).filter((c) => communities.some((x) => x.id === c.communityId)),
    rollups: rollups(progress),
  };
}

// ---- tables (shared by XLSX, CSV and HTML) -------------------------------------------------------

/**
 * The items a rule counted: the stored progress carries no item list (the tallies are
 * grouped), so it comes from the community's counted items and the rules each counts for.
 */
function countedItemIds(r: RuleProgress, items: readonly CountedItemView[]): string[] {
  if (r.itemIds.length) return r.itemIds;
  return items.filter((i) => i.ruleIds.includes(r.ruleId)).map((i) => i.id);
}

export type Table = { name: string; headers: string[]; rows: (string | number | null)[][] };

export function tables(d: ReportData): Record<'rules' | 'items' | 'corrections' | 'participation', Table> {
  return {
    rules: {
      name: '指标汇总',
      headers: ['省 Province', '市 City', '区县 County', '教共体 Community', '类型 Type', '规则编号 Rule ID', '规则 Rule', '要求 Required', '已计数 Counted', '其中更正 From corrections', '已安排 Planned', '剩余教学周 Weeks left', '状态 Status', '状态码 Status code', '建议 Advice', '规则版本 Rule set', '计数项 Counted item IDs'],
      rows: d.communities.flatMap(({ progress: p, items }) =>
        p.rules.map((r) => [
          p.province, p.city, p.countyName, p.communityName, p.typeCode, r.ruleId, r.nameZh, r.required, r.counted, r.fromCorrections, r.planned, wholeWeeksLeft(r.termWeeksLeft),
          STATUS_ZH[r.status] ?? r.status, r.status, adviceZh(r), ruleSetLabel(p), countedItemIds(r, items).join(' '),
        ]),
      ),
    },
    items: {
      name: '计数明细',
      headers: ['教共体 Community', '类别 Kind', '日期 Date', '名称 Title', '学科 Subject', '形式 Mode', '来源 Source', '参与成员校 Member schools', '计入规则 Counts for', '证据区间数 Evidence intervals', '判定规则 Verdict rules passed', '录像 Recordings', '附件 Attachments', '纪要 Minutes', '证据编号 Evidence reference', '更正理由 Correction reason'],
      rows: d.communities.flatMap(({ progress: p, items }) =>
        items.map((i) => [
          p.communityName, KIND_ZH[i.kind] ?? i.kind, i.on, i.title, i.subjectCode, i.mode, i.source === 'correction' ? '更正 correction' : '平台证据 evidence', i.memberSchools.join('、'), i.ruleIds.join(' '),
          i.evidence.intervals, i.evidence.verdictRuleIds.join(' '), i.evidence.recordings, i.evidence.attachments, i.evidence.minutes ? '有' : '', `${i.source === 'correction' ? 'correction' : i.kind === 'offline_research' ? 'offline_research' : 'session'}/${i.id}`, i.reason,
        ]),
      ),
    },
    corrections: {
      name: '更正记录',
      headers: ['教共体 Community', '类别 Kind', '日期 Date', '名称 Title', '学科 Subject', '成员校 Schools', '理由 Reason', '附件 Attachments', '提交人 By', '提交时间 At', '编号 ID'],
      rows: d.corrections.map((c) => [c.communityName, KIND_ZH[c.kind] ?? c.kind, c.heldOn, c.title, c.subjectCode, c.schools.map((s) => s.name).join('、'), c.reason, c.attachments.map((a) => a.fileName).join('、'), c.createdBy, localTime(c.createdAt), c.id]),
    },
    participation: {
      name: '成员校参与',
      headers: ['教共体 Community', '成员校 Member school', '参与同步课节数 Lessons taken part in', '未参与预警 Flagged'],
      rows: d.communities.flatMap(({ progress: p }) => p.memberSchools.map((m) => [p.communityName, m.name, m.lessons, m.flagged ? '是 yes' : ''])),
    },
  };
}

export async function toXlsx(d: ReportData): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'tongbu 同步';
  wb.created = new Date(d.generatedAt);
  wb.title = d.title;
  const info = wb.addWorksheet('报告信息');
  const infoRows = [
    ['报告 Report', d.title],
    ['学年 Academic year', d.academicYear],
    ['统计日期 As of', d.today],
    ['生成时间 Generated', localTime(d.generatedAt)],
    ['状态 State', d.closed ? `已关账 closed ${localTime(d.closed.closedAt)}${d.closed.closedBy ? ` by ${d.closed.closedBy}` : ''}` : '未关账（数字随平台数据更新） open'],
    ['说明 Note', '计数仅包括平台判定为已完成的课程与研修、已确认的线下教研，以及协调员提交并附证明材料的更正（单列）。'],
  ];
  info.addRows(infoRows.map((r) => r.map(spreadsheetCell)));
  info.getColumn(1).width = 22;
  info.getColumn(2).width = 80;
  for (const t of Object.values(tables(d))) addTableSheet(wb, t);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** One table as a worksheet: bold frozen header row, user text never a formula. */
export function addTableSheet(wb: ExcelJS.Workbook, t: Table): void {
  const ws = wb.addWorksheet(t.name);
  ws.addRow(t.headers).font = { bold: true };
  ws.addRows(t.rows.map((r) => r.map(spreadsheetCell)));
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  t.headers.forEach((h, i) => (ws.getColumn(i + 1).width = Math.min(40, Math.max(10, h.length + 2))));
}

export function toCsv(d: ReportData, sheet: keyof ReturnType<typeof tables>): Buffer {
  return tableCsv(tables(d)[sheet]);
}

/** One table as a CSV file (every CSV the server writes goes through here). */
export function tableCsv(t: Table): Buffer {
  return csvFile([t.headers, ...t.rows]);
}

export const esc = (v: unknown) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function toHtml(d: ReportData): string {
  const t = tables(d);
  const table = (x: Table, cls: string, cols?: number[]) => {
    const pick = <T,>(r: T[]) => (cols ? cols.map((i) => r[i]!) : r);
    return `<table class="${cls}"><thead><tr>${pick(x.headers).map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${x.rows
      .map((r) => `<tr>${pick(r).map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  };
  const summary = d.communities
    .map(({ progress: p }) => `<tr data-community="${esc(p.communityId)}" data-status="${esc(p.status)}"><td>${esc(p.countyName)}</td><td>${esc(p.communityName)}</td>${p.rules
      .map((r) => `<td class="s-${esc(r.status)}" data-rule="${esc(r.ruleId)}">${r.status === 'not_applicable' ? '—' : `${esc(r.counted)}/${esc(r.required)}`}</td>`)
      .join('')}<td class="s-${esc(p.status)}">${esc(STATUS_ZH[p.status])}</td></tr>`)
    .join('');
  const ruleHeads = d.communities[0]?.progress.rules.map((r) => `<th>${esc(r.nameZh)}<br><small>${esc(r.ruleId)}</small></th>`).join('') ?? '';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(d.title)}</title>
<style>
  body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; color: #111; margin: 24px; font-size: 12px; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 24px 0 8px; border-bottom: 1px solid #999; }
  .meta { color: #444; margin-bottom: 12px; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 12px; }
  th, td { border: 1px solid #999; padding: 3px 5px; text-align: left; vertical-align: top; }
  th { background: #eee; }
  .s-met { background: #e6f4ea; } .s-on_track { background: #eef4fb; } .s-at_risk { background: #fff4e0; } .s-will_miss { background: #fde8e8; }
  .sign { display: flex; gap: 48px; margin-top: 40px; } .sign div { flex: 1; border-top: 1px solid #111; padding-top: 4px; }
  @page { size: A4 landscape; margin: 12mm; }
  @media print { body { margin: 0; } h2 { break-after: avoid; } tr { break-inside: avoid; } .page { break-before: page; } }
</style></head>
<body>
<header>
<h1>${esc(d.title)}</h1>
<div class="meta">学年 Academic year ${esc(d.academicYear)} · 统计日期 As of ${esc(d.today)} · 生成 Generated ${esc(localTime(d.generatedAt))} · ${d.closed ? `已关账 Closed ${esc(localTime(d.closed.closedAt))}` : '未关账 Open (numbers follow the platform)'}</div>
</header>
<h2>指标汇总 Summary</h2>
<table class="summary"><thead><tr><th>区县</th><th>教共体</th>${ruleHeads}<th>总体</th></tr></thead><tbody>${summary}</tbody></table>
<h2>区域汇总 Roll-up</h2>
<table class="rollup"><thead><tr><th>层级</th><th>名称</th><th>教共体数</th><th>已达标</th><th>按计划</th><th>有风险</th><th>将无法达标</th></tr></thead><tbody>${d.rollups
    .map((r) => `<tr><td>${esc({ province: '省', city: '市', county: '区县' }[r.level])}</td><td>${esc(r.name)}</td><td>${r.communities}</td><td>${r.byStatus.met}</td><td>${r.byStatus.on_track}</td><td>${r.byStatus.at_risk}</td><td>${r.byStatus.will_miss}</td></tr>`)
    .join('')}</tbody></table>
<h2>各规则明细 Rules per community</h2>
${table(t.rules, 'rules', [3, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15])}
<h2 class="page">计数明细与证据 Counted items and their evidence</h2>
${table(t.items, 'items', [0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 14])}
<h2>更正记录 Corrections</h2>
${d.corrections.length ? table(t.corrections, 'corrections', [0, 1, 2, 3, 5, 6, 7, 8, 9]) : '<p>无 None</p>'}
<h2>成员校参与 Member-school participation</h2>
${table(t.participation, 'participation')}
<div class="sign"><div>填报单位（盖章） Reporting office</div><div>审核人签字 Auditor</div><div>日期 Date</div></div>
</body></html>`;
}
