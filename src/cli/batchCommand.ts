import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_BANDS, readBandsFile } from '../engine/eval/bands';
import { sortIntoBands } from '../engine/eval/sortIntoBands';
import { loadPrompt } from '../engine/evaluate/shippedPrompts';
import { findVideos } from '../engine/jobs/findVideos';
import type { SummaryRow } from '../engine/jobs/batchFiles';
import { runBatch, type BatchProgress } from '../engine/jobs/batchRunner';
import type { CliIo } from './cliIo';
import { ENGINE_FLAGS_HELP, ENGINE_FLAG_SPECS, backendFrom } from './engineFlags';
import { LIMITS } from '../shared/limits';
import { numberFlag } from './numberFlag';
import { WORKER_FLAGS_HELP, WORKER_FLAG_SPECS, workerBackendFrom } from './workerFlags';
import { UsageError } from './usageError';

export const BATCH_HELP = `cosmos-critic batch <dir|glob…> --out DIR [options]

Scores or critiques every video (folders are searched recursively) with every --prompt, writing one
result per video × prompt × model to DIR/results/, a run manifest to DIR/runs/<id>/manifest.json, and
DIR/summary.jsonl + DIR/summary.csv. A bad video is recorded as failed and the run goes on; Ctrl-C keeps
what finished, and --resume skips results already in DIR.

Options:
  --out DIR              where results go (required)
  --prompt F             a prompt file or shipped prompt name; repeat for several (default: reward)
  --concurrency N        videos in inference at once (default 2, at most 64; for endpoints, requests in flight)
  --batch-size N         videos decoded and vision-encoded ahead of inference (default 4, 0–256; local model)
  --resume               skip video × prompt pairs whose result is already in DIR
  --include G / --exclude G   glob filters on the found videos (repeatable)
  --bands FILE           band cut-offs from "cosmos-critic eval --write-bands" for the summary (default 0.7 / 0.3)
  --sort-into DIR        place the videos into DIR/good, DIR/uncertain, DIR/bad by band (per prompt when several)
  --sort-mode link|copy  how --sort-into places them (default link: symbolic links to the originals)
${WORKER_FLAGS_HELP}
${ENGINE_FLAGS_HELP}`;

function formatEta(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.round(s % 60)).padStart(2, '0')}`;
}

function bar(p: BatchProgress): string {
  const finished = p.done + p.failed + p.skipped;
  const width = 24;
  const filled = Math.round((finished / Math.max(1, p.total)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${finished}/${p.total} · ${p.failed} failed · ${p.videosPerMinute.toFixed(1)}/min · ETA ${formatEta(p.etaS)}`;
}

export async function batchCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...ENGINE_FLAG_SPECS,
      ...WORKER_FLAG_SPECS,
      out: { type: 'string' },
      prompt: { type: 'string', multiple: true },
      concurrency: { type: 'string' },
      'batch-size': { type: 'string' },
      resume: { type: 'boolean' },
      include: { type: 'string', multiple: true },
      exclude: { type: 'string', multiple: true },
      bands: { type: 'string' },
      'sort-into': { type: 'string' },
      'sort-mode': { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new UsageError('batch needs at least one folder, glob or video');
  if (!values.out) throw new UsageError('batch needs --out DIR');
  const concurrency = numberFlag('concurrency', values.concurrency, LIMITS.concurrency) ?? 2;
  const prefetch = numberFlag('batch-size', values['batch-size'], LIMITS.batchSize) ?? 4;
  const sortMode = values['sort-mode'] ?? 'link';
  if (sortMode !== 'link' && sortMode !== 'copy') throw new UsageError('--sort-mode must be link or copy');
  const bands = values.bands ? await readBandsFile(resolve(values.bands)) : undefined;
  const prompts = (values.prompt ?? ['reward']).map(loadPrompt);
  const videos = await findVideos(positionals, { include: values.include, exclude: values.exclude });
  if (videos.length === 0) throw new UsageError(`no videos found in ${positionals.join(', ')}`);
  const backend = (await workerBackendFrom(values, io)) ?? (await backendFrom(values, io));
  const rows: SummaryRow[] = [];
  const manifest = await runBatch(videos, prompts, {
    backend,
    bands,
    outDir: values.out,
    concurrency,
    prefetch,
    resume: Boolean(values.resume),
    signal: io.signal,
    onProgress: (p) => io.progress(bar(p)),
    onItem: (row) => {
      rows.push(row);
      if (row.status === 'failed') io.reportError(new Error(row.error ?? 'failed'));
      else if (!io.stdoutIsTTY) io.stdout(`${row.status} ${row.score === null ? '-' : row.score.toFixed(4)} ${row.prompt_id} ${row.video}\n`);
    },
  }).finally(() => backend.dispose());
  io.progress('');
  const c = manifest.counts;
  io.stdout(`${manifest.status}: ${c.done} done, ${c.skipped} already there, ${c.failed} failed of ${c.total} → ${values.out} (run ${manifest.id})\n`);
  if (values['sort-into']) {
    const sorted = await sortIntoBands(rows, manifest.videos_root, resolve(values['sort-into']), bands ?? DEFAULT_BANDS, sortMode);
    for (const error of sorted.errors) io.reportError(new Error(error));
    const p = sorted.placed;
    io.stdout(`sorted into ${resolve(values['sort-into'])}: ${p.good} good, ${p.uncertain} uncertain, ${p.bad} bad${sorted.unscored.length ? `, ${sorted.unscored.length} without a score left out` : ''}\n`);
    if (sorted.errors.length) return 1;
  }
  return c.failed > 0 ? 1 : 0;
}
