import type { PromptFile } from '../../promptfile/promptFile';
import type { CriticResult } from '../../shared/result';
import { evaluateVideoRemote, type RemoteEngine } from '../remote/remoteEvaluate';
import { evaluateVideo, type EvaluateOptions, type LocalEngine } from './evaluateVideo';

/** Where inference runs: the embedded onnx model, or OpenAI-compatible servers. Both give the same result shape. */
export type Backend = { kind: 'onnx'; engine: LocalEngine } | { kind: 'openai'; remote: RemoteEngine };

export function evaluateWith(backend: Backend, videoPath: string, prompt: PromptFile, options: EvaluateOptions = {}): Promise<CriticResult> {
  return backend.kind === 'onnx' ? evaluateVideo(backend.engine, videoPath, prompt, options) : evaluateVideoRemote(backend.remote, videoPath, prompt, options);
}
