import { join } from 'node:path';
import type { CancellationToken, Connection, WorkDoneProgressReporter } from 'vscode-languageserver/node';
import { errorCodeOf } from '../engine/errorCode';
import { loadPrompt } from '../engine/evaluate/shippedPrompts';
import { runBatch } from '../engine/jobs/batchRunner';
import { findVideos } from '../engine/jobs/findVideos';
import type { BatchOutcome, BatchParams } from '../shared/requests';
import { abortSignalFor } from './cancellation';
import type { EngineHost } from './engineHost';

function eta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  return seconds >= 60 ? ` · ETA ${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s` : ` · ETA ${Math.round(seconds)} s`;
}

/**
 * `critic/batch`: every video × prompt through the configured backend, reporting done/total, rate and ETA as work-done
 * progress. Cancelling keeps what finished (the result is `status: "cancelled"`); a later run with `resume` goes on.
 */
export function createBatchHandler(connection: Connection, host: EngineHost) {
  return async (params: BatchParams, token: CancellationToken): Promise<BatchOutcome> => {
    const signal = abortSignalFor(token);
    const workDone: WorkDoneProgressReporter | undefined = params.workDoneToken !== undefined ? connection.window.attachWorkDoneProgress(params.workDoneToken) : undefined;
    workDone?.begin('Critiquing videos', 0, 'Finding videos…', true);
    try {
      const prompts = (params.prompts?.length ? params.prompts : ['reward']).map(loadPrompt);
      const videos = await findVideos(params.inputs, { include: params.include, exclude: params.exclude });
      if (videos.length === 0) return { ok: false, error: { file: params.inputs.join(', '), message: `No videos found in ${params.inputs.join(', ')}`, code: 'request-invalid' } };
      const backend = await host.backend();
      const manifest = await runBatch(videos, prompts, {
        backend,
        outDir: params.outDir,
        videosRoot: params.videosRoot,
        concurrency: params.concurrency ?? 2,
        prefetch: params.batchSize ?? 4,
        resume: params.resume ?? true,
        signal,
        onProgress: (p) => {
          const finished = p.done + p.failed + p.skipped;
          workDone?.report(Math.round((finished / Math.max(1, p.total)) * 100), `${finished}/${p.total} · ${p.failed} failed · ${p.videosPerMinute.toFixed(1)}/min${eta(p.etaS)}`);
        },
      });
      return {
        ok: true,
        summary: {
          runId: manifest.id,
          status: manifest.status === 'cancelled' ? 'cancelled' : 'done',
          counts: manifest.counts,
          manifestPath: join(params.outDir, 'runs', manifest.id, 'manifest.json'),
          outDir: params.outDir,
        },
      };
    } catch (err) {
      return { ok: false, error: { file: params.inputs.join(', '), message: (err as Error).message ?? String(err), code: errorCodeOf(err) } };
    } finally {
      workDone?.done();
    }
  };
}
