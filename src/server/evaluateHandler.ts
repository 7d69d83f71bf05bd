import { resolve } from 'node:path';
import { type CancellationToken, type Connection, type WorkDoneProgressReporter } from 'vscode-languageserver/node';
import type { ProgressEvent } from '../engine/evaluate/evaluateTypes';
import { loadPrompt } from '../engine/evaluate/shippedPrompts';
import { OutputWriteError } from '../engine/store/atomicWrite';
import { failureMessage, ResultStore, type ResultKey } from '../engine/store/resultStore';
import type { CriticResult } from '../shared/result';
import { TextDeltaNotification, type EvaluateOutcome, type EvaluateParams } from '../shared/requests';
import { abortSignalFor } from './cancellation';
import { cancelledError, fileErrorOf } from './fileError';
import type { EngineHost } from './engineHost';

function progressMessage(e: ProgressEvent): string {
  if (e.stage !== 'generate') return { probe: 'Probing', decode: 'Decoding frames', vision: 'Encoding video', prefill: 'Reading prompt' }[e.stage];
  const rate = e.tokensPerSecond ? ` · ${e.tokensPerSecond.toFixed(1)} tok/s` : '';
  return `Generating (trial ${(e.trial ?? 0) + 1}/${e.trials ?? 1}, ${e.tokens ?? 0} tokens${rate})`;
}

/** A failed job in the store, as batch records it; a record that cannot be written only goes to the server's log. */
async function recordFailure(connection: Connection, store: ResultStore, key: ResultKey, err: unknown): Promise<void> {
  try {
    await store.writeFailure(key, failureMessage(key.video, err));
  } catch (writeErr) {
    connection.console.error((writeErr as Error)?.message ?? String(writeErr));
  }
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
      const store = params.store ? new ResultStore(resolve(params.store.root), { videosRoot: params.store.videosRoot }) : undefined;
      let result: CriticResult;
      try {
        result = await backend.evaluate(params.path, prompt, {
          trials: params.trials,
          seed: params.seed,
          maxNewTokens: params.maxNewTokens,
          force: params.force,
          signal,
          onProgress: (e) => workDone?.report(progressMessage(e)),
          onText: (trial, delta) => params.jobId && void connection.sendNotification(TextDeltaNotification, { jobId: params.jobId, trial, delta }),
        });
      } catch (err) {
        if (store && !signal.aborted) await recordFailure(connection, store, { video: resolve(params.path), promptId: prompt.id, promptVersion: prompt.version, model: backend.label.model }, err);
        throw err;
      }
      if (!store) return { ok: true, result, resultFile: null };
      try {
        return { ok: true, result, resultFile: await store.writeResult(result) };
      } catch (err) {
        // The result stands; the client shows it and says it could not be kept.
        return { ok: true, result, resultFile: null, writeError: fileErrorOf(err instanceof OutputWriteError ? err.path : store.resultsDir, err) };
      }
    } catch (err) {
      if (signal.aborted) throw cancelledError('cancelled');
      return { ok: false, error: fileErrorOf(params.path, err) };
    } finally {
      workDone?.done();
    }
  };
}
