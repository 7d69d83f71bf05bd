// Batch pipeline on the tiny model: 40 distinct clips as one batch versus the same clips one by one (sum of per-video
// times), in the same run; and the peak memory of a batch with 1,000 videos queued (run in its own process).
import { execFileSync, fork } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { evaluateVideo, localEngine } from '../../src/engine/evaluate/evaluateVideo';
import { loadPrompt } from '../../src/engine/evaluate/shippedPrompts';
import { localBackend } from '../../src/engine/evaluate/localBackend';
import { runBatch } from '../../src/engine/jobs/batchRunner';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { LocalModel } from '../../src/engine/model/localModel';
import { CacheStore } from '../../src/engine/store/cacheStore';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { FIXTURE_DIR } from '../fixtures/videos';

/** 40 clips of 2 s at 320×240, each a different hue so that no two share content (and a result). */
export function clips(): string[] {
  const dir = join(FIXTURE_DIR, 'bench-40');
  mkdirSync(dir, { recursive: true });
  return Array.from({ length: 40 }, (_, i) => {
    const path = join(dir, `clip-${String(i).padStart(2, '0')}.mp4`);
    if (!existsSync(path)) {
      const tmp = `${path}.partial.mp4`;
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=25,hue=h=${i * 9}`, '-t', '2', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', tmp]);
      renameSync(tmp, path);
    }
    return path;
  });
}

function queuedMemory(): Promise<Record<string, unknown>> {
  return new Promise((resolvePromise, reject) => {
    const child = fork(resolve(__dirname, 'batchMemory.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolvePromise(JSON.parse(out) as Record<string, unknown>) : reject(new Error(`exit ${code}`))));
  });
}

export async function batchBench(): Promise<Record<string, unknown>> {
  const videos = clips();
  const model = await LocalModel.load(await ensureTinyModel(), { device: 'cpu' });
  const tools = locateFfmpeg();
  const prompt = loadPrompt('reward');
  const scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-batch-bench-'));
  try {
    let sequentialMs = 0;
    const one = localEngine(model, tools, new CacheStore(join(scratch, 'one-by-one')));
    for (const video of videos) {
      const t = performance.now();
      await evaluateVideo(one, video, prompt);
      sequentialMs += performance.now() - t;
    }
    const engine = localEngine(model, tools, new CacheStore(join(scratch, 'batch')));
    const t = performance.now();
    const manifest = await runBatch(videos, [prompt], { backend: localBackend(engine), outDir: join(scratch, 'out'), concurrency: 2, prefetch: 4, resume: false });
    const batchMs = performance.now() - t;
    const failures = manifest.counts.failed
      ? (await readFile(join(scratch, 'out', 'summary.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { status: string; error: string | null }).filter((r) => r.status === 'failed').map((r) => r.error)
      : [];
    return {
      clips: '40 × 2 s 320×240 H.264, reward prompt, tiny model on CPU',
      sum_of_one_by_one_ms: Math.round(sequentialMs),
      batch_wall_ms: Math.round(batchMs),
      batch_over_sequential: +(batchMs / sequentialMs).toFixed(3),
      settings: { concurrency: 2, batch_size: 4 },
      batch_counts: manifest.counts,
      ...(failures.length && { batch_failures: failures }),
      queued_1000: await queuedMemory(),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** 1,000 hard links to one short clip: the batch queues all of them; the result cache answers after the first. */
export function thousandLinks(dir: string, source: string): string[] {
  mkdirSync(dir, { recursive: true });
  return Array.from({ length: 1000 }, (_, i) => {
    const path = join(dir, `v${String(i).padStart(4, '0')}.mp4`);
    linkSync(source, path);
    return path;
  });
}
