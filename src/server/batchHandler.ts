import { isAbsolute, join } from 'node:path';
import type { CancellationToken, Connection, WorkDoneProgressReporter } from 'vscode-languageserver/node';
import { errorCodeOf } from '../engine/errorCode';
import { checkBands, DEFAULT_BANDS } from '../engine/eval/bands';
import { sortIntoBands } from '../engine/eval/sortIntoBands';
import type { SummaryRow } from '../engine/jobs/batchFiles';
import { loadPrompt } from '../engine/evaluate/shippedPrompts';
import { runBatch } from '../engine/jobs/batchRunner';
import { findVideos } from '../engine/jobs/findVideos';
import type { BatchOutcome, BatchParams, BatchSorted } from '../shared/requests';
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
      const bands = params.bands === undefined ? undefined : checkBands(params.bands, 'bands');
      const sortInto = params.sortInto;
      if (sortInto && (typeof sortInto.dir !== 'string' || !isAbsolute(sortInto.dir) || (sortInto.mode !== 'link' && sortInto.mode !== 'copy'))) {
        return { ok: false, error: { file: String(sortInto.dir), message: 'sortInto needs an absolute folder and a mode of "link" or "copy"', code: 'request-invalid' } };
      }
      const prompts = (params.prompts?.length ? params.prompts : ['reward']).map(loadPrompt);
      const videos = await findVideos(params.inputs, { include: params.include, exclude: params.exclude });
      if (videos.length === 0) return { ok: false, error: { file: params.inputs.join(', '), message: `No videos found in ${params.inputs.join(', ')}`, code: 'request-invalid' } };
      const backend = await host.backend();
      const rows: SummaryRow[] = [];
      const manifest = await runBatch(videos, prompts, {
        backend,
        bands,
        onItem: (row) => rows.push(row),
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
      let sorted: BatchSorted | undefined;
      // What finished is sorted even after a cancel, as the CLI does after Ctrl-C.
      if (sortInto) {
        workDone?.report(100, `Sorting into ${sortInto.dir}…`);
        const outcome = await sortIntoBands(rows, manifest.videos_root, sortInto.dir, bands ?? DEFAULT_BANDS, sortInto.mode);
        sorted = { dir: sortInto.dir, placed: outcome.placed, unscored: outcome.unscored.length, errors: outcome.errors.slice(0, 100) };
        const p = outcome.placed;
        connection.console.info(`sorted into ${sortInto.dir}: ${p.good} good, ${p.uncertain} uncertain, ${p.bad} bad${outcome.unscored.length ? `, ${outcome.unscored.length} without a score left out` : ''}`);
        for (const error of outcome.errors) connection.console.warn(`sort into ${sortInto.dir}: ${error}`);
      }
      return {
        ok: true,
        summary: {
          runId: manifest.id,
          status: manifest.status === 'cancelled' ? 'cancelled' : 'done',
          counts: manifest.counts,
          manifestPath: join(params.outDir, 'runs', manifest.id, 'manifest.json'),
          outDir: params.outDir,
          ...(sorted ? { sorted } : {}),
        },
      };
    } catch (err) {
      return { ok: false, error: { file: params.inputs.join(', '), message: (err as Error).message ?? String(err), code: errorCodeOf(err) } };
    } finally {
      workDone?.done();
    }
  };
}
