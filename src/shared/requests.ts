import { NotificationType, RequestType, RequestType0, type WorkDoneProgressParams } from 'vscode-languageserver-protocol';
import type { CriticResult } from './result';
import type { FileError, ProbeOutcome, SamplingOptions } from './video';

/** Settings the extension hands to the critic server when it starts it. */
export interface CriticServerOptions {
  ffmpegPath?: string;
  /** Converted model folder for the local (onnx) backend. */
  modelPath?: string;
  precision?: 'fp32' | 'fp16' | 'q4';
  device?: 'auto' | 'cuda' | 'cpu';
  cudaDeviceId?: number;
  /** Vision-feature and result cache; default ~/.cache/cosmos-critic. */
  cacheDir?: string;
}

export interface ProbeParams {
  /** Absolute file-system paths of the videos. */
  paths: string[];
  sampling?: SamplingOptions;
}

export interface ProbeResponse {
  results: ProbeOutcome[];
}

export const ProbeRequest = new RequestType<ProbeParams, ProbeResponse, void>('critic/probe');

/** One video through the local model: reward (`critic/score`) or critique (`critic/critique`). */
export interface EvaluateParams extends WorkDoneProgressParams {
  path: string;
  /** A prompt file path, or the name of a shipped prompt ("reward", "critic-detailed"). Default by mode. */
  prompt?: string;
  trials?: number;
  seed?: number;
  maxNewTokens?: number;
  force?: boolean;
  /** Echoed in `critic/text` notifications so the client can route streamed text to its panel. */
  jobId?: string;
}

export type EvaluateOutcome = { ok: true; result: CriticResult } | { ok: false; error: FileError };

export const ScoreRequest = new RequestType<EvaluateParams, EvaluateOutcome, void>('critic/score');
export const CritiqueRequest = new RequestType<EvaluateParams, EvaluateOutcome, void>('critic/critique');

/** Streamed critique text, as it is generated. */
export interface TextDeltaParams {
  jobId: string;
  trial: number;
  delta: string;
}
export const TextDeltaNotification = new NotificationType<TextDeltaParams>('critic/text');

/** Which backend and device the server would use, for the status bar. */
export interface BackendInfo {
  backend: 'onnx';
  modelPath: string | null;
  device: string | null;
  error: string | null;
}
export const BackendInfoRequest = new RequestType0<BackendInfo, void>('critic/backendInfo');
