// The evaluation as CSV (one row per run) and as one self-contained HTML file (inline SVG, no scripts, no fetches).
import { dirname, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ReliabilityBin } from './calibration';
import type { CurvePoint } from './classification';
import type { EvalReport, EvalRun } from './evaluateLabels';
import { metricScatterSvg } from './reportMetrics';

const CSV_COLUMNS = [
  'prompt_id', 'prompt_version', 'model', 'mode', 'n', 'n_good', 'n_bad', 'unscored', 'roc_auc', 'roc_auc_ci_low', 'roc_auc_ci_high', 'pr_auc',
  'bands_high', 'bands_low', 'bands_accuracy', 'bands_coverage', 'best_threshold', 'best_balanced_accuracy', 'suggested_high', 'suggested_low',
  'target_precision', 'ece', 'brier', 'n_score_labels', 'pearson', 'spearman', 'timestamp_videos', 'f1_iou_0_3', 'f1_iou_0_5', 'mean_start_error_s',
] as const;

const cell = (value: unknown) => {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? String(Math.round(value * 1e6) / 1e6) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

function csvRow(report: EvalReport, run: EvalRun): Record<(typeof CSV_COLUMNS)[number], unknown> {
  const f1 = (iou: number) => run.timestamps?.at_iou.find((a) => a.iou === iou)?.f1 ?? null;
  return {
    prompt_id: run.prompt_id, prompt_version: run.prompt_version, model: run.model, mode: run.mode, n: run.n, n_good: run.n_good, n_bad: run.n_bad, unscored: run.unscored.length,
    roc_auc: run.roc_auc, roc_auc_ci_low: run.roc_auc_ci95?.low, roc_auc_ci_high: run.roc_auc_ci95?.high, pr_auc: run.pr_auc,
    bands_high: run.bands.high, bands_low: run.bands.low, bands_accuracy: run.bands.accuracy, bands_coverage: run.bands.coverage,
    best_threshold: run.best_threshold?.threshold, best_balanced_accuracy: run.best_threshold?.balanced_accuracy,
    suggested_high: run.suggested_bands.high, suggested_low: run.suggested_bands.low, target_precision: report.settings.target_precision,
    ece: run.ece, brier: run.brier, n_score_labels: run.n_score_labels, pearson: run.pearson, spearman: run.spearman,
    timestamp_videos: run.timestamps?.videos ?? 0, f1_iou_0_3: f1(0.3), f1_iou_0_5: f1(0.5), mean_start_error_s: run.timestamps?.mean_start_error_s,
  };
}

export function evalCsv(report: EvalReport): string {
  const metricNames = [...new Set(report.runs.flatMap((r) => r.metrics.map((m) => m.name)))];
  const header = [...CSV_COLUMNS, ...metricNames.flatMap((m) => [`${m}_pearson`, `${m}_spearman`])];
  const lines = report.runs.map((run) => {
    const row = csvRow(report, run);
    const extra = metricNames.flatMap((name) => {
      const m = run.metrics.find((x) => x.name === name);
      return [m?.pearson, m?.spearman];
    });
    return [...CSV_COLUMNS.map((c) => cell(row[c])), ...extra.map(cell)].join(',');
  });
  return [header.join(','), ...lines].join('\n') + '\n';
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const num = (v: number | null | undefined, digits = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)} %`);

const W = 260;
const H = 260;
const M = 34;
const px = (x: number) => M + x * (W - M - 8);
const py = (y: number) => H - M - y * (H - M - 8);

function frame(label: string, xLabel: string, yLabel: string, body: string): string {
  const ticks = [0, 0.5, 1].map((t) => `<text x="${px(t)}" y="${H - M + 14}" font-size="10" text-anchor="middle">${t}</text><text x="${M - 4}" y="${py(t) + 3}" font-size="10" text-anchor="end">${t}</text>`).join('');
  return `<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label)}"><rect x="${M}" y="8" width="${W - M - 8}" height="${H - M - 8}" fill="none" stroke="#999"/>${ticks}<text x="${(M + W) / 2}" y="${H - 4}" font-size="11" text-anchor="middle">${esc(xLabel)}</text><text x="10" y="${(H - M) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 10 ${(H - M) / 2})">${esc(yLabel)}</text>${body}</svg>`;
}

export function rocSvg(points: readonly CurvePoint[], auc: number | null): string {
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${px(p.fpr).toFixed(1)} ${py(p.tpr).toFixed(1)}`).join('');
  const diagonal = `<line x1="${px(0)}" y1="${py(0)}" x2="${px(1)}" y2="${py(1)}" stroke="#bbb" stroke-dasharray="4,3"/>`;
  return frame(`ROC curve, AUC ${num(auc)}`, 'false positive rate (bad called good)', 'true positive rate', `${diagonal}<path class="roc" d="${path}" fill="none" stroke="#1565c0" stroke-width="2"/>`);
}

export function reliabilitySvg(bins: readonly ReliabilityBin[]): string {
  const bw = (W - M - 8) / bins.length;
  const max = Math.max(1, ...bins.map((b) => b.n));
  const bars = bins
    .map((b, i) => {
      const x = M + i * bw;
      const count = `<rect x="${x + 1}" y="${py(b.n / max / 4)}" width="${bw - 2}" height="${py(0) - py(b.n / max / 4)}" fill="#e0e0e0"><title>${b.n} videos</title></rect>`;
      if (b.fraction_good === null) return count;
      return `${count}<rect class="reliability-bar" x="${x + 3}" y="${py(b.fraction_good)}" width="${bw - 6}" height="${py(0) - py(b.fraction_good)}" fill="#2e7d32" fill-opacity="0.75"><title>scores ${b.lower.toFixed(1)}–${b.upper.toFixed(1)}: ${b.n} videos, mean score ${num(b.mean_score)}, ${pct(b.fraction_good)} good</title></rect>`;
    })
    .join('');
  const diagonal = `<line x1="${px(0)}" y1="${py(0)}" x2="${px(1)}" y2="${py(1)}" stroke="#c62828" stroke-dasharray="4,3"/>`;
  return frame('Reliability diagram', 'score', 'share labelled good', `${bars}${diagonal}`);
}

function confusionTable(run: EvalRun): string {
  const c = run.bands.confusion;
  const row = (name: string, b: { good: number; bad: number }) => `<tr><th>${name}</th><td>${b.good}</td><td>${b.bad}</td></tr>`;
  return `<table class="confusion"><thead><tr><th>band</th><th>labelled good</th><th>labelled bad</th></tr></thead><tbody>${row(`high (≥ ${run.bands.high})`, c.high)}${row('medium', c.medium)}${row(`low (&lt; ${run.bands.low})`, c.low)}</tbody></table>
<p>Accuracy where the bands decide (high = good, low = bad): ${pct(run.bands.accuracy)} over ${pct(run.bands.coverage)} of the videos · precision high ${pct(run.bands.precision_high)} · low ${pct(run.bands.precision_low)}</p>`;
}

function timestampsSection(run: EvalRun): string {
  const t = run.timestamps;
  if (!t) return '<p>No labelled violation times for these videos.</p>';
  const rows = t.at_iou.map((a) => `<tr><td>${a.iou}</td><td>${a.matched}</td><td>${num(a.precision)}</td><td>${num(a.recall)}</td><td>${num(a.f1)}</td><td>${pct(a.category_agreement)}</td></tr>`).join('');
  return `<p>${t.videos} videos · ${t.predicted} violations reported · ${t.labelled} labelled · mean start error ${num(t.mean_start_error_s, 2)} s</p>
<table class="timestamps"><thead><tr><th>temporal IoU ≥</th><th>matched</th><th>precision</th><th>recall</th><th>F1</th><th>same category</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function runSection(report: EvalReport, run: EvalRun, link: (video: string) => string): string {
  const s = run.suggested_bands;
  const metrics = run.metrics.length
    ? `<h3>Other metrics against the critic's score</h3><table><thead><tr><th>metric</th><th>videos</th><th>Pearson</th><th>Spearman</th></tr></thead><tbody>${run.metrics.map((m) => `<tr><td>${esc(m.name)}</td><td>${m.n}</td><td>${num(m.pearson)}</td><td>${num(m.spearman)}</td></tr>`).join('')}</tbody></table><div class="plots">${run.metrics.filter((m) => m.points.length).map((m) => metricScatterSvg(m.points, m.name)).join('')}</div>`
    : '';
  const disagreements = run.disagreements
    .map((d) => `<tr><td><a href="${esc(link(d.video))}">${esc(d.video.split(/[\\/]/).pop())}</a></td><td>${num(d.score)}</td><td>${d.label}${d.label_score !== null ? ` (${d.label_score})` : ''}</td><td>${num(d.gap)}</td></tr>`)
    .join('');
  const unscored = run.unscored.length ? `<p>${run.unscored.length} labelled videos have no usable score (left out above): ${run.unscored.slice(0, 20).map((u) => `${esc(u.video.split(/[\\/]/).pop())} (${esc(u.reason)})`).join(', ')}${run.unscored.length > 20 ? ', …' : ''}</p>` : '';
  return `<section class="run"><h2>${esc(run.prompt_id)} v${esc(run.prompt_version)} · ${esc(run.model)}</h2>
<p class="headline">n ${run.n} (${run.n_good} good, ${run.n_bad} bad) · ROC AUC <b>${num(run.roc_auc)}</b> [${num(run.roc_auc_ci95?.low)}, ${num(run.roc_auc_ci95?.high)}] · PR AUC ${num(run.pr_auc)} · ECE ${num(run.ece)} · Brier ${num(run.brier)}${run.n_score_labels ? ` · against 1–5 labels (${run.n_score_labels}): Pearson ${num(run.pearson)}, Spearman ${num(run.spearman)}` : ''}</p>
${unscored}
<div class="plots"><figure>${rocSvg(run.roc_curve, run.roc_auc)}<figcaption>ROC: "good" called at each score cut-off.</figcaption></figure><figure>${reliabilitySvg(run.reliability)}<figcaption>Reliability: share labelled good per score bin (grey: videos per bin); the dashed line is perfect calibration.</figcaption></figure></div>
<h3>Confusion at the bands</h3>${confusionTable(run)}
<p>Best threshold (Youden's J): ${num(run.best_threshold?.threshold)} · balanced accuracy ${pct(run.best_threshold?.balanced_accuracy)} · TPR ${pct(run.best_threshold?.tpr)} · FPR ${pct(run.best_threshold?.fpr)}</p>
<p>Suggested bands for precision ${report.settings.target_precision}: high ≥ ${num(s.high)} (${pct(s.coverage_high)} of videos, precision ${pct(s.precision_high)}) · low &lt; ${num(s.low)} (${pct(s.coverage_low)}, precision ${pct(s.precision_low)})</p>
<h3>Violation times</h3>${timestampsSection(run)}
${metrics}
<h3>Where critic and label disagree most</h3><table class="disagreements"><thead><tr><th>video</th><th>score</th><th>label</th><th>gap</th></tr></thead><tbody>${disagreements}</tbody></table></section>`;
}

/** The evaluation's sections (labels, what matched, one section per run), for a page of its own or the run report. */
export function evalSectionsHtml(report: EvalReport, reportFile: string): string {
  const link = (video: string) => {
    const rel = relative(dirname(reportFile), video).split(sep).join('/');
    return rel.startsWith('..') || rel.startsWith('/') ? pathToFileURL(video).href : encodeURI(rel);
  };
  const list = (items: string[]) => (items.length ? `<ul>${items.slice(0, 50).map((i) => `<li>${esc(i)}</li>`).join('')}${items.length > 50 ? `<li>… ${items.length - 50} more (see the JSON)</li>` : ''}</ul>` : '');
  return `<p>Labels ${esc(report.labels_file)} (${esc(report.labels_format)}: ${report.labels.total} videos, ${report.labels.good} good, ${report.labels.bad} bad${report.labels.score_labels ? `, ${report.labels.score_labels} with a 1–5 score` : ''}${report.labels.with_violations ? `, ${report.labels.with_violations} with violation times` : ''})${report.metrics_file ? ` · metrics ${esc(report.metrics_file)}` : ''}</p>
<p>${report.counts.labels_without_result} labels name no result · ${report.counts.labels_ambiguous} name several videos · ${report.counts.results_without_label} videos have no label. None of them is guessed or counted.</p>
${list(report.labels_without_result.map((l) => `no result: ${l.video} (line ${l.line})`))}${list(report.labels_ambiguous.map((l) => `several videos: ${l.video} (line ${l.line}): ${l.candidates.join(', ')}`))}
${report.runs.map((run) => runSection(report, run, link)).join('\n')}`;
}

export const EVAL_STYLE = '.plots{display:flex;gap:2em;flex-wrap:wrap}figure{margin:0}figcaption{font-size:12px;color:#555;max-width:260px}section.run{border-top:2px solid #ccc;margin-top:2em}';

/** One HTML file that works offline: plots as inline SVG, videos linked by file URLs relative to the report. */
export function evalHtml(report: EvalReport, reportFile: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cosmos Critic evaluation</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left}${EVAL_STYLE}</style></head>
<body><h1>How far to trust the critic</h1>
<p>Results ${esc(report.results_dir)} · generated ${esc(report.generated_at)}</p>
${evalSectionsHtml(report, reportFile)}
</body></html>
`;
}
