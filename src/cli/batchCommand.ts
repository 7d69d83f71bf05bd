import { parseArgs } from 'node:util';
import { loadPrompt } from '../engine/evaluate/shippedPrompts';
import { findVideos } from '../engine/jobs/findVideos';
import { runBatch, type BatchProgress } from '../engine/jobs/batchRunner';
import type { CliIo } from './cliIo';
import { ENGINE_FLAGS_HELP, ENGINE_FLAG_SPECS, backendFrom } from './engineFlags';
import { LIMITS } from '../shared/limits';
import { numberFlag } from './numberFlag';
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
      out: { type: 'string' },
      prompt: { type: 'string', multiple: true },
      concurrency: { type: 'string' },
      'batch-size': { type: 'string' },
      resume: { type: 'boolean' },
      include: { type: 'string', multiple: true },
      exclude: { type: 'string', multiple: true },
    },
  });
  if (positionals.length === 0) throw new UsageError('batch needs at least one folder, glob or video');
  if (!values.out) throw new UsageError('batch needs --out DIR');
  const concurrency = numberFlag('concurrency', values.concurrency, LIMITS.concurrency) ?? 2;
  const prefetch = numberFlag('batch-size', values['batch-size'], LIMITS.batchSize) ?? 4;
  const prompts = (values.prompt ?? ['reward']).map(loadPrompt);
  const videos = await findVideos(positionals, { include: values.include, exclude: values.exclude });
  if (videos.length === 0) throw new UsageError(`no videos found in ${positionals.join(', ')}`);
  const backend = await backendFrom(values, io);
  const manifest = await runBatch(videos, prompts, {
    backend,
    outDir: values.out,
    concurrency,
    prefetch,
    resume: Boolean(values.resume),
    signal: io.signal,
    onProgress: (p) => io.progress(bar(p)),
    onItem: (row) => {
      if (row.status === 'failed') io.reportError(new Error(row.error ?? 'failed'));
      else if (!io.stdoutIsTTY) io.stdout(`${row.status} ${row.score === null ? '-' : row.score.toFixed(4)} ${row.prompt_id} ${row.video}\n`);
    },
  });
  io.progress('');
  const c = manifest.counts;
  io.stdout(`${manifest.status}: ${c.done} done, ${c.skipped} already there, ${c.failed} failed of ${c.total} → ${values.out} (run ${manifest.id})\n`);
  return c.failed > 0 ? 1 : 0;
}
