import { dirname, isAbsolute, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bandWith, DEFAULT_BANDS, type Bands } from '../eval/bands';
import { modelLabelOf, summaryRow, toCsv, type SummaryRow } from '../jobs/batchFiles';
import { ResultStore } from './resultStore';
import { readStoredFile, type StoredFile } from './storedFiles';

export interface ReportGroup {
  prompt_id: string;
  prompt_version: string;
  model: string;
  mode: string;
  count: number;
  /** Of `count`: results with no parsed trial, so no score. */
  unparsed: number;
  failed: number;
  mean_score: number | null;
  median_score: number | null;
  bands: { high: number; medium: number; low: number };
  categories: Record<string, number>;
  /** Ten bins over [0, 1]. */
  histogram: number[];
}

export interface RunReport {
  schema: 'cosmos-critic/report@1';
  generated_at: string;
  results_dir: string;
  /** `unparsed`: no trial's answer could be read (no verdict); `unreadable`: damaged or incomplete files under results/ (listed in `problems`). */
  totals: { results: number; unparsed: number; failed: number; unreadable: number };
  /** Band cut-offs the bands are counted with. */
  bands: Bands;
  groups: ReportGroup[];
  rows: SummaryRow[];
  problems: ResultFileProblem[];
}

const median = (v: number[]) => {
  if (!v.length) return null;
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[(s.length >> 1) - 1]! + s[s.length >> 1]!) / 2;
};

export interface ResultFileRow {
  row: SummaryRow;
  /** One entry per violation (a category may repeat). */
  categories: string[];
}

/** A file under `results/` that cannot be counted: it names the file, what is wrong and what to do. */
export interface ResultFileProblem {
  file: string;
  problem: string;
}

/**
 * One file under `<dir>/results` as a report row: a result, or a recorded failure (`*.failed.json`); a problem naming
 * the file when it is damaged (cut short, not JSON, incomplete, too large); undefined for JSON that is not a result.
 */
export async function readResultRow(file: string, dir: string): Promise<ResultFileRow | ResultFileProblem | undefined> {
  return resultRowOf(await readStoredFile(file), dir);
}

function resultRowOf(read: StoredFile | undefined, dir: string): ResultFileRow | ResultFileProblem | undefined {
  if (!read) return undefined;
  const { file } = read;
  if (read.kind === 'problem') return { file, problem: read.problem };
  if (read.kind === 'failure') {
    const { video, prompt, model, error } = read.failure;
    return { row: { video, prompt_id: prompt.id, prompt_version: String(prompt.version), model, mode: '', status: 'failed', score: null, band: null, anomaly: null, violations: null, categories: '', duration_s: null, error, result_file: null }, categories: [] };
  }
  const result = read.result;
  return { row: summaryRow(result, file, dir, modelLabelOf(result.model)), categories: result.violations.map((v) => v.category) };
}

export const isResultFileProblem = (read: ResultFileRow | ResultFileProblem | undefined): read is ResultFileProblem => read !== undefined && 'problem' in read;

/** Reads every result (and failure) under `<dir>/results` into per-prompt × model statistics and one row per result. */
export async function buildReport(dir: string, bands: Bands = DEFAULT_BANDS): Promise<RunReport> {
  const rows: SummaryRow[] = [];
  const categoriesOf = new Map<SummaryRow, string[]>();
  const problems: ResultFileProblem[] = [];
  const store = new ResultStore(dir);
  await store.readEach(await store.listFiles(), (stored) => {
    const read = resultRowOf(stored, dir);
    if (!read) return;
    if (isResultFileProblem(read)) {
      problems.push(read);
      return;
    }
    if (read.row.score !== null && bands !== DEFAULT_BANDS) read.row.band = bandWith(read.row.score, bands);
    rows.push(read.row);
    categoriesOf.set(read.row, read.categories);
  });
  const groups = new Map<string, ReportGroup & { scores: number[] }>();
  for (const row of rows) {
    const key = `${row.prompt_id}\u0000${row.prompt_version}\u0000${row.model}`;
    let g = groups.get(key);
    if (!g) {
      g = { prompt_id: row.prompt_id, prompt_version: row.prompt_version, model: row.model, mode: row.mode, count: 0, unparsed: 0, failed: 0, mean_score: null, median_score: null, bands: { high: 0, medium: 0, low: 0 }, categories: {}, histogram: new Array(10).fill(0), scores: [] };
      groups.set(key, g);
    }
    if (row.status === 'failed') {
      g.failed++;
      continue;
    }
    g.count++;
    if (row.status === 'unparsed') g.unparsed++;
    g.mode ||= row.mode;
    if (row.score !== null) {
      g.scores.push(row.score);
      g.histogram[Math.min(9, Math.floor(row.score * 10))]!++;
    }
    if (row.band === 'high' || row.band === 'medium' || row.band === 'low') g.bands[row.band]++;
    for (const c of categoriesOf.get(row) ?? []) g.categories[c] = (g.categories[c] ?? 0) + 1;
  }
  return {
    schema: 'cosmos-critic/report@1',
    generated_at: new Date().toISOString(),
    results_dir: dir,
    bands,
    totals: { results: rows.filter((r) => r.status === 'ok').length, unparsed: rows.filter((r) => r.status === 'unparsed').length, failed: rows.filter((r) => r.status === 'failed').length, unreadable: problems.length },
    groups: [...groups.values()].map(({ scores, ...g }) => ({ ...g, mean_score: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null, median_score: median(scores) })),
    rows,
    problems,
  };
}

export const reportCsv = (report: RunReport): string => toCsv(report.rows);

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function histogramSvg(g: ReportGroup, bands: Bands): string {
  const w = 320;
  const h = 120;
  const max = Math.max(1, ...g.histogram);
  const bw = w / 10;
  const bars = g.histogram
    .map((n, i) => {
      const bh = (n / max) * (h - 20);
      const band = bandWith(i / 10, bands);
      const colour = band === 'high' ? '#2e7d32' : band === 'medium' ? '#f9a825' : '#c62828';
      return `<rect x="${i * bw + 1}" y="${h - 14 - bh}" width="${bw - 2}" height="${bh}" fill="${colour}"><title>${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}: ${n}</title></rect>`;
    })
    .join('');
  const cut = (x: number) => `<line x1="${x * w}" x2="${x * w}" y1="0" y2="${h - 14}" stroke="#555" stroke-dasharray="3,3"/>`;
  return `<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="score histogram"><title>Bands: high ≥ ${bands.high}, low &lt; ${bands.low}</title>${bars}${cut(bands.low)}${cut(bands.high)}<text x="0" y="${h - 2}" font-size="10">0</text><text x="${w - 8}" y="${h - 2}" font-size="10">1</text></svg>`;
}

/**
 * The link from the report to a video: `./`-relative with every segment percent-encoded, so that no file name
 * (`javascript:alert(1).mp4`, `a?b#c.mp4`) can become a scheme, a query or anything but a path; else a file: URL.
 */
export function videoHref(video: string, reportFile: string): string {
  const rel = relative(dirname(reportFile), video);
  if (!rel || isAbsolute(rel) || rel.split(/[\\/]/)[0] === '..') return pathToFileURL(video).href;
  return './' + rel.split(/[\\/]/).map(encodeURIComponent).join('/');
}

/** One self-contained HTML file: no scripts or fetches, plots as inline SVG, videos linked by relative file URLs. */
export function reportHtml(report: RunReport, reportFile: string): string {
  const link = (video: string) => videoHref(video, reportFile);
  const groups = report.groups
    .map(
      (g) => `<section><h2>${esc(g.prompt_id)} v${esc(g.prompt_version)} · ${esc(g.model)}</h2>
<p>${g.count} results${g.unparsed ? ` (${g.unparsed} unparsed: no score)` : ''}, ${g.failed} failed · mean ${g.mean_score?.toFixed(3) ?? '–'} · median ${g.median_score?.toFixed(3) ?? '–'} · high ${g.bands.high} · medium ${g.bands.medium} · low ${g.bands.low}</p>
${histogramSvg(g, report.bands ?? DEFAULT_BANDS)}
<p>Violations by category: ${Object.entries(g.categories).map(([c, n]) => `${esc(c)} ${n}`).join(' · ') || 'none'}</p></section>`,
    )
    .join('\n');
  const rows = [...report.rows]
    .sort((a, b) => (a.score ?? -1) - (b.score ?? -1))
    .map(
      (r) => `<tr class="${r.status}"><td><a href="${esc(link(r.video))}">${esc(r.video.split(/[\\/]/).pop())}</a></td><td>${r.status === 'unparsed' ? 'unparsed' : r.score === null ? '' : r.score.toFixed(4)}</td><td>${esc(r.band)}</td><td>${esc(r.anomaly)}</td><td>${r.violations ?? ''}</td><td>${esc(r.categories)}</td><td>${esc(r.prompt_id)} v${esc(r.prompt_version)}</td><td>${esc(r.model)}</td><td>${esc(r.error)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cosmos Critic report</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}tr.failed td{color:#b71c1c}tr.unparsed td{color:#6a1b9a}section{margin-bottom:1.5em}</style></head>
<body><h1>Cosmos Critic report</h1>
<p>${report.totals.results} results, ${report.totals.unparsed ?? 0} unparsed, ${report.totals.failed} failed${report.problems.length ? `, ${report.problems.length} unreadable` : ''} · bands: high ≥ ${(report.bands ?? DEFAULT_BANDS).high}, low &lt; ${(report.bands ?? DEFAULT_BANDS).low} · generated ${esc(report.generated_at)} from ${esc(report.results_dir)}</p>
${report.problems.length ? `<h2>Unreadable result files</h2><ul>${report.problems.map((p) => `<li>${esc(p.file)}: ${esc(p.problem)}</li>`).join('')}</ul>` : ''}
${groups}
<h2>Videos (lowest score first)</h2>
<table><thead><tr><th>video</th><th>score</th><th>band</th><th>anomaly</th><th>violations</th><th>categories</th><th>prompt</th><th>model</th><th>error</th></tr></thead>
<tbody>${rows}</tbody></table></body></html>
`;
}
