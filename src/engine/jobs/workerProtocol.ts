import type { PromptFile } from '../../promptfile/promptFile';
import type { CriticResult } from '../../shared/result';
import type { ProgressEvent } from '../evaluate/evaluateTypes';
import type { LoadOptions } from '../model/localModel';
import type { Precision } from '../model/modelFolder';

/** What a job may carry to a worker: the run options without callbacks or signal. */
export interface WorkerJobOptions {
  trials?: number;
  seed?: number;
  maxNewTokens?: number;
  force?: boolean;
}

export type ParentMessage =
  | { type: 'init'; modelDir: string; load: LoadOptions; cacheDir: string; ffmpegPath?: string }
  | { type: 'job'; id: number; video: string; prompt: PromptFile; options: WorkerJobOptions }
  | { type: 'cancel'; id: number };

export type WorkerMessage =
  | { type: 'ready'; device: string; modelId: string; precision: Precision }
  | { type: 'init-error'; message: string }
  | { type: 'started'; id: number }
  | { type: 'progress'; id: number; event: ProgressEvent }
  | { type: 'text'; id: number; trial: number; delta: string }
  | { type: 'result'; id: number; result: CriticResult }
  | { type: 'error'; id: number; name: string; message: string };
