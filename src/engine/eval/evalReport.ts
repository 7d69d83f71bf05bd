// The evaluation report's shape (cosmos-critic/eval@1): types only, no Node, so that the results browser can use them.
import type { Bands } from './bandCutoffs';
import type { ReliabilityBin } from './calibration';
import type { BandsEvaluation, BestThreshold, CurvePoint, PrPoint, SuggestedBands } from './classification';
import type { TemporalEvaluation } from './temporal';

export const EVAL_SCHEMA = 'cosmos-critic/eval@1';

export interface Disagreement {
  video: string;
  result_file: string;
  score: number;
  label: 'good' | 'bad';
  label_score: number | null;
  /** |score − label as a probability| (good = 1, bad = 0; a 1–5 score s as (s − 1) / 4). */
  gap: number;
}

export interface MetricCorrelation {
  name: string;
  n: number;
  pearson: number | null;
  spearman: number | null;
  /** (score, metric value) of up to 2,000 of the videos, for a scatter plot. */
  points: Array<[number, number]>;
}

export interface EvalRun {
  prompt_id: string;
  prompt_version: string;
  model: string;
  mode: string;
  /** Labelled videos with a usable score. */
  n: number;
  n_good: number;
  n_bad: number;
  /** Labelled videos whose result has no usable score (failed, or no trial parsed): never counted as bad. */
  n_unscored: number;
  unscored: Array<{ video: string; reason: string }>;
  roc_auc: number | null;
  roc_auc_ci95: { low: number; high: number; rounds: number } | null;
  pr_auc: number | null;
  bands: BandsEvaluation;
  best_threshold: BestThreshold | null;
  suggested_bands: SuggestedBands;
  ece: number | null;
  brier: number | null;
  reliability: ReliabilityBin[];
  /** Against 1–5 labels, over the videos that have one. */
  n_score_labels: number;
  pearson: number | null;
  spearman: number | null;
  timestamps: TemporalEvaluation | null;
  /** Other metrics against the critic's score. */
  metrics: MetricCorrelation[];
  roc_curve: CurvePoint[];
  pr_curve: PrPoint[];
  disagreements: Disagreement[];
}

export interface EvalReport {
  schema: typeof EVAL_SCHEMA;
  generated_at: string;
  results_dir: string;
  videos_root: string;
  labels_file: string;
  labels_format: string;
  metrics_file: string | null;
  /** bootstrap_rounds: as asked, or null for the default (each run's interval says how many it used). */
  settings: { bands: Bands; target_precision: number; bootstrap_rounds: number | null; seed: number; iou_thresholds: number[] };
  labels: { total: number; good: number; bad: number; score_labels: number; with_violations: number };
  /** How many labels name no result or several videos, and how many results no label names (the lists below). */
  counts: { labels_without_result: number; labels_ambiguous: number; results_without_label: number };
  /** Labels that name no result, or several: listed, never guessed. */
  labels_without_result: Array<{ video: string; line: number }>;
  labels_ambiguous: Array<{ video: string; line: number; candidates: string[] }>;
  /** Results (video paths) that no label names. */
  results_without_label: string[];
  metrics_without_result: Array<{ video: string; line: number }>;
  runs: EvalRun[];
}
