// How far to trust the critic: its scores and violation times against a user's labels, per prompt × model run.
import { pearson, spearman } from '../store/compareRuns';
import { DEFAULT_BANDS, type Bands } from './bands';
import { calibration } from './calibration';
import {
  averagePrecision,
  evaluateBands,
  prCurve,
  rocAuc,
  rocAucBootstrap,
  rocCurve,
  suggestBands,
  thinCurve,
  youdenThreshold,
  type Scored,
} from './classification';
import type { LabelsRead, VideoLabel } from './labels';
import type { MetricsTable } from './extraMetrics';
import { matchVideos } from './matchVideos';
import type { ResultsRead, ScoredVideo } from './resultsSource';
import { evaluateTemporal, type Interval } from './temporal';

import { EVAL_SCHEMA, type EvalReport, type EvalRun } from './evalReport';

export { EVAL_SCHEMA, type Disagreement, type EvalReport, type EvalRun, type MetricCorrelation } from './evalReport';

export interface EvalOptions {
  bands?: Bands;
  targetPrecision?: number;
  /** Default: 1,000, fewer for large runs (at least 200, about 2·10⁷ draws in all). */
  bootstrapRounds?: number;
  seed?: number;
  iouThresholds?: number[];
  /** Most disagreeing videos listed per run. */
  disagreementsShown?: number;
  metrics?: MetricsTable;
}

const runKey = (r: ScoredVideo) => `${r.prompt_id}\u0000${r.prompt_version}\u0000${r.model}`;

/** Predicted violations as intervals; one given at a single time spans half a frame gap either side. */
function predictedIntervals(result: ScoredVideo): Interval[] {
  const half = (result.frame_gap_s ?? 0) / 2;
  const seen = new Set<string>();
  const out: Interval[] = [];
  for (const v of result.violations) {
    const end = v.end_s ?? v.start_s;
    const interval = end > v.start_s ? { start_s: v.start_s, end_s: end, category: v.category } : { start_s: Math.max(0, v.start_s - half), end_s: v.start_s + half, category: v.category };
    // Trials of one critique often report the same violation: it counts once.
    const key = `${interval.start_s}\u0000${interval.end_s}\u0000${interval.category}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(interval);
  }
  return out;
}

/** 1,000 rounds up to 20,000 videos; beyond, as many as 2·10⁷ draws allow, never under 200. */
/** A copy for a view: every list cut to `max` entries (the counts stay whole). */
export function trimmedForView(report: EvalReport, max = 200): EvalReport {
  return {
    ...report,
    labels_without_result: report.labels_without_result.slice(0, max),
    labels_ambiguous: report.labels_ambiguous.slice(0, max),
    results_without_label: report.results_without_label.slice(0, max),
    metrics_without_result: report.metrics_without_result.slice(0, max),
    runs: report.runs.map((run) => ({ ...run, unscored: run.unscored.slice(0, max) })),
  };
}

export const defaultBootstrapRounds = (n: number) => Math.max(200, Math.min(1000, Math.floor(2e7 / Math.max(1, n))));

const labelTarget = (label: VideoLabel) => (label.score5 !== null ? (label.score5 - 1) / 4 : label.good ? 1 : 0);

function evaluateRun(pairs: Array<{ label: VideoLabel; result: ScoredVideo }>, metricsByResult: Map<ScoredVideo, Record<string, number>>, metricColumns: string[], options: Required<Omit<EvalOptions, 'metrics' | 'bootstrapRounds'>> & { bootstrapRounds?: number }): EvalRun {
  const first = pairs[0]!.result;
  const scoredPairs = pairs.filter((p) => p.result.score !== null);
  const items: Scored[] = scoredPairs.map((p) => ({ score: p.result.score!, good: p.label.good }));
  const withScore5 = scoredPairs.filter((p) => p.label.score5 !== null);
  const xs = withScore5.map((p) => p.result.score!);
  const ys = withScore5.map((p) => p.label.score5!);
  const temporalPairs = scoredPairs.filter((p) => p.label.violations !== null);
  const cal = calibration(items);
  const metrics = metricColumns.map((name) => {
    const joined = scoredPairs.map((p) => [p.result.score!, metricsByResult.get(p.result)?.[name]] as const).filter((x): x is readonly [number, number] => x[1] !== undefined);
    const a = joined.map((x) => x[0]);
    const b = joined.map((x) => x[1]);
    return { name, n: joined.length, pearson: pearson(a, b), spearman: spearman(a, b), points: thinCurve(joined.map(([x, y]) => [x, y] as [number, number]), 2000) };
  });
  return {
    prompt_id: first.prompt_id,
    prompt_version: first.prompt_version,
    model: first.model,
    mode: pairs.find((p) => p.result.mode)?.result.mode ?? '',
    n: items.length,
    n_good: items.filter((x) => x.good).length,
    n_bad: items.filter((x) => !x.good).length,
    n_unscored: pairs.length - scoredPairs.length,
    unscored: pairs.filter((p) => p.result.score === null).map((p) => ({ video: p.result.video, reason: p.result.unscored_reason ?? 'no score' })),
    roc_auc: rocAuc(items),
    roc_auc_ci95: rocAucBootstrap(items, options.bootstrapRounds ?? defaultBootstrapRounds(items.length), options.seed),
    pr_auc: averagePrecision(items),
    bands: evaluateBands(items, options.bands.high, options.bands.low),
    best_threshold: youdenThreshold(items),
    suggested_bands: suggestBands(items, options.targetPrecision),
    ece: cal.ece,
    brier: cal.brier,
    reliability: cal.bins,
    n_score_labels: withScore5.length,
    pearson: pearson(xs, ys),
    spearman: spearman(xs, ys),
    timestamps: temporalPairs.length ? evaluateTemporal(temporalPairs.map((p) => ({ predicted: predictedIntervals(p.result), labelled: p.label.violations! })), options.iouThresholds) : null,
    metrics,
    roc_curve: thinCurve(rocCurve(items)).map((p) => ({ ...p, threshold: Number.isFinite(p.threshold) ? p.threshold : 1 })),
    pr_curve: thinCurve(prCurve(items)),
    disagreements: scoredPairs
      .map((p) => ({ video: p.result.video, result_file: p.result.result_file, score: p.result.score!, label: p.label.good ? ('good' as const) : ('bad' as const), label_score: p.label.score5, gap: Math.abs(p.result.score! - labelTarget(p.label)) }))
      .sort((a, b) => b.gap - a.gap || a.video.localeCompare(b.video))
      .slice(0, options.disagreementsShown),
  };
}

/** Joins labels (and other metrics) to results by video and evaluates every prompt × model run the folder holds. */
export function evaluateLabels(results: ResultsRead, labels: LabelsRead, options: EvalOptions = {}): EvalReport {
  const settings = {
    bands: options.bands ?? DEFAULT_BANDS,
    targetPrecision: options.targetPrecision ?? 0.9,
    bootstrapRounds: options.bootstrapRounds,
    seed: options.seed ?? 1,
    iouThresholds: options.iouThresholds ?? [0.3, 0.5],
    disagreementsShown: options.disagreementsShown ?? 50,
  };
  const match = matchVideos(labels.labels, (l) => l.video, results.results, (r) => r.video, results.videos_root);
  const metricsByResult = new Map<ScoredVideo, Record<string, number>>();
  let metricsUnmatched: Array<{ video: string; line: number }> = [];
  if (options.metrics) {
    const m = matchVideos(options.metrics.rows, (row) => row.video, results.results, (r) => r.video, results.videos_root);
    for (const { label: row, result } of m.pairs) metricsByResult.set(result, row.values);
    metricsUnmatched = [...m.unmatched, ...m.ambiguous.map((a) => a.entry)].map((row) => ({ video: row.video, line: row.line }));
  }
  const byRun = new Map<string, Array<{ label: VideoLabel; result: ScoredVideo }>>();
  for (const pair of match.pairs) {
    const key = runKey(pair.result);
    const list = byRun.get(key);
    if (list) list.push(pair);
    else byRun.set(key, [pair]);
  }
  const unlabelled = [...new Set(match.unlabelled.map((r) => r.video))].sort();
  const runs = [...byRun.values()].map((pairs) => evaluateRun(pairs, metricsByResult, options.metrics?.columns ?? [], settings));
  runs.sort((a, b) => a.prompt_id.localeCompare(b.prompt_id) || a.prompt_version.localeCompare(b.prompt_version) || a.model.localeCompare(b.model));
  return {
    schema: EVAL_SCHEMA,
    generated_at: new Date().toISOString(),
    results_dir: results.dir,
    videos_root: results.videos_root,
    labels_file: labels.file,
    labels_format: labels.format,
    metrics_file: options.metrics?.file ?? null,
    settings: { bands: settings.bands, target_precision: settings.targetPrecision, bootstrap_rounds: settings.bootstrapRounds ?? null, seed: settings.seed, iou_thresholds: settings.iouThresholds },
    labels: {
      total: labels.labels.length,
      good: labels.labels.filter((l) => l.good).length,
      bad: labels.labels.filter((l) => !l.good).length,
      score_labels: labels.labels.filter((l) => l.score5 !== null).length,
      with_violations: labels.labels.filter((l) => l.violations !== null).length,
    },
    counts: { labels_without_result: match.unmatched.length, labels_ambiguous: match.ambiguous.length, results_without_label: unlabelled.length },
    labels_without_result: match.unmatched.map((l) => ({ video: l.video, line: l.line })),
    labels_ambiguous: match.ambiguous.map((a) => ({ video: a.entry.video, line: a.entry.line, candidates: a.candidates })),
    results_without_label: unlabelled,
    metrics_without_result: metricsUnmatched,
    runs,
  };
}
