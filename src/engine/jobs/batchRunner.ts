import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { PromptFile } from '../../promptfile/promptFile';
import type { CriticResult } from '../../shared/result';
import type { Backend, BackendName } from '../evaluate/backend';
import { bandWith, type Bands } from '../eval/bands';
import { LIMITS } from '../../shared/limits';
import { redactSecrets } from '../../shared/redactSecrets';
import { failureMessage, ResultStore, type ResultKey } from '../store/resultStore';
import { appendFileNamed, OutputWriteError, writeFileAtomic } from '../store/atomicWrite';
import { summaryRow, toCsv, type SummaryRow } from './batchFiles';

export interface BatchProgress {
  total: number;
  done: number;
  failed: number;
  skipped: number;
  running: string[];
  videosPerMinute: number;
  etaS: number | null;
}

export interface BatchOptions {
  backend: Backend;
  outDir: string;
  /** Folder that result file names are relative to; ignored unless it holds every video. Default: their common folder. */
  videosRoot?: string;
  /** Jobs in inference at once (for endpoints: requests in flight). */
  concurrency: number;
  /** Local backend: videos decoded and vision-encoded ahead of inference. */
  prefetch: number;
  /** Skip jobs whose result file is already there (from an earlier, interrupted run). */
  resume: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: BatchProgress) => void;
  onItem?: (row: SummaryRow) => void;
  /** Band cut-offs from an evaluation, for the summary's band column (result files keep the prompt's). */
  bands?: Bands;
}

export interface BatchManifest {
  schema: 'cosmos-critic/run@1';
  id: string;
  /** `failed`: the run stopped on an error of its own (its output could not be written: `error` says why);
   *  `interrupted`: the process that ran it was killed (found so by a later run in the same folder). */
  status: 'running' | 'done' | 'cancelled' | 'failed' | 'interrupted';
  error?: string;
  /** The process running it, so that a later run can tell a killed run from a running one. */
  pid?: number;
  host?: string;
  started_at: string;
  ended_at: string | null;
  backend: BackendName;
  model: string;
  device: string;
  prompts: Array<{ id: string; version: string | number; sha256: string; path: string | null; mode: string }>;
  settings: { concurrency: number; prefetch: number; resume: boolean };
  counts: { total: number; done: number; failed: number; skipped: number };
  videos_root: string;
}

interface Job {
  video: string;
  prompt: PromptFile;
  key: ResultKey;
  resultFile: string;
  prepared?: Promise<unknown>;
}

async function finishedResult(store: ResultStore, job: Job): Promise<CriticResult | undefined> {
  const result = await store.resultFor(job.key);
  return result?.prompt.sha256 === job.prompt.sha256 ? result : undefined;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Manifests in `<outDir>/runs` still `running` although their process (on this host) is gone: killed runs. */
async function markInterruptedRuns(store: ResultStore): Promise<void> {
  for (const file of await store.manifestFiles()) {
    try {
      const old = JSON.parse(await readFile(file, 'utf8')) as BatchManifest;
      if (old.status !== 'running' || typeof old.pid !== 'number' || old.host !== hostname() || isAlive(old.pid)) continue;
      await writeFileAtomic(file, JSON.stringify({ ...old, status: 'interrupted' }, null, 2) + '\n');
    } catch {
      // Not a manifest of ours, or unreadable: leave it.
    }
  }
}

/**
 * Runs every video × prompt, writing each result as it finishes (atomically), a run manifest and summary.jsonl/csv.
 * A failed video is recorded with its error and the run goes on; cancelling keeps everything finished so far, and a
 * run with `resume` skips what is already on disk.
 */
export async function runBatch(videos: string[], prompts: PromptFile[], options: BatchOptions): Promise<BatchManifest> {
  const { backend, outDir, signal } = options;
  const { backend: backendName, model, device } = backend.label;
  const store = ResultStore.forVideos(outDir, videos, options.videosRoot);
  const root = store.videosRoot!;
  const jobs: Job[] = videos.flatMap((video) =>
    prompts.map((prompt) => {
      const key: ResultKey = { video, promptId: prompt.id, promptVersion: prompt.version, model };
      return { video, prompt, key, resultFile: store.fileFor(key) };
    }),
  );
  const started = Date.now();
  const manifest: BatchManifest = {
    schema: 'cosmos-critic/run@1',
    id: `${new Date(started).toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`,
    status: 'running',
    started_at: new Date(started).toISOString(),
    ended_at: null,
    backend: backendName,
    model,
    device,
    prompts: prompts.map((p) => ({ id: p.id, version: p.version, sha256: p.sha256, path: p.path, mode: p.mode })),
    settings: { concurrency: Math.min(LIMITS.concurrency.max, Math.max(1, Math.floor(options.concurrency) || 1)), prefetch: options.prefetch, resume: options.resume },
    counts: { total: jobs.length, done: 0, failed: 0, skipped: 0 },
    videos_root: root,
    pid: process.pid,
    host: hostname(),
  };
  const manifestFile = store.manifestFile(manifest.id);
  const saveManifest = () => writeFileAtomic(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    throw new OutputWriteError(outDir, (err as NodeJS.ErrnoException).code, err);
  }
  await markInterruptedRuns(store);
  await saveManifest();
  // Stops every worker and the read-ahead: on cancel, and on an error that ends the run (its output cannot be written).
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) stop.abort(signal.reason);
  let fatal: unknown;
  const concurrency = Math.min(LIMITS.concurrency.max, Math.max(1, Math.floor(options.concurrency) || 1));
  let workersLeft = concurrency;

  const rows = new Map<Job, SummaryRow>();
  const running = new Set<string>();
  let evaluated = 0;
  const report = () => {
    const c = manifest.counts;
    const minutes = (Date.now() - started) / 60_000;
    const rate = minutes > 0 ? evaluated / minutes : 0;
    const left = c.total - c.done - c.failed - c.skipped;
    options.onProgress?.({ ...c, running: [...running], videosPerMinute: rate, etaS: rate > 0 ? (left / rate) * 60 : null });
  };
  const record = async (job: Job, row: SummaryRow) => {
    if (options.bands && row.score !== null) row = { ...row, band: bandWith(row.score, options.bands) };
    rows.set(job, row);
    await appendFileNamed(store.summaryFile('jsonl'), JSON.stringify(row) + '\n');
    options.onItem?.(row);
    report();
  };

  let cursor = 0;
  let prefetchCursor = 0;
  const prefetchAhead = async () => {
    const prepare = backend.prepare?.bind(backend);
    if (!prepare || options.prefetch <= 0) return;
    while (!stop.signal.aborted && workersLeft > 0 && prefetchCursor < jobs.length) {
      if (prefetchCursor >= cursor + options.prefetch) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const job = jobs[prefetchCursor++]!;
      if (options.resume && (await finishedResult(store, job))) continue;
      job.prepared = prepare(job.video, job.prompt, stop.signal).catch(() => undefined);
      await job.prepared;
    }
  };

  const runJobs = async () => {
    while (!stop.signal.aborted) {
      const job = jobs[cursor++];
      if (!job) return;
      if (options.resume) {
        const done = await finishedResult(store, job);
        if (done) {
          manifest.counts.skipped++;
          await record(job, summaryRow(done, job.resultFile, outDir, model));
          continue;
        }
      }
      running.add(job.video);
      report();
      let result: CriticResult;
      try {
        await job.prepared;
        result = await backend.evaluate(job.video, job.prompt, { signal: stop.signal });
      } catch (err) {
        if (stop.signal.aborted) return;
        // The run's own output cannot be written (the cache shares the disk, say): no other video would fare better.
        if (err instanceof OutputWriteError) throw err;
        const error = failureMessage(job.video, err);
        await store.writeFailure(job.key, error);
        evaluated++;
        manifest.counts.failed++;
        await record(job, {
          video: job.video, prompt_id: job.prompt.id, prompt_version: String(job.prompt.version), model, mode: job.prompt.mode, status: 'failed',
          score: null, band: null, anomaly: null, violations: null, categories: '', duration_s: null, error, result_file: null,
        });
        continue;
      } finally {
        running.delete(job.video);
      }
      await store.writeResult(result, model);
      evaluated++;
      manifest.counts.done++;
      await record(job, summaryRow(result, job.resultFile, outDir, model));
    }
  };
  const worker = async () => {
    try {
      await runJobs();
    } catch (err) {
      fatal ??= err;
      stop.abort(err);
    } finally {
      workersLeft--;
    }
  };

  try {
    await Promise.all([prefetchAhead(), ...Array.from({ length: concurrency }, worker)]);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    const finished = jobs.filter((j) => rows.has(j)).map((j) => rows.get(j)!);
    manifest.status = fatal ? 'failed' : signal?.aborted ? 'cancelled' : 'done';
    if (fatal) manifest.error = redactSecrets((fatal as Error)?.message ?? String(fatal));
    manifest.ended_at = new Date().toISOString();
    const closing = [
      () => writeFileAtomic(store.summaryFile('jsonl'), finished.map((r) => JSON.stringify(r)).join('\n') + (finished.length ? '\n' : '')),
      () => writeFileAtomic(store.summaryFile('csv'), toCsv(finished)),
      async () => {
        try {
          await saveManifest();
        } catch (err) {
          if (!fatal) throw err;
          // A full disk has no room for the temporary copy: overwrite in place (truncating frees the old blocks first),
          // so the manifest does not stay "running".
          await writeFile(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
        }
      },
    ];
    for (const write of closing) {
      try {
        await write();
      } catch (err) {
        // After a failed write the disk may refuse these too: the first error is the one to report.
        if (!fatal) throw err;
      }
    }
  }
  if (fatal) throw fatal;
  return manifest;
}

