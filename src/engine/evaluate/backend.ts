import type { PromptFile } from '../../promptfile/promptFile';
import type { CriticResult } from '../../shared/result';
import type { EvaluateOptions } from './evaluateTypes';

/** The `backend` a result and a run manifest record: the embedded model (in process or in workers) or a server. */
export type BackendName = 'onnx' | 'openai';

/** How a backend is named in results, manifests and file names. */
export interface BackendLabel {
  backend: BackendName;
  /** The model as result file names and summaries name it (local: `<id>-<precision>`; remote: the served name). */
  model: string;
  /** Where it runs: the device, the workers' devices, or the endpoints. */
  device: string;
}

/** What the status bar shows of a loaded backend. */
export interface BackendInfo {
  /** The local model folder; null for a server. */
  modelPath: string | null;
  device: string;
}

/**
 * Where inference runs: the embedded onnx model, engine worker processes, or OpenAI-compatible servers. Every
 * implementation gives the same result for the same job; callers never ask which one they hold.
 */
export interface Backend {
  readonly label: BackendLabel;
  evaluate(videoPath: string, prompt: PromptFile, options?: EvaluateOptions): Promise<CriticResult>;
  /** Decodes and vision-encodes a job's video into the cache ahead of `evaluate` (a batch's read-ahead); absent where nothing can be prepared here. */
  prepare?(videoPath: string, prompt: PromptFile, signal?: AbortSignal): Promise<unknown>;
  /** The shipped prompt a critique runs when none is chosen. */
  defaultCritiquePrompt(): string;
  info(): BackendInfo;
  /** Lets go of what it holds (worker processes); the backend takes no jobs after. */
  dispose(): Promise<void>;
}
