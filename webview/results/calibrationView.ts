import type { CalibrationView } from '../../src/shared/calibrationMessages.js';
import { el, fillSelect, formatPercent, formatStat, svg, svgTitle } from './dom.js';
import { linearScale } from './plotScale.js';
import { baseName } from './tableModel.js';

type EvalRun = CalibrationView['runs'][number];

export interface CalibrationEvents {
  onChooseLabels(): void;
  onChooseMetrics(): void;
  onSaveBands(run: number): void;
  onOpen(video: string, resultFile: string): void;
}

export interface CalibrationPane {
  element: HTMLElement;
  update(report: CalibrationView | null, message: string | null): void;
}

const SIZE = 240;
const MARGIN = 30;
const DISAGREEMENTS_SHOWN = 50;

function plotFrame(id: string, label: string, xLabel: string, yLabel: string): { chart: SVGSVGElement; x: (v: number) => number; y: (v: number) => number } {
  const x = linearScale([0, 1], [MARGIN, SIZE - 8]);
  const y = linearScale([0, 1], [SIZE - MARGIN, 8]);
  const chart = svg('svg', { id, class: 'calibration-plot', viewBox: `0 0 ${SIZE} ${SIZE}`, width: SIZE, height: SIZE, role: 'img', 'aria-label': label });
  chart.append(
    svg('rect', { class: 'scatter-frame', x: x(0), y: y(1), width: x(1) - x(0), height: y(0) - y(1) }),
    svg('line', { class: 'scatter-diagonal', x1: x(0), y1: y(0), x2: x(1), y2: y(1) }),
    svg('text', { class: 'axis-label', x: (x(0) + x(1)) / 2, y: SIZE - 6, 'text-anchor': 'middle' }, xLabel),
    svg('text', { class: 'axis-label', x: 10, y: (y(0) + y(1)) / 2, 'text-anchor': 'middle', transform: `rotate(-90 10 ${(y(0) + y(1)) / 2})` }, yLabel),
    svg('text', { class: 'axis-label', x: x(0), y: y(0) + 14, 'text-anchor': 'middle' }, '0'),
    svg('text', { class: 'axis-label', x: x(1), y: y(0) + 14, 'text-anchor': 'middle' }, '1'),
    svg('text', { class: 'axis-label', x: x(0) - 4, y: y(1) + 4, 'text-anchor': 'end' }, '1'),
  );
  return { chart, x, y };
}

function rocPlot(run: EvalRun): SVGSVGElement {
  const { chart, x, y } = plotFrame('calibration-roc', `ROC curve, AUC ${formatStat(run.roc_auc)}`, 'bad called good (FPR)', 'good called good (TPR)');
  const d = run.roc_curve.map((p, i) => `${i ? 'L' : 'M'}${x(p.fpr).toFixed(1)} ${y(p.tpr).toFixed(1)}`).join('');
  chart.append(svg('path', { class: 'roc-curve', d, 'data-points': run.roc_curve.length }));
  return chart;
}

function reliabilityPlot(run: EvalRun): SVGSVGElement {
  const { chart, x, y } = plotFrame('calibration-reliability', `Reliability diagram, ECE ${formatStat(run.ece)}`, 'score', 'share labelled good');
  for (const bin of run.reliability) {
    if (bin.fraction_good === null) continue;
    chart.append(
      svg(
        'rect',
        { class: 'reliability-bar', x: x(bin.lower) + 1, y: y(bin.fraction_good), width: Math.max(0, x(bin.upper) - x(bin.lower) - 2), height: y(0) - y(bin.fraction_good) },
        svgTitle(`scores ${bin.lower.toFixed(1)}–${bin.upper.toFixed(1)}: ${bin.n} videos, mean score ${formatStat(bin.mean_score)}, ${formatPercent(bin.fraction_good)} labelled good`),
      ),
    );
  }
  return chart;
}

function metricPlot(metric: EvalRun['metrics'][number]): SVGSVGElement {
  const values = metric.points.map((p) => p[1]);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const { chart, x } = plotFrame(`calibration-metric-${metric.name.replace(/[^\w-]/g, '_')}`, `${metric.name} against the critic's score`, 'critic score', metric.name.slice(0, 40));
  const y = linearScale([lo, hi === lo ? lo + 1 : hi], [SIZE - MARGIN, 8]);
  chart.querySelector('.scatter-diagonal')?.remove();
  for (const [score, value] of metric.points) chart.append(svg('circle', { class: 'scatter-point', cx: x(score), cy: y(value), r: 2.5 }, svgTitle(`score ${formatStat(score)}, ${metric.name} ${value}`)));
  return chart;
}

function metricsSection(run: EvalRun): HTMLElement[] {
  if (!run.metrics.length) return [];
  return [
    el('h3', {}, 'Other metrics beside the critic'),
    el(
      'table',
      { id: 'calibration-metrics' },
      el('thead', {}, el('tr', {}, ...['metric', 'videos', 'Pearson', 'Spearman'].map((h) => el('th', {}, h)))),
      el('tbody', {}, ...run.metrics.map((m) => el('tr', { 'data-metric': m.name }, el('td', {}, m.name), el('td', {}, String(m.n)), el('td', {}, formatStat(m.pearson)), el('td', {}, formatStat(m.spearman))))),
    ),
    el('div', { class: 'compare-grid' }, ...run.metrics.filter((m) => m.points.length).map((m) => el('figure', {}, metricPlot(m)))),
  ];
}

function stat(name: string, label: string, value: string, title: string): HTMLElement {
  return el('div', { class: 'stat', 'data-stat': name, title }, el('dt', {}, label), el('dd', {}, value));
}

function statsList(run: EvalRun): HTMLElement {
  const ci = run.roc_auc_ci95 ? ` [${formatStat(run.roc_auc_ci95.low)}, ${formatStat(run.roc_auc_ci95.high)}]` : '';
  const best = run.best_threshold;
  return el(
    'dl',
    { id: 'calibration-stats', class: 'stats' },
    stat('n', 'Labelled videos', `${run.n} (${run.n_good} good, ${run.n_bad} bad)`, 'Labelled videos with a usable score'),
    stat('unscored', 'Without a score', String(run.n_unscored), 'Labelled videos whose result failed or has no parsed trial: left out, never counted as bad'),
    stat('roc_auc', 'ROC AUC', `${formatStat(run.roc_auc)}${ci}`, 'Chance that a good video scores above a bad one, with its bootstrap 95 % interval'),
    stat('pr_auc', 'PR AUC', formatStat(run.pr_auc), 'Average precision of "good" ranked by score'),
    stat('best', 'Best threshold', best ? `${formatStat(best.threshold)} · balanced accuracy ${formatPercent(best.balanced_accuracy)}` : '–', "Youden's J: the cut-off with the highest TPR − FPR"),
    stat('ece', 'ECE / Brier', `${formatStat(run.ece)} / ${formatStat(run.brier)}`, 'Expected calibration error over ten bins, and the mean squared error of the score as a probability'),
    ...(run.n_score_labels ? [stat('correlation', 'Pearson / Spearman', `${formatStat(run.pearson)} / ${formatStat(run.spearman)}`, `Against the ${run.n_score_labels} 1–5 labels`)] : []),
  );
}

function confusionTable(run: EvalRun): HTMLElement {
  const c = run.bands.confusion;
  const row = (label: string, counts: { good: number; bad: number }) => el('tr', {}, el('th', {}, label), el('td', {}, String(counts.good)), el('td', {}, String(counts.bad)));
  return el(
    'div',
    {},
    el('table', { id: 'calibration-confusion', class: 'confusion' }, el('thead', {}, el('tr', {}, el('th', {}, 'band'), el('th', {}, 'labelled good'), el('th', {}, 'labelled bad'))), el('tbody', {}, row(`high (≥ ${run.bands.high})`, c.high), row('medium', c.medium), row(`low (< ${run.bands.low})`, c.low))),
    el('p', { class: 'hint' }, `Accuracy where the bands decide: ${formatPercent(run.bands.accuracy)} over ${formatPercent(run.bands.coverage)} of the videos.`),
  );
}

function timestampsTable(run: EvalRun): HTMLElement {
  const t = run.timestamps;
  if (!t) return el('p', { class: 'hint' }, 'No labelled violation times for these videos.');
  return el(
    'div',
    {},
    el('p', {}, `${t.videos} videos · ${t.predicted} violations reported · ${t.labelled} labelled · mean start error ${t.mean_start_error_s === null ? '–' : `${t.mean_start_error_s.toFixed(2)} s`}`),
    el(
      'table',
      { id: 'calibration-timestamps' },
      el('thead', {}, el('tr', {}, ...['IoU ≥', 'matched', 'precision', 'recall', 'F1'].map((h) => el('th', {}, h)))),
      el('tbody', {}, ...t.at_iou.map((a) => el('tr', {}, el('td', {}, String(a.iou)), el('td', {}, String(a.matched)), el('td', {}, formatStat(a.precision)), el('td', {}, formatStat(a.recall)), el('td', {}, formatStat(a.f1))))),
    ),
  );
}

export function createCalibrationView(events: CalibrationEvents): CalibrationPane {
  const chooseMetrics = el('button', { type: 'button', id: 'calibration-metrics-choose', title: 'A CSV or JSONL file: video plus numeric columns (Sampson error, FVD, FID, …)' }, 'Add Metrics File…');
  chooseMetrics.addEventListener('click', () => events.onChooseMetrics());
  const choose = el('button', { type: 'button', id: 'calibration-choose', title: 'A CSV or JSONL file: video, label (good/bad or 1–5), optional violations' }, 'Choose Labels File…');
  const runSelect = el('select', { id: 'calibration-run', 'aria-label': 'Prompt version and model' });
  const save = el('button', { type: 'button', id: 'calibration-save-bands', title: 'Save the suggested bands, for score/batch/report --bands and this workspace' }, 'Save Suggested Bands…');
  const body = el('div', { id: 'calibration-body' });
  choose.addEventListener('click', () => events.onChooseLabels());
  save.addEventListener('click', () => events.onSaveBands(Number(runSelect.value) || 0));
  let report: CalibrationView | null = null;

  const render = () => {
    const run = report?.runs[Number(runSelect.value) || 0];
    save.hidden = !run;
    runSelect.hidden = !report || report.runs.length < 2;
    if (!report || !run) return;
    const s = run.suggested_bands;
    const list = el('ol', { id: 'calibration-disagreements', class: 'disagreements' });
    for (const d of run.disagreements.slice(0, DISAGREEMENTS_SHOWN)) {
      const item = el(
        'li',
        { class: 'disagreement-row', 'data-video': d.video, tabindex: 0, title: `${d.video}\nClick: open in the player` },
        el('span', { class: 'name' }, baseName(d.video)),
        el('span', { class: 'scores' }, `score ${formatStat(d.score)} · label ${d.label}${d.label_score !== null ? ` (${d.label_score})` : ''} · gap ${formatStat(d.gap)}`),
      );
      item.addEventListener('click', () => events.onOpen(d.video, d.result_file));
      item.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') events.onOpen(d.video, d.result_file);
      });
      list.append(item);
    }
    const counts = report.counts;
    const missing = [
      counts.labels_without_result ? `${counts.labels_without_result} labels name no result` : '',
      counts.labels_ambiguous ? `${counts.labels_ambiguous} name several videos` : '',
      counts.results_without_label ? `${counts.results_without_label} videos have no label` : '',
    ].filter(Boolean);
    body.replaceChildren(
      el('p', { class: 'folder' }, `Labels: ${report.labels_file} (${report.labels_format}, ${report.labels.total} videos)${missing.length ? ` · ${missing.join(' · ')} (not counted)` : ''}`),
      el('div', { class: 'compare-grid' }, el('figure', {}, rocPlot(run), el('figcaption', {}, '"Good" called at each score cut-off.')), el('figure', {}, reliabilityPlot(run), el('figcaption', {}, 'Share labelled good per score bin; the diagonal is perfect calibration.')), statsList(run)),
      el('h3', {}, 'Confusion at the bands'),
      confusionTable(run),
      el('p', { id: 'calibration-suggested' }, `Suggested bands for precision ${s.target_precision}: high ≥ ${formatStat(s.high)} (${formatPercent(s.coverage_high)} of videos), low < ${formatStat(s.low)} (${formatPercent(s.coverage_low)}).`),
      el('h3', {}, 'Violation times'),
      timestampsTable(run),
      ...metricsSection(run),
      el('h3', {}, 'Where critic and label disagree most'),
      run.disagreements.length ? list : el('p', { class: 'hint' }, 'No labelled video with a score.'),
    );
  };
  runSelect.addEventListener('change', render);

  const element = el(
    'section',
    { id: 'calibration-view', class: 'compare', 'aria-label': 'Calibration against labels' },
    el('div', { class: 'toolbar' }, choose, chooseMetrics, runSelect, save),
    body,
  );
  save.hidden = true;
  body.append(el('p', { class: 'hint' }, 'Choose a labels file (CSV or JSONL: video, label as good/bad or a 1–5 score, optional violations with times; or VideoPhy-2’s CSV) to see how far the critic agrees with it.'));

  return {
    element,
    update(next, message) {
      report = next;
      if (next) fillSelect(runSelect, next.runs.map((r, i) => ({ value: String(i), label: `${r.prompt_id} v${r.prompt_version} · ${r.model} (${r.n})` })), runSelect.value);
      if (message) body.replaceChildren(el('p', { class: 'hint', role: 'alert' }, message));
      else render();
    },
  };
}
