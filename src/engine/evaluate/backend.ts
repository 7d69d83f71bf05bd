import type { PromptFile } from '../../promptfile/promptFile';
import type { CriticResult } from '../../shared/result';
import { evaluateVideoRemote, type RemoteEngine } from '../remote/remoteEvaluate';
import type { WorkerPool } from '../jobs/workerPool';
import { evaluateVideo, type EvaluateOptions, type LocalEngine } from './evaluateVideo';

/** Where inference runs: the embedded onnx model, or OpenAI-compatible servers. Both give the same result shape. */
export type Backend = { kind: 'onnx'; engine: LocalEngine } | { kind: 'openai'; remote: RemoteEngine };

export function evaluateWith(backend: Backend, videoPath: string, prompt: PromptFile, options: EvaluateOptions = {}): Promise<CriticResult> {
  return backend.kind === 'onnx' ? evaluateVideo(backend.engine, videoPath, prompt, options) : evaluateVideoRemote(backend.remote, videoPath, prompt, options);
}

/** What a batch can run on: a backend, or local engine workers (one per GPU, or N on the CPU) in their own processes. */
export type JobBackend = Backend | { kind: 'workers'; pool: WorkerPool };

export function evaluateOn(backend: JobBackend, videoPath: string, prompt: PromptFile, options: EvaluateOptions = {}): Promise<CriticResult> {
  return backend.kind === 'workers' ? backend.pool.evaluate(videoPath, prompt, options) : evaluateWith(backend, videoPath, prompt, options);
}
