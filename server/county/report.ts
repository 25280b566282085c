import ExcelJS from 'exceljs';
import { INDICATORS } from '../../shared/county/standards.ts';
import type { CountyReports, Figure } from '../../shared/schemas/county.ts';
import { addTableSheet, esc, localTime, tableCsv, type Table } from '../quotas/report.ts';

/**
 * The county report (coverage, balance, rotation) in the quota report's three forms: XLSX,
 * CSV (one table per file, through the same CSV writer) and a printable page.
 */

const STATUS_ZH: Record<string, string> = { met: '达标', not_met: '未达标', at_risk: '有风险', not_computable: '无法计算' };
const STAGE_ZH: Record<string, string> = { primary: '小学', junior_middle: '初中' };
const REASON_ZH: Record<string, string> = {
  no_pupils: '无在校生数', not_entered: '未填报', too_few_schools: '该学段学校少于两所', zero_mean: '平均值为 0', no_eligible_teachers: '无符合条件教师', no_rotations: '无交流轮岗教师', no_quota_rules: '无适用的配额规则',
};
const QUOTA_ZH: Record<string, string> = { met: '达标', on_track: '进度正常', at_risk: '有风险', will_miss: '将未达标', not_applicable: '不适用' };
const indicatorNames = new Map(INDICATORS.map((i) => [i.code, `${i.nameZh}（${i.unit}）`]));

const fig = (f: Figure, digits = 3) => (f.value === null ? `无法计算：${REASON_ZH[f.reason ?? ''] ?? f.reason}` : Number(f.value.toFixed(digits)));
const pct = (f: Figure) => (f.value === null ? `无法计算：${REASON_ZH[f.reason ?? ''] ?? f.reason}` : `${(f.value * 100).toFixed(1)}%`);

export type CountySheet = 'coverage' | 'balance' | 'schools' | 'rotation' | 'compare';

/** 区县对比 (C-AUDIT-COMPARE): one row per county, then one per community, of a report with several counties. */
function compareTable(d: CountyReports): Table {
  const c = d.comparison ?? { counties: [], communities: [] };
  const status = (f: Figure & { status: string }) => `${fig(f)}（${STATUS_ZH[f.status] ?? f.status}）`;
  return {
    name: '区县对比',
    headers: [
      '层级 Level', '区县 County', '教共体 Community', '市 City', '教共体数 Communities', '配额状态 Quota status', '达标规则 Rules met', '适用规则 Rules applicable', '配额完成度 Attainment',
      '农村学校覆盖 C-COVERAGE-RURAL', '新居民子女学校覆盖 C-COVERAGE-NEW-RESIDENT', '未入共同体学校 Schools left out', '小学综合差异系数 Primary combined CV', '初中综合差异系数 Junior-middle combined CV', '交流比例 Rotation share',
    ],
    rows: [
      ...c.counties.map((x) => [
        '区县 county', x.countyName, '', x.city, x.communities, Object.entries(x.byStatus).filter(([, n]) => n > 0).map(([k, n]) => `${QUOTA_ZH[k]} ${n}`).join('，'), x.rulesMet, x.rulesApplicable, pct(x.attainment),
        STATUS_ZH[x.coverageRural]!, STATUS_ZH[x.coverageNewResident]!, x.schoolsLeftOut, status(x.combinedPrimary), status(x.combinedJuniorMiddle), `${pct(x.rotationShare)}（${STATUS_ZH[x.rotationShare.status]}）`,
      ]),
      ...c.communities.map((x) => ['教共体 community', x.countyName, x.communityName, '', '', QUOTA_ZH[x.status] ?? x.status, x.rulesMet, x.rulesApplicable, pct(x.attainment), '', '', '', '', '', '']),
    ],
  };
}

export function countyTables(d: CountyReports): Record<CountySheet, Table> {
  return {
    compare: compareTable(d),
    coverage: {
      name: '覆盖情况',
      headers: ['区县 County', '规则编号 Rule ID', '状态 Status', '检查学校数 Schools checked', '教学日 School days', '未入共同体学校 School left out', '至今未覆盖教学日 Days out so far', '今后未覆盖教学日 Days out ahead', '时段 Periods'],
      rows: d.counties.flatMap((c) =>
        [c.coverage.rural, c.coverage.newResident].flatMap((cov) =>
          cov.gaps.length
            ? cov.gaps.map((g) => [c.countyName, cov.ruleId, STATUS_ZH[cov.status] ?? cov.status, cov.schoolsChecked, cov.schoolDays, g.name, g.daysOut, g.daysOutAhead, g.ranges.map((r) => `${r.from}~${r.to}（${r.days}天）`).join('；')])
            : [[c.countyName, cov.ruleId, STATUS_ZH[cov.status] ?? cov.status, cov.schoolsChecked, cov.schoolDays, '', 0, 0, '']],
        ),
      ),
    },
    balance: {
      name: '校际差异系数',
      headers: ['区县 County', '学段 Stage', '指标 Indicator', '差异系数 CV', '县域均值 Mean', '国家标准值 Standard', '系数上限 Threshold', '状态 Status', '规则 Rule'],
      rows: d.counties.flatMap((c) =>
        c.balance.stages.flatMap((s) => [
          ...s.indicators.map((i) => [c.countyName, STAGE_ZH[s.stage]!, indicatorNames.get(i.code as never) ?? i.code, fig(i), i.mean === null ? '' : Number(i.mean.toFixed(2)), i.standard, s.threshold, STATUS_ZH[i.status]!, `${c.balance.standardId} B-CV-INDICATOR`]),
          [c.countyName, STAGE_ZH[s.stage]!, `综合差异系数 Combined（拉高系数的学校：${s.pullingUp.map((p) => p.name).join('、') || '无'}）`, fig(s.combined), '', '', s.threshold, STATUS_ZH[s.combinedStatus]!, `${c.balance.standardId} B-CV-COMBINED`],
        ]),
      ),
    },
    schools: {
      name: '各校指标',
      headers: ['区县 County', '学段 Stage', '学校 School', '在校生 Pupils', ...INDICATORS.map((i) => `${i.nameZh} ${i.nameEn}`), '达标项数 Indicators met', '低于85%项数 Below 85 %', '每校至少6项达标 Six of seven (B-SCHOOL-STANDARD)', '拉高系数程度 Pull', '平台计数 Counted by the platform'],
      rows: d.counties.flatMap((c) =>
        c.balance.stages.flatMap((s) =>
          s.schools.map((x) => [
            c.countyName, STAGE_ZH[s.stage]!, x.name, x.pupils,
            ...x.values.map((v) => (v.value === null ? `无法计算：${REASON_ZH[v.reason ?? ''] ?? v.reason}` : `${Number(v.value.toFixed(2))}${v.meetsStandard ? '' : ' ✗'}`)),
            x.meets, x.belowFloor, x.schoolRuleMet === null ? '无法计算' : x.schoolRuleMet ? '是' : '否', x.pull === null ? '' : Number(x.pull.toFixed(3)),
            x.values.filter((v) => v.source === 'platform').map((v) => indicatorNames.get(v.code as never) ?? v.code).join('、'),
          ]),
        ),
      ),
    },
    rotation: {
      name: '交流轮岗',
      headers: ['区县 County', '教师 Teacher', '骨干 Backbone', '原学校 From', '交流至 To', '开始 From date', '结束 To date', '来源 Source', '符合条件教师 Eligible', '交流比例 Share', '骨干占比 Backbone share', '状态 Status', '标准 Standard'],
      rows: d.counties.flatMap((c) => {
        const r = c.rotation;
        const summary = [r.eligible, pct(r.share), pct(r.backboneShare), `R-ROTATION-SHARE ${STATUS_ZH[r.shareStatus]}（≥${r.minShare * 100}%）；R-ROTATION-BACKBONE ${STATUS_ZH[r.backboneStatus]}（≥${r.minBackboneShare * 100}%）`, r.standardId];
        return r.entries.length
          ? r.entries.map((e) => [c.countyName, e.teacherName, e.backbone ? '是' : '', e.fromSchool, e.toSchool, e.startsOn, e.endsOn, e.source === 'dispatch' ? '骨干教师派驻 dispatch' : '交流轮岗 rotation', ...summary])
          : [[c.countyName, '', '', '', '', '', '', '', ...summary]];
      }),
    },
  };
}

/** One county by its name; several of one city (a city auditor's) as the city with its counties. */
function whose(d: CountyReports): string {
  if (d.counties.length === 1) return d.counties[0]!.countyName;
  const cities = new Set(d.counties.map((c) => `${c.province}${c.city}`));
  return cities.size === 1 ? `${d.counties[0]!.city}（${d.counties.map((c) => c.countyName).join('、')}）` : `${d.counties.length} 个区县`;
}

const title = (d: CountyReports) => `${whose(d)} ${d.academicYear} 学年县域均衡报告`;

export async function countyXlsx(d: CountyReports): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'tongbu 同步';
  wb.title = title(d);
  const info = wb.addWorksheet('报告信息');
  info.addRows([
    ['报告 Report', title(d)],
    ['学年 Academic year', d.academicYear],
    ['统计日期 As of', d.today],
    ['生成时间 Generated', localTime(new Date().toISOString())],
    ['说明 Note', `差异系数按《县域义务教育优质均衡发展督导评估办法》以在校生数加权计算；综合差异系数为 7 项指标差异系数的平均值。九年一贯制学校同时计入小学与初中。教师、骨干、体艺教师与多媒体教室未填报时按平台登记计数（见"平台计数"列）。符合交流条件教师按平台登记的全部教师计。`],
  ]);
  info.getColumn(1).width = 22;
  info.getColumn(2).width = 90;
  const { compare, ...tables } = countyTables(d);
  if (d.comparison) addTableSheet(wb, compare);
  for (const t of Object.values(tables)) addTableSheet(wb, t);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export const countyCsv = (d: CountyReports, sheet: CountySheet): Buffer => tableCsv(countyTables(d)[sheet]);

export function countyHtml(d: CountyReports): string {
  const t = countyTables(d);
  const table = (x: Table, cls: string) =>
    `<table class="${cls}"><thead><tr>${x.headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${x.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title(d))}</title>
<style>
  body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; color: #111; margin: 24px; font-size: 12px; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 24px 0 8px; border-bottom: 1px solid #999; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 12px; }
  th, td { border: 1px solid #999; padding: 3px 5px; text-align: left; vertical-align: top; } th { background: #eee; }
  .sign { display: flex; gap: 48px; margin-top: 40px; } .sign div { flex: 1; border-top: 1px solid #111; padding-top: 4px; }
  @page { size: A4 landscape; margin: 12mm; }
  @media print { body { margin: 0; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
</style></head>
<body>
<h1>${esc(title(d))}</h1>
<div class="meta">学年 Academic year ${esc(d.academicYear)} · 统计日期 As of ${esc(d.today)}</div>
${d.comparison ? `<h2>区县对比 Counties side by side</h2>\n${table(t.compare, 'compare')}` : ''}
<h2>农村学校与新居民子女学校覆盖 Coverage</h2>
${table(t.coverage, 'coverage')}
<h2>校际差异系数 Balance (coefficient of variation)</h2>
${table(t.balance, 'balance')}
<h2>各校资源配置指标 Indicators per school</h2>
${table(t.schools, 'schools')}
<h2>教师交流轮岗 Teacher rotation</h2>
${table(t.rotation, 'rotation')}
<div class="sign"><div>填报单位（盖章） Reporting office</div><div>审核人签字 Auditor</div><div>日期 Date</div></div>
</body></html>`;
}
