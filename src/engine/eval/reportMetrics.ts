// Other per-video metrics beside the critic in `report`: joined to the report's rows by video, correlated with the
// score per prompt × model, added as CSV columns and as an HTML section with a scatter plot per metric.
import { pearson, spearman } from '../store/compareRuns';
import type { RunReport } from '../store/runReport';
import { toCsv } from '../jobs/batchFiles';
import type { MetricsTable } from './extraMetrics';
import { matchVideos } from './matchVideos';

export interface ReportMetrics {
  file: string;
  columns: string[];
  /** Per video (absolute path): its metric values. */
  values: Record<string, Record<string, number>>;
  correlations: Array<{ prompt_id: string; prompt_version: string; model: string; name: string; n: number; pearson: number | null; spearman: number | null }>;
  without_result: Array<{ video: string; line: number }>;
}

/** The metrics of each video (absolute path) that a row of the table names, and the rows that name none or several. */
export function metricsByVideo(table: MetricsTable, videos: readonly string[], videosRoot: string): { values: Record<string, Record<string, number>>; without_result: Array<{ video: string; line: number }> } {
  const match = matchVideos(table.rows, (row) => row.video, [...new Set(videos)], (v) => v, videosRoot);
  const values: Record<string, Record<string, number>> = {};
  for (const { label: row, result: video } of match.pairs) values[video] = row.values;
  return { values, without_result: [...match.unmatched, ...match.ambiguous.map((a) => a.entry)].map((r) => ({ video: r.video, line: r.line })) };
}

export function joinReportMetrics(report: RunReport, table: MetricsTable, videosRoot: string): ReportMetrics {
  const { values, without_result } = metricsByVideo(table, report.rows.map((r) => r.video), videosRoot);
  const correlations: ReportMetrics['correlations'] = [];
  for (const g of report.groups) {
    const rows = report.rows.filter((r) => r.status === 'ok' && r.score !== null && r.prompt_id === g.prompt_id && r.prompt_version === g.prompt_version && r.model === g.model);
    for (const name of table.columns) {
      const pairs = rows.filter((r) => values[r.video]?.[name] !== undefined).map((r) => [r.score!, values[r.video]![name]!] as const);
      const a = pairs.map((p) => p[0]);
      const b = pairs.map((p) => p[1]);
      correlations.push({ prompt_id: g.prompt_id, prompt_version: g.prompt_version, model: g.model, name, n: pairs.length, pearson: pearson(a, b), spearman: spearman(a, b) });
    }
  }
  return { file: table.file, columns: table.columns, values, correlations, without_result };
}

/** The report's CSV with one more column per metric. */
export function reportCsvWithMetrics(report: RunReport, metrics: ReportMetrics): string {
  const lines = toCsv(report.rows).split('\n');
  const out = [`${lines[0]},${metrics.columns.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')}`];
  report.rows.forEach((row, i) => out.push(`${lines[i + 1]},${metrics.columns.map((c) => metrics.values[row.video]?.[c] ?? '').join(',')}`));
  return out.join('\n') + '\n';
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const num = (v: number | null) => (v === null ? '–' : v.toFixed(3));

/** Score (x) against a metric (y, its own range) for one run; at most 3000 points. */
export function metricScatterSvg(points: ReadonlyArray<readonly [number, number]>, name: string): string {
  const w = 280;
  const h = 200;
  const m = 48;
  const ys = points.map((p) => p[1]);
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const span = hi - lo || 1;
  const dots = points
    .slice(0, 3000)
    .map(([x, y]) => `<circle cx="${(m + x * (w - m - 8)).toFixed(1)}" cy="${(h - m - ((y - lo) / span) * (h - m - 8)).toFixed(1)}" r="2.5" fill="#1565c0" fill-opacity="0.6"/>`)
    .join('');
  return `<svg class="metric-scatter" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="critic score against ${esc(name)}"><rect x="${m}" y="8" width="${w - m - 8}" height="${h - m - 8}" fill="none" stroke="#999"/>${dots}<text x="${(w + m) / 2}" y="${h - 4}" font-size="11" text-anchor="middle">critic score</text><text x="${m - 4}" y="14" font-size="10" text-anchor="end">${esc(hi.toPrecision(3))}</text><text x="${m - 4}" y="${h - m}" font-size="10" text-anchor="end">${esc(lo.toPrecision(3))}</text><text x="${m + 4}" y="20" font-size="11">${esc(name)}</text></svg>`;
}

/** The report's HTML with a section for the metrics: correlations and a scatter per metric and run. */
export function reportHtmlWithMetrics(html: string, report: RunReport, metrics: ReportMetrics): string {
  const rows = metrics.correlations.map((c) => `<tr><td>${esc(c.prompt_id)} v${esc(c.prompt_version)} · ${esc(c.model)}</td><td>${esc(c.name)}</td><td>${c.n}</td><td>${num(c.pearson)}</td><td>${num(c.spearman)}</td></tr>`).join('');
  const plots = report.groups
    .flatMap((g) =>
      metrics.columns.map((name) => {
        const points = report.rows.filter((r) => r.status === 'ok' && r.score !== null && r.prompt_id === g.prompt_id && r.prompt_version === g.prompt_version && r.model === g.model && metrics.values[r.video]?.[name] !== undefined).map((r) => [r.score!, metrics.values[r.video]![name]!] as const);
        return points.length ? `<figure>${metricScatterSvg(points, name)}<figcaption>${esc(g.prompt_id)} v${esc(g.prompt_version)} · ${esc(g.model)}</figcaption></figure>` : '';
      }),
    )
    .join('');
  const section = `<section id="metrics"><h2>Other metrics beside the critic</h2><p>From ${esc(metrics.file)}${metrics.without_result.length ? ` · ${metrics.without_result.length} rows name no result` : ''}</p>
<table><thead><tr><th>run</th><th>metric</th><th>videos</th><th>Pearson</th><th>Spearman</th></tr></thead><tbody>${rows}</tbody></table><div style="display:flex;flex-wrap:wrap;gap:1em">${plots}</div></section>\n`;
  return html.replace(/<h2>Videos \(lowest score first\)<\/h2>/, (heading) => section + heading);
}
