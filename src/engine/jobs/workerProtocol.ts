import type { PromptFile } from '../../promptfile/promptFile';
import type { CriticResult } from '../../shared/result';
import type { ProgressEvent } from '../evaluate/evaluateTypes';
import type { LoadOptions } from '../model/localModel';
import type { Precision } from '../model/modelFolder';
import type { ApiErrorCode } from '../serve/apiError';
import type { CompletionContext, CompletionOutput } from '../serve/completionRun';
import type { CompletionRequest } from '../serve/requestFields';

/** What a job may carry to a worker: the run options without callbacks or signal. */
export interface WorkerJobOptions {
  trials?: number;
  seed?: number;
  maxNewTokens?: number;
  force?: boolean;
}

/** The work a job asks for: a video × prompt (a result), or a chat completion of `cosmos-critic serve`. */
export type JobRequest =
  | { type: 'job'; video: string; prompt: PromptFile; options: WorkerJobOptions }
  | { type: 'complete'; request: CompletionRequest; textTokens: number; context: CompletionContext };

export type ParentMessage =
  | { type: 'init'; modelDir: string; load: LoadOptions; cacheDir: string; ffmpegPath?: string }
  | (JobRequest & { id: number })
  | { type: 'cancel'; id: number };

/** A server's refusal (serve's ApiError), so that its status and code survive the trip. */
export interface ApiErrorFields {
  status: number;
  code: ApiErrorCode;
  param: string | null;
}

export type WorkerMessage =
  | { type: 'ready'; device: string; modelId: string; precision: Precision }
  | { type: 'init-error'; message: string }
  | { type: 'started'; id: number }
  | { type: 'progress'; id: number; event: ProgressEvent }
  | { type: 'generating'; id: number }
  | { type: 'text'; id: number; trial: number; delta: string }
  | { type: 'result'; id: number; result: CriticResult }
  | { type: 'completion'; id: number; output: CompletionOutput }
  | { type: 'error'; id: number; name: string; message: string; api?: ApiErrorFields };
