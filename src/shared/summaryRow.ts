import type { ResultStatus } from './result';

/** One row of summary.jsonl / summary.csv: a video × prompt × model, finished, unparsed or failed. */
export interface SummaryRow {
  /** Absolute path of the video. */
  video: string;
  prompt_id: string;
  prompt_version: string;
  model: string;
  mode: string;
  /** `unparsed`: the model answered but no trial could be read — no score, band or anomaly. */
  status: ResultStatus;
  score: number | null;
  band: string | null;
  anomaly: string | null;
  violations: number | null;
  /** Violation categories, sorted, joined with ";". */
  categories: string;
  duration_s: number | null;
  error: string | null;
  /** The result file, relative to the results folder ("/"-separated); null for failures. */
  result_file: string | null;
}
