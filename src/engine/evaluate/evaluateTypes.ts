/** What every backend's `evaluate` takes and reports: the run options and the progress events of one job. */

export type Stage = 'probe' | 'decode' | 'vision' | 'prefill' | 'generate';

export interface ProgressEvent {
  stage: Stage;
  trial?: number;
  trials?: number;
  tokens?: number;
  tokensPerSecond?: number;
}

export interface EvaluateOptions {
  /** Critic trials (sampled critiques); defaults to the prompt's `trials`, else 1. */
  trials?: number;
  seed?: number;
  maxNewTokens?: number;
  /** Re-run even when a result for the same inputs is cached. */
  force?: boolean;
  onProgress?: (event: ProgressEvent) => void;
  onText?: (trial: number, delta: string) => void;
  signal?: AbortSignal;
}
