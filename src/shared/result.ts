// The result schema (cosmos-critic/result@1): one per video × prompt × model. JSON-facing, snake_case.

import { bandWith, DEFAULT_BANDS } from './bands';

export const RESULT_SCHEMA = 'cosmos-critic/result@1';

export type CriticMode = 'reward' | 'critic';
export type YesNo = 'Yes' | 'No';
export type Band = 'high' | 'medium' | 'low';
export type ParseStatus = 'ok' | 'partial' | 'failed';
/** A result's outcome: `unparsed` when the model answered but no trial could be read — no verdict, no score. */
export type ResultStatus = 'ok' | 'unparsed' | 'failed';

export interface ResultVideo {
  path: string;
  sha256: string;
  duration_s: number;
  width: number;
  height: number;
  fps: number;
}

export interface ResultPrompt {
  id: string;
  version: number | string;
  sha256: string;
  path: string | null;
}

export interface ResultModel {
  backend: 'onnx' | 'openai';
  id: string;
  /** Execution provider actually used: "cpu", "cuda:0", or the endpoint for remote backends. */
  device: string;
  precision?: string;
  /** Local model: the M-RoPE time rule the positions were computed with (`float` or `truncate`). */
  time_rule?: 'float' | 'truncate';
  /** The model profile the run used (reason1, reason1-reward, reason2, cosmos3-reasoner) and where it came from. */
  profile?: string;
  profile_source?: 'flag' | 'setting' | 'model-name' | 'default';
}

export interface ResultSampling {
  /** `overlay` when each frame's time was drawn on a band of `band_height` rows under it. */
  timestamps?: 'overlay';
  band_height?: number;
  rule: 'fps' | 'reward';
  fps: number;
  frames: number;
  width: number;
  height: number;
  frame_times_s: number[];
}

export interface RewardVerdict {
  /** P("No") renormalised over the two answer tokens: higher = more physically plausible. */
  score: number;
  anomaly: YesNo;
  p_yes: number;
  p_no: number;
  band: Band;
}

export interface CritiqueComponent {
  name: string;
  analysis: string;
  anomaly: YesNo | null;
}

export interface CritiqueTrial {
  overview: string | null;
  components: CritiqueComponent[];
  answer: YesNo | null;
  raw: string;
  parse: ParseStatus;
  /** Qwen3-style models: the thinking, from the server's reasoning field or the `<think>` block. */
  reasoning?: string | null;
  /** The server put the whole answer in its reasoning field (a reasoning parser with no `</think>` to split at). */
  answer_from_reasoning?: boolean;
  /** 1–5 plausibility prompts: the score this trial gave (null when none could be read). */
  score_1_5?: number | null;
}

export interface Violation {
  /** Physics category (gravity, collision, …) inferred from the text; "other" when none fits. */
  category: string;
  component: string | null;
  start_s: number | null;
  end_s: number | null;
  description: string;
  /** Index of the trial the violation comes from. */
  trial: number;
  /** A time the model gave that could not be used as written: moved into the clip, start and end swapped, or unreadable. */
  time_issue?: 'clamped' | 'swapped' | 'unreadable';
}

/** 1–5 physical-plausibility scores (VideoPhy-2 protocol): 5 fully plausible, 1 not at all. */
export interface PlausibilityVerdict {
  /** Mean of the trials' scores mapped to 0–1 ((s − 1) / 4), for ranking beside other scores; null when no trial gave one. */
  score: number | null;
  /** Mean of the raw 1–5 scores read; null when none was. */
  raw_mean: number | null;
  /** Each trial's raw score; null where none could be read. */
  raw: Array<number | null>;
}

export interface VideoAnalysis {
  physical_accuracy: { score: number | null; violations: string[]; explanation: string };
  reasoning_chain: { logical_consistency: number; causal_relationships: string; temporal_coherence: string };
  content_quality: { visual_coherence: number; object_permanence: number; scene_understanding: string };
}

export interface CriticVerdict {
  /** Fraction of parsed trials answering "No" (no anomaly); null when none parse (the result is `unparsed`). */
  score: number | null;
  trials: CritiqueTrial[];
}

export interface TimingMs {
  probe: number;
  decode: number;
  vision: number;
  prefill: number;
  generate: number;
  total: number;
}

export interface CriticResult {
  schema: typeof RESULT_SCHEMA;
  video: ResultVideo;
  mode: CriticMode;
  prompt: ResultPrompt;
  /** `unparsed`: no trial's answer could be read, so there is no verdict. Absent in results written before it existed. */
  status?: ResultStatus;
  model: ResultModel;
  sampling: ResultSampling;
  reward?: RewardVerdict;
  video_analysis?: VideoAnalysis;
  critic?: CriticVerdict;
  /** 1–5 plausibility prompts (`answer: score`); `critic.score` carries the same 0–1 value. */
  plausibility?: PlausibilityVerdict;
  violations: Violation[];
  timing_ms: TimingMs;
  /** Critic mode: tokens generated over all trials and the decode rate. */
  generation?: { tokens: number; tokens_per_second: number };
  /** Which expensive stages were served from cache on this run. */
  cache?: { result: boolean; vision_features: boolean };
  created_at: string;
}

/** The band of a score at the default cut-offs (the ones a result records when it is written). */
export function bandOf(score: number): Band {
  return bandWith(score, DEFAULT_BANDS);
}

/** Whether a critique has no parsed trial: the model answered, but nothing in it could be read as a verdict. */
export function isUnparsedCritique(result: Pick<CriticResult, 'mode' | 'critic'>): boolean {
  if (result.mode !== 'critic' || !result.critic) return false;
  return !result.critic.trials.some((t) => t.parse !== 'failed' && t.answer !== null);
}

/** A result's status; results written before `status` existed get it from their trials. */
export function resultStatus(result: Pick<CriticResult, 'mode' | 'critic' | 'status'>): ResultStatus {
  return result.status ?? (isUnparsedCritique(result) ? 'unparsed' : 'ok');
}
