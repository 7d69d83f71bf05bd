import { type CancellationToken, type Connection, type WorkDoneProgressReporter } from 'vscode-languageserver/node';
import type { ProgressEvent } from '../engine/evaluate/evaluateTypes';
import { loadPrompt } from '../engine/evaluate/shippedPrompts';
import { TextDeltaNotification, type EvaluateOutcome, type EvaluateParams } from '../shared/requests';
import { abortSignalFor } from './cancellation';
import { cancelledError, fileErrorOf } from './fileError';
import type { EngineHost } from './engineHost';

function progressMessage(e: ProgressEvent): string {
  if (e.stage !== 'generate') return { probe: 'Probing', decode: 'Decoding frames', vision: 'Encoding video', prefill: 'Reading prompt' }[e.stage];
  const rate = e.tokensPerSecond ? ` · ${e.tokensPerSecond.toFixed(1)} tok/s` : '';
  return `Generating (trial ${(e.trial ?? 0) + 1}/${e.trials ?? 1}, ${e.tokens ?? 0} tokens${rate})`;
}

/** `critic/score` and `critic/critique`: one video, with work-done progress, streamed text and cancellation. */
export function createEvaluateHandler(connection: Connection, host: EngineHost, mode: 'reward' | 'critic') {
  return async (params: EvaluateParams, token: CancellationToken): Promise<EvaluateOutcome> => {
    const signal = abortSignalFor(token);
    // Custom requests get no reporter from vscode-languageserver; attach one when the client sent a token.
    const workDone: WorkDoneProgressReporter | undefined = params.workDoneToken !== undefined ? connection.window.attachWorkDoneProgress(params.workDoneToken) : undefined;
    workDone?.begin(mode === 'reward' ? 'Scoring video' : 'Critiquing video', undefined, undefined, true);
    try {
      const prompt = loadPrompt(params.prompt ?? (mode === 'reward' ? 'reward' : 'critic-detailed'));
      if (prompt.mode !== mode) {
        return { ok: false, error: { file: prompt.path ?? params.path, message: `${prompt.path}: is a ${prompt.mode} prompt; this command needs a ${mode} prompt`, code: 'prompt-invalid' } };
      }
      const backend = await host.backend();
      const result = await backend.evaluate(params.path, prompt, {
        trials: params.trials,
        seed: params.seed,
        maxNewTokens: params.maxNewTokens,
        force: params.force,
        signal,
        onProgress: (e) => workDone?.report(progressMessage(e)),
        onText: (trial, delta) => params.jobId && void connection.sendNotification(TextDeltaNotification, { jobId: params.jobId, trial, delta }),
      });
      return { ok: true, result, resultFile: null };
    } catch (err) {
      if (signal.aborted) throw cancelledError('cancelled');
      return { ok: false, error: fileErrorOf(params.path, err) };
    } finally {
      workDone?.done();
    }
  };
}
